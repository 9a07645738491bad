import { readFileSync, statSync } from 'node:fs';
import { resolveRevision, resolveSizes } from '../check/check.ts';
import { toItfValue, validateItf, type ItfTrace } from '../check/itf.ts';
import { describe, replayItf } from '../check/replay.ts';
import { FAIRNESS_MODES, type FairnessMode } from '../check/fairness.ts';
import { InputError } from '../compose/errors.ts';
import { System } from '../compose/system.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { EXIT } from './exit.ts';
import { UsageError } from './usage.ts';

/**
 * `daxspec replay FILE`: replays a trace against the machines and re-checks every property where
 * it ends. It reads every trace format daxspec writes: an ITF trace (check --itf), the report of
 * check --json for one revision, and the list of reports for several. Exit 1 when the trace ends
 * in (or passes through) a violation, 0 when it replays without one, 2 when it cannot be read or
 * diverges from the machines (one line on stderr; the differing fields, in full, on stdout).
 */
export interface ReplayArgs {
  /** --model, as given (the registry is already its scenarios). */
  model?: string;
  scenario?: string;
  revision?: string;
  json?: boolean;
  finding?: number;
}

/** Traces larger than this are not traces daxspec writes; reading one would only exhaust memory. */
const MAX_TRACE_BYTES = 256 * 2 ** 20;

export function runReplay(file: string, args: ReplayArgs, reg: Registry): number {
  const parsed = readJson(file);
  const bad = (field: string, why: string, step?: number): never => {
    throw new InputError('bad-trace', { file, field, why, step });
  };
  if (isMatrix(parsed))
    bad(
      'the file',
      'is the bug matrix of check --all --json, which holds no traces; check one cell with check --scenario NAME --revision REV --json',
    );
  const report = Array.isArray(parsed) ? pickReport(file, parsed, args.revision) : isReport(parsed) ? parsed : undefined;
  if (!report && args.finding !== undefined)
    throw new UsageError(`--finding picks a counterexample of a check --json report; ${file} is an ITF trace, which holds one`);
  const itf = report ? reportToItf(file, report, args.finding ?? 1) : validateItf(parsed, file);
  const origin = itf['#meta']?.daxspec;
  if (origin !== undefined && (typeof origin !== 'object' || origin === null)) bad('#meta.daxspec', 'is not an object');
  if (args.scenario && origin?.scenario && args.scenario !== origin.scenario) {
    throw new UsageError(`--scenario ${args.scenario} contradicts ${file}, a trace of scenario ${origin.scenario}; drop --scenario`);
  }
  const fromTrace = origin?.revision ?? undefined;
  if (args.revision && fromTrace && args.revision !== fromTrace) {
    throw new UsageError(`--revision ${args.revision} contradicts ${file}, a trace of revision ${fromTrace}; drop --revision`);
  }
  const name = args.scenario ?? origin?.scenario;
  if (!name) throw new UsageError(`${file}: the trace does not say its scenario; pass --scenario`);
  if (typeof name !== 'string') return bad('#meta.daxspec.scenario', 'is not a scenario name');
  // A trace names its scenario; one the scenarios at hand lack is most often a trace of a user's model given without it.
  if (!reg.scenarios.some((s) => s.name === name))
    throw new UsageError(
      `${file}: a trace of scenario '${name}', which ${args.model === undefined ? 'the built-in scenarios do not have: give its model with --model FILE' : `--model ${args.model} does not have`} (run 'daxspec list' to see them)`,
    );
  const scenario = reg.find(name);
  const revision = resolveRevision(
    scenario,
    args.revision ?? fromTrace,
    args.revision === undefined && fromTrace !== undefined ? `${file}: #meta.daxspec.revision ${fromTrace}` : undefined,
  );
  // A trace is of one revision: one the trace does not name is asked for, never taken as some default.
  if (revision === undefined && scenario.revisions.length > 0)
    throw new UsageError(
      `${file}: the trace does not say its revision; pass --revision (scenario ${name} has ${scenario.revisions.join(', ')})`,
    );
  const sizes = traceSizes(file, scenario, origin?.sizes);
  const system = new System(scenario.build(revision, sizes));
  const fairness = origin?.fairness;
  if (fairness !== undefined && !FAIRNESS_MODES.includes(fairness))
    bad('#meta.daxspec.fairness', `is not a fairness mode (${FAIRNESS_MODES.join(', ')})`);
  const r = replayItf(system, itf, file, { fairness });
  const where = `${name}${revision ? ` @ ${revision}` : ''}`;
  // What the trace says it ends in (check --itf writes the property, and which way it failed), checked against what its
  // last state (or its lasso) shows: a trace cut short, or one whose claim was edited, replays exactly and still does
  // not show what it claims.
  const claimed = typeof origin?.property === 'string' ? origin.property : undefined;
  const claimMet =
    claimed === undefined
      ? undefined
      : r.findings.some(
          (f) =>
            f.property === claimed &&
            (origin?.variant == null || f.variant === origin.variant) &&
            (origin?.actor === undefined || f.actor === origin.actor),
        );
  const claim = claimed === undefined ? '' : `${claimed}${origin?.variant ? ` (${origin.variant})` : ''}`;
  if (args.json)
    process.stdout.write(
      JSON.stringify(
        { file, scenario: name, revision: revision ?? null, sizes, ...r, ...(claimed ? { claimed, claimMet } : {}) },
        null,
        2,
      ) + '\n',
    );
  else if (r.divergence) {
    const lines = [`${file}: diverges from ${where} at step ${r.divergence.step} of ${r.total}:`];
    if (r.divergence.differences?.length) for (const d of r.divergence.differences) lines.push(`  ${describe([d])}`);
    else lines.push(`  ${r.divergence.message}`);
    process.stdout.write(lines.join('\n') + '\n');
  } else {
    const lasso =
      r.loop !== undefined ? `, a lasso whose cycle closes at state ${r.loop}${r.loop === r.total ? ' (it stutters there)' : ''}` : '';
    const lines = [
      `${file}: replays exactly on ${where} (${r.matched} step${r.matched === 1 ? '' : 's'})${r.violation ? `, ending in: ${r.violation}` : ''}${lasso}`,
    ];
    if (r.findings.length > 1) for (const f of r.findings) lines.push(`  ${f.property}: ${f.text}`);
    if (!r.findings.length && r.loop === undefined) lines.push('  every property holds at its last state, deadlock and progress included');
    if (r.unfair) {
      const u = r.unfair;
      const where = u.kind === 'weak' ? 'in every state of the cycle' : 'in a state of the cycle';
      lines.push(
        `  but its cycle is no fair behaviour: ${u.action} (${u.kind}ly fair: ${u.why}) is enabled ${where} and never taken in it; it shows no liveness failure`,
      );
    } else if (r.loop !== undefined && !r.findings.length)
      lines.push('  but the behaviour it stands for breaks no liveness property: a premise never held, or a goal came');
    if (claimed !== undefined && !claimMet)
      lines.push(
        r.loop !== undefined
          ? `  the trace says it shows ${claim}, which this lasso does not`
          : `  but the trace says it ends in ${claim}, which its last state does not show${r.findings.length ? '' : ': it stops short of the counterexample it claims'}`,
      );
    if (r.undecided) lines.push(`  (${r.undecided})`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  if (r.divergence) {
    process.stderr.write(
      `daxspec: ${file} diverges from ${where} at step ${r.divergence.step}${r.divergence.differences?.length ? ` (${r.divergence.differences.map((d) => d.field).join(', ')})` : ''}\n`,
    );
    return EXIT.badInput;
  }
  return r.violation ? EXIT.violated : EXIT.holds;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError('bad-trace', { file, field: 'the file', why: 'is a folder, not a trace' });
    if (st.size > MAX_TRACE_BYTES)
      throw new InputError('bad-trace', { file, field: 'the file', why: `is ${st.size} bytes, larger than any trace daxspec writes` });
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError('bad-trace', {
      file,
      field: 'the file',
      why:
        code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? (e as Error).message})`,
    });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError('bad-trace', { file, field: 'the file', why: `is not JSON (${(e as Error).message})` });
  }
}

/** Sizes as the trace records them, each checked against the scenario as a size option would be. */
function traceSizes(file: string, scenario: Scenario, raw: unknown): Record<string, number> {
  if (raw === undefined) return resolveSizes(scenario, {});
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError('bad-trace', { file, field: '#meta.daxspec.sizes', why: 'is not a record of sizes' });
  for (const [k, v] of Object.entries(raw)) {
    if (!Number.isInteger(v)) throw new InputError('bad-trace', { file, field: `#meta.daxspec.sizes.${k}`, why: 'is not a whole number' });
  }
  try {
    return resolveSizes(scenario, raw as Record<string, number>);
  } catch (e) {
    if (e instanceof InputError && (e.code === 'size-out-of-range' || e.code === 'unknown-size')) {
      const f = e.fields as { size: string; min?: number; max?: number };
      const why =
        e.code === 'unknown-size'
          ? `scenario ${scenario.name} has no such size`
          : `is out of scenario ${scenario.name}'s range ${f.min}..${f.max}`;
      throw new InputError('bad-trace', { file, field: `#meta.daxspec.sizes.${f.size}`, why });
    }
    throw e;
  }
}

/** The JSON report of `daxspec check --json`: its findings carry their steps. */
interface JsonReport {
  scenario: string;
  revision: string | null;
  sizes: Record<string, number>;
  findings: {
    property: string;
    variant?: string | null;
    actor?: string;
    loop?: number;
    steps: { actor: string; event: Record<string, unknown> }[];
  }[];
  liveness?: { fairness?: string } | null;
}

function isReport(x: unknown): x is JsonReport {
  return !!x && typeof x === 'object' && Array.isArray((x as JsonReport).findings) && typeof (x as JsonReport).scenario === 'string';
}

function isMatrix(x: unknown): boolean {
  return (
    !!x &&
    typeof x === 'object' &&
    Array.isArray((x as { cells?: unknown }).cells) &&
    Array.isArray((x as { revisions?: unknown }).revisions)
  );
}

/** One report of a multi-revision `check --json`: the one --revision names, or the only one with findings. */
function pickReport(file: string, list: unknown[], revision: string | undefined): JsonReport {
  list.forEach((r, i) => {
    if (!isReport(r))
      throw new InputError('bad-trace', { file, field: `[${i}]`, why: 'is not a report of check --json (scenario and findings)' });
  });
  const reports = list as JsonReport[];
  if (reports.length === 0) throw new InputError('bad-trace', { file, field: 'the file', why: 'is an empty list of reports' });
  if (revision !== undefined) {
    const r = reports.find((x) => x.revision === revision);
    if (!r) throw new UsageError(`--revision ${revision}: ${file} has reports for ${reports.map((x) => x.revision).join(', ')}`);
    return r;
  }
  const withFindings = reports.filter((r) => r.findings.length > 0);
  if (withFindings.length === 1) return withFindings[0];
  if (reports.length === 1) return reports[0];
  throw new UsageError(
    `${file} holds reports for ${reports.map((x) => x.revision).join(', ')}${withFindings.length ? `, ${withFindings.length} with counterexamples` : ''}: pick one with --revision`,
  );
}

/** A report's counterexample as an ITF trace that names each step but no variables: replay follows the steps. */
function reportToItf(file: string, r: JsonReport, n: number): ItfTrace {
  const f = r.findings[n - 1];
  if (!f)
    throw new UsageError(
      `--finding ${n}: ${file} has ${r.findings.length} counterexample${r.findings.length === 1 ? '' : 's'}${r.revision ? ` at ${r.revision}` : ''}`,
    );
  if (!Array.isArray(f.steps))
    throw new InputError('bad-trace', { file, field: `findings[${n - 1}].steps`, why: 'is not a list of steps' });
  f.steps.forEach((s, i) => {
    if (!s || typeof s !== 'object')
      throw new InputError('bad-trace', {
        file,
        step: i + 1,
        field: `findings[${n - 1}].steps[${i}]`,
        why: 'is not a step (actor and event)',
      });
    if (typeof s.actor !== 'string') throw new InputError('bad-trace', { file, step: i + 1, field: 'actor', why: 'is not an actor name' });
    if (!s.event || typeof s.event !== 'object' || typeof s.event.type !== 'string')
      throw new InputError('bad-trace', { file, step: i + 1, field: 'event', why: 'is not an event (a record with a string type)' });
  });
  const itf: ItfTrace = {
    '#meta': {
      format: 'ITF',
      'format-description': '',
      source: file,
      description: f.property,
      // What the finding claims, as an ITF trace of it says: replay checks its trace shows it.
      daxspec: {
        scenario: r.scenario,
        revision: r.revision ?? undefined,
        sizes: r.sizes,
        ...(typeof f.property === 'string' ? { property: f.property } : {}),
        ...(typeof f.variant === 'string' ? { variant: f.variant } : {}),
        ...(f.loop !== undefined && typeof f.actor === 'string' ? { actor: f.actor } : {}),
        ...(f.loop !== undefined && typeof r.liveness?.fairness === 'string' ? { fairness: r.liveness.fairness as FairnessMode } : {}),
      },
    },
    vars: [],
    states: [
      { '#meta': { index: 0 } },
      ...f.steps.map((s, i) => ({ '#meta': { index: i + 1, actor: s.actor, event: toItfValue(s.event) } })),
    ],
    ...(f.loop !== undefined ? { loop: f.loop } : {}),
  };
  return validateItf(itf, file);
}
