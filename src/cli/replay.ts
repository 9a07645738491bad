import { readFileSync } from 'node:fs';
import { EXIT, resolveRevision, resolveSizes } from '../check/check.ts';
import { toItfValue, type ItfTrace } from '../check/itf.ts';
import { replayItf } from '../check/replay.ts';
import { ModelError } from '../compose/errors.ts';
import { System } from '../compose/system.ts';
import { findScenario } from '../registry.ts';

/**
 * `daxspec replay FILE`: replays an ITF trace (ours, or another tool's with the same
 * variables) against the machines. Exit 1 when it reaches a violation, 0 when it
 * replays without one, 2 when it diverges or cannot be read.
 */
export function runReplay(file: string, args: { scenario?: string; revision?: string; json?: boolean; finding?: number }): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ModelError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not JSON (${(e as Error).message})`}`);
  }
  const itf = isReport(parsed) ? reportToItf(file, parsed, args.finding ?? 1) : (parsed as ItfTrace);
  if (!itf || !Array.isArray(itf.states) || itf.states.length === 0) throw new ModelError(`${file}: neither an ITF trace nor a daxspec check --json report`);
  const origin = itf['#meta']?.daxspec;
  const name = args.scenario ?? origin?.scenario;
  if (!name) throw new ModelError(`${file}: the trace does not say its scenario; pass --scenario`);
  const scenario = findScenario(name);
  const revision = resolveRevision(scenario, args.revision ?? origin?.revision ?? undefined);
  const sizes = resolveSizes(scenario, origin?.sizes ?? {});
  const system = new System(scenario.build(revision, sizes));
  const r = replayItf(system, itf);
  if (args.json) process.stdout.write(JSON.stringify({ file, scenario: name, revision: revision ?? null, ...r }, null, 2) + '\n');
  else {
    const where = `${name}${revision ? ` @ ${revision}` : ''}`;
    if (r.divergence) process.stdout.write(`${file}: diverges from ${where} at step ${r.divergence.step} of ${r.total}: ${r.divergence.message}\n`);
    else process.stdout.write(`${file}: replays exactly on ${where} (${r.matched} steps)${r.violation ? `, ending in: ${r.violation}` : ''}${r.loop !== undefined ? `, a lasso whose cycle closes at state ${r.loop}${r.loop === r.total ? ' (it stutters there)' : ''}` : ''}\n`);
  }
  if (r.divergence) return EXIT.badInput;
  return r.violation || r.loop !== undefined ? EXIT.violated : EXIT.holds;
}

/** The JSON report of `daxspec check --json`: its findings carry their steps. */
interface JsonReport {
  scenario: string;
  revision: string | null;
  sizes: Record<string, number>;
  findings: { property: string; loop?: number; steps: { actor: string; event: Record<string, unknown> }[] }[];
}

function isReport(x: unknown): x is JsonReport {
  return !!x && typeof x === 'object' && Array.isArray((x as JsonReport).findings) && typeof (x as JsonReport).scenario === 'string';
}

/** A report's counterexample as an ITF trace that names each step but no variables: replay follows the steps. */
function reportToItf(file: string, r: JsonReport, n: number): ItfTrace {
  const f = r.findings[n - 1];
  if (!f) throw new ModelError(`${file}: the report has ${r.findings.length} finding(s); --finding ${n} is not one of them`);
  return {
    '#meta': { format: 'ITF', 'format-description': '', source: file, description: f.property, daxspec: { scenario: r.scenario, revision: r.revision ?? undefined, sizes: r.sizes } },
    vars: [],
    states: [{ '#meta': { index: 0 } }, ...f.steps.map((s, i) => ({ '#meta': { index: i + 1, actor: s.actor, event: toItfValue(s.event) } }))],
    ...(f.loop !== undefined ? { loop: f.loop } : {}),
  };
}
