import { ANY_REVISION } from './catalog.ts';
import { counterexample } from './counterexample.ts';
import type { DocInvariant } from './invariants.ts';
import type { Catalog } from './catalog.ts';
import { machinePath, propertyPath } from './pagePaths.ts';
import { code, link, text } from './markdown.ts';
import type { DocFinding, Run } from './results.ts';
import { runTable } from './runTable.ts';

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

/** A property with a page: an invariant, or a kind of failure the checker always looks for. */
export interface DocProperty {
  readonly id: string;
  readonly text: string;
  readonly why?: string;
  readonly invariant: boolean;
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
  if (f) return `**violated** (${f.length} steps)`;
  if (r.verdict === 'bounded') return `not violated within the ${r.bound} bound (${r.states.toLocaleString('en-US')})`;
  // States past another violation (an oops) were not explored: the run is complete, but "holds" would claim too much.
  if (r.findings.length) return `not violated (${r.states.toLocaleString('en-US')})`;
  if (r.vacuous?.includes(p.id)) return `holds vacuously (${r.states.toLocaleString('en-US')}): its premise was never reached`;
  return `holds (${r.states.toLocaleString('en-US')})`;
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
  label: (revision: string) => string = (r) => r,
): string {
  const path = propertyPath(p);
  const out: string[] = [`# ${p.id}`, '', text(p.text), ''];
  out.push(`Back to the ${link(path, 'index.md', 'index')}.`, '');
  if (p.invariant) {
    out.push('## Why the kernel relies on it', '');
    out.push(p.why ? text(p.why) : '_Not stated yet: the invariant in machines/invariants.ts has no `why`._', '');
  }
  const relevant = runsFor(p, runs);
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

  const violating = relevant.flatMap((r) => r.findings.filter((f) => f.property === p.id).map((f) => ({ run: r, f })));
  out.push('## Counterexamples', '');
  if (!violating.length) {
    out.push(relevant.length ? 'None: no scenario violates it in any revision it is checked in.' : 'None.', '');
    return out.join('\n');
  }
  const groups = new Map<string, { scenario: string; revisions: string[]; f: DocFinding; body: string }>();
  for (const { run, f } of violating) {
    const body = counterexample(f);
    const key = `${run.scenario}\u0000${body}`;
    const g = groups.get(key);
    if (g) g.revisions.push(run.revision);
    else groups.set(key, { scenario: run.scenario, revisions: [run.revision], f, body });
  }
  for (const g of groups.values()) {
    const where = g.revisions.filter((r) => r !== ANY_REVISION);
    out.push(`### ${g.scenario}${where.length ? ` @ ${where.join(', ')}` : ''}: ${KIND_TEXT[g.f.kind]}`, '');
    if (catalog) out.push(actorsLine(path, g.scenario, g.f, catalog), '');
    out.push(g.body, '');
  }
  return out.join('\n');
}
