import { ANY_REVISION } from './catalog.ts';
import { counterexample } from './counterexample.ts';
import type { DocInvariant } from './invariants.ts';
import type { Catalog } from './catalog.ts';
import { machinePath, propertyPath } from './pagePaths.ts';
import { cell, code, link, table, text } from './markdown.ts';
import type { DocFinding, Run } from './results.ts';
import { runTable } from './runTable.ts';
import { SiteLinks } from './siteLinks.ts';
import type { Liveness } from '../../machines/kit/types.ts';
import { FORM_TEXT } from './liveness.ts';
import { thousands } from '../check/thousands.ts';

/**
 * The actors of a counterexample, each linked to its machine's page: `pmem0.dax`
 * means nothing to a reader until it says it is a dax_device.
 */
function actorsLine(from: string, scenario: string, f: DocFinding, catalog: Catalog): string {
  const names: string[] = [];
  for (const s of f.steps) for (const c of s.calls) if (!names.includes(c.actor) && !c.actor.startsWith('NULL ')) names.push(c.actor);
  const machineOf = (actor: string) =>
    catalog.machines.find((m) => m.instances.some((i) => i.scenario === scenario && i.actor === actor))?.id;
  const parts = names.map((a) => {
    const id = machineOf(a);
    return id ? `${code(a)} (${link(from, machinePath(id), id)})` : code(a);
  });
  return `Actors: ${parts.join(', ')}.`;
}

/** A run's own finding that reads as `f` (a group shows one run's finding for several revisions). */
const findingOf = (r: Run, f: DocFinding): DocFinding =>
  r.findings.find((x) => x.property === f.property && counterexample(x) === counterexample(f)) ?? f;

/**
 * Severity, configuration, consequence and, for a lasso, where its cycle starts: what the checker
 * reports of a finding besides its trace. A field the checker does not report yet is named as such
 * (configurations: issue 13; until they land, the run's sizes are shown and marked as such).
 */
function findingFacts(f: DocFinding, r: Run): string {
  const parts: string[] = [];
  parts.push(`Severity: **${f.severity}**${f.variant ? ` (variant: ${text(f.variant)})` : ''}`);
  const config = f.configuration ?? r.sizes;
  const entries = Object.entries(config);
  parts.push(
    `configuration${f.configuration ? '' : ' (the default sizes checked)'}: ${entries.length ? entries.map(([k, v]) => `${k} = ${String(v)}`).join(', ') : 'none'}`,
  );
  parts.push(
    f.consequenceOf ? `**a consequence of ${code(f.consequenceOf)}**, not a new finding` : 'not a consequence of an earlier failure',
  );
  if (f.kind === 'liveness' && f.loop !== undefined)
    parts.push(
      f.loop === f.length
        ? `a lasso of ${f.length} steps that then stays put for ever (cycle of 0 steps)`
        : `a lasso: ${f.loop} steps to the cycle, ${f.length - f.loop} steps round it (marked below)`,
    );
  if (f.unassumed?.length) parts.push(`steps enabled on the cycle that no fairness assumes: ${f.unassumed.map((x) => code(x)).join(', ')}`);
  return parts.join('; ') + '.';
}

/** A property with a page: an invariant, a liveness property, or a kind of failure the checker always looks for. */
export interface DocProperty {
  readonly id: string;
  readonly text: string;
  readonly why?: string;
  readonly invariant: boolean;
  /** A liveness property: its temporal form. */
  readonly liveness?: Liveness['form'];
  /** Where the property is part of the system (invariants); built-in kinds are checked everywhere. */
  readonly checkedIn?: DocInvariant['checkedIn'];
}

/** How a counterexample ends, for its heading: one property can be broken by a state and by a step. */
const KIND_TEXT: Readonly<Record<DocFinding['kind'], string>> = {
  invariant: 'the invariant fails',
  'violation-state': 'a kernel failure state',
  'null-call': 'a NULL pointer dereference',
  unaccepted: 'a call the object cannot take in its state',
  deadlock: 'deadlock',
  progress: 'a waiter that can never wake',
  liveness: 'a fair cycle on which it never happens',
};

export const runName = (r: { scenario: string; revision: string }): string =>
  r.revision === ANY_REVISION ? r.scenario : `${r.scenario} @ ${r.revision}`;

/** The runs that bear on a property: those whose system checks it, and any that found it. */
export function runsFor(p: DocProperty, runs: readonly Run[]): Run[] {
  return runs.filter(
    (r) =>
      !p.checkedIn ||
      p.checkedIn.some((c) => c.scenario === r.scenario && c.revision === r.revision) ||
      r.findings.some((f) => f.property === p.id),
  );
}

/** What a run says about one property, honestly: a run that stopped at a bound proves nothing. */
export function verdictFor(p: DocProperty, r: Run): string {
  const f = r.findings.find((x) => x.property === p.id);
  if (f && f.kind === 'liveness' && f.loop !== undefined) return `**violated** (lasso ${f.loop}+${f.length - f.loop})`;
  if (f) return `**violated** (${f.length} steps)`;
  if (p.liveness) return livenessVerdict(p, r);
  if (r.verdict === 'bounded') return `not violated within the ${r.bound} bound (${thousands(r.states)})`;
  // States past another violation (an oops) were not explored: the run is complete, but "holds" would claim too much.
  if (r.findings.length) return `not violated (${thousands(r.states)})`;
  if (r.vacuous?.includes(p.id)) return `holds vacuously (${thousands(r.states)}): its premise was never reached`;
  return `holds (${thousands(r.states)})`;
}

/** A liveness property's outcome in one run: it needs the whole graph, so a bounded run did not check it. */
function livenessVerdict(p: DocProperty, r: Run): string {
  const lv = r.liveness;
  if (!lv) return 'not checked (the system declares no liveness)';
  if (lv.skipped) return `not checked: ${lv.skipped}`;
  const mine = lv.properties.filter((x) => x.id === p.id);
  if (!mine.length) return 'not checked (no actor it is about)';
  const states = thousands(r.states);
  const reached = mine.filter((x) => x.premiseReached).length;
  if (!reached) return `holds vacuously (${states}): its premise never held`;
  return `holds (${states}; its premise held for ${reached} of ${mine.length} actor${mine.length === 1 ? '' : 's'})`;
}

/**
 * What a liveness verdict assumes: the fair actions of the runs that check the property, grouped by
 * their kind and reason (each reason is the `why` of a machine's `meta.fairness`, or the default's).
 */
function fairnessSection(relevant: readonly Run[]): string[] {
  const groups = new Map<string, { kind: string; why: string; names: Set<string> }>();
  for (const r of relevant)
    for (const c of r.liveness?.fairness ?? []) {
      const key = `${c.kind}\u0000${c.why}`;
      const g = groups.get(key) ?? groups.set(key, { kind: c.kind, why: c.why, names: new Set() }).get(key)!;
      g.names.add(c.name);
    }
  if (!groups.size) return ['No fairness is assumed: no run that checks it declares a fair step.', ''];
  return [
    'A verdict holds only under these assumptions: each fair action, once enabled for ever (weak) or again and again (strong), is',
    'eventually taken. Everything else (what a user process or an administrator chooses) is not assumed.',
    '',
    table(
      ['fairness', 'why the kernel may assume it', 'fair actions (actor.event, or an actor: its code path)'],
      [...groups.values()]
        .sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.why < b.why ? -1 : a.why > b.why ? 1 : 0))
        .map((g) => [g.kind, cell(g.why), [...g.names].sort().map(code).join(', ')]),
    ),
    '',
  ];
}

/**
 * A property's page: its text, why the kernel relies on it, where it is checked
 * and with what outcome, and every counterexample. Revisions of one scenario whose
 * counterexamples read the same are shown once.
 */
export function propertyPage(
  p: DocProperty,
  runs: readonly Run[],
  revisions: readonly string[],
  catalog?: Catalog,
  site: SiteLinks = new SiteLinks(),
  label: (revision: string) => string = (r) => r,
): string {
  const path = propertyPath(p);
  const out: string[] = [`# ${p.id}`, '', text(p.text), ''];
  out.push(`Back to the ${link(path, 'index.md', 'index')}.`, '');
  if (p.liveness) out.push(`A liveness property: ${text(FORM_TEXT[p.liveness])}.`, '');
  if (p.invariant || p.liveness) {
    out.push('## Why the kernel relies on it', '');
    out.push(p.why ? text(p.why) : '_Not stated yet: the property in machines/invariants.ts has no `why`._', '');
  }
  const relevant = runsFor(p, runs);
  if (p.liveness) out.push('## Fairness assumed', '', ...fairnessSection(relevant));
  out.push('## Where it is checked', '');
  if (!relevant.length) out.push('No scenario checks it yet.', '');
  else {
    out.push(
      'A cell says whether the scenario violates it in that revision (with the length of the shortest counterexample), or the number of',
      'states explored without a violation ("not violated" when the run found other violations, past which it does not explore).',
      '',
      runTable(relevant, revisions, (r) => verdictFor(p, r), label),
      '',
    );
  }

  // A liveness property stated per actor is vacuous in a run only when its premise held for none of them.
  const vacuous = relevant.filter((r) =>
    p.liveness
      ? !r.findings.some((f) => f.property === p.id) &&
        !r.liveness?.skipped &&
        (r.liveness?.properties ?? []).some((x) => x.id === p.id) &&
        !(r.liveness?.properties ?? []).some((x) => x.id === p.id && x.premiseReached)
      : !r.findings.length && r.vacuous?.includes(p.id),
  );
  if (vacuous.length) {
    out.push('## Where it holds only vacuously', '');
    out.push(
      `Its premise was never reached in ${vacuous.length} run${vacuous.length === 1 ? '' : 's'}, so "holds" there says nothing: ${vacuous.map((r) => code(runName(r))).join(', ')}.`,
      '',
    );
  }

  const violating = relevant.flatMap((r) => r.findings.filter((f) => f.property === p.id).map((f) => ({ run: r, f })));
  out.push('## Counterexamples', '');
  if (violating.length)
    out.push(
      `${violating.length} counterexample${violating.length === 1 ? '' : 's'} in ${new Set(violating.map((v) => v.run)).size} run${new Set(violating.map((v) => v.run)).size === 1 ? '' : 's'}; runs of one scenario whose counterexamples read the same are shown once.`,
      '',
    );
  if (!violating.length) {
    out.push(relevant.length ? 'None: no scenario violates it in any revision it is checked in.' : 'None.', '');
    return out.join('\n');
  }
  const groups = new Map<string, { scenario: string; revisions: string[]; runs: Run[]; f: DocFinding; body: string }>();
  for (const { run, f } of violating) {
    const body = counterexample(f);
    const key = `${run.scenario}\u0000${body}`;
    const g = groups.get(key);
    if (g) {
      g.revisions.push(run.revision);
      g.runs.push(run);
    } else groups.set(key, { scenario: run.scenario, revisions: [run.revision], runs: [run], f, body });
  }
  for (const g of groups.values()) {
    const where = g.revisions.filter((r) => r !== ANY_REVISION);
    out.push(`### ${g.scenario}${where.length ? ` @ ${where.join(', ')}` : ''}: ${KIND_TEXT[g.f.kind]}`, '');
    if (catalog) out.push(actorsLine(path, g.scenario, g.f, catalog), '');
    out.push(findingFacts(g.f, g.runs[0]), '');
    out.push(
      `In the viewer: ${g.runs.map((r) => `[${r.revision === ANY_REVISION ? 'the trace' : r.revision}](${site.trace(path, r.scenario, r.revision, findingOf(r, g.f).slug, 0)})`).join(' ')}.`,
      '',
    );
    out.push(g.body, '');
  }
  return out.join('\n');
}
