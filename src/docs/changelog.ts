import { ANY_REVISION, type Catalog, type MachineEntry } from './catalog.ts';
import { transitionLabel, type MachineModel, type StateRow, type TransitionRow } from './machineModel.ts';
import type { Run } from './results.ts';

/**
 * The protocol changelog: a machine's builds in consecutive revisions diffed row by row (states by
 * path; transitions by state, event and place among that event's guards, as revisionChanges.ts
 * places them), and the matrix cells whose verdict differs between the two revisions. Cells come
 * from the checker's runs; nothing here is written by hand. A cell is tied to a revision step and to
 * the machines that changed in it, not to one row: which row flips it would take a check per row.
 */

export interface FieldDiff {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

export interface RowDiff {
  readonly kind: 'state' | 'transition';
  readonly change: 'added' | 'removed' | 'changed';
  /** `dead`, `alive: put_dax #2`. */
  readonly label: string;
  readonly fields: readonly FieldDiff[];
  /** The kernel commit or seed the row follows (meta.src), in the revision that has it (the later one when both). */
  readonly src?: string;
  readonly description?: string;
}

/** What one step from a revision to the next does to one machine. */
export interface MachineStep {
  readonly machine: string;
  readonly from: string;
  readonly to: string;
  readonly rows: readonly RowDiff[];
}

/** A matrix cell whose verdict differs between two consecutive revisions. */
export interface CellFlip {
  readonly scenario: string;
  readonly from: string;
  readonly to: string;
  /** The violated properties, or none when every property holds (undefined: the scenario does not exist there). */
  readonly before?: readonly string[];
  readonly after?: readonly string[];
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  description: 'meaning',
  condition: 'kernel condition',
  fn: 'kernel function',
  object: 'kernel object',
  src: 'source',
  targets: 'target',
  guard: 'guard',
  actions: 'actions',
  fairness: 'fairness',
  unaccepted: 'a call it has no handler for',
  violates: 'violates',
  tags: 'tags',
  type: 'type',
  initial: 'initial state',
};

const show = (v: unknown): string => (v === undefined ? '(none)' : Array.isArray(v) ? (v.length ? v.join(', ') : '(none)') : String(v));

/** The fields of two rows that differ; `id` is XState's own name for a transition and says nothing new. */
function fieldDiffs(a: object, b: object): FieldDiff[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const names = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter(
    (f) => f !== 'id' && f !== 'chart' && f !== 'states' && f !== 'transitions',
  );
  return names
    .filter((f) => JSON.stringify(ra[f] ?? null) !== JSON.stringify(rb[f] ?? null))
    .map((f) => ({ field: FIELD_NAMES[f] ?? f, before: show(ra[f]), after: show(rb[f]) }));
}

const stateKey = (s: StateRow): string => s.path;
const transitionKey = (t: TransitionRow): string => `${t.source}\u0000${t.event}\u0000${t.order}`;

function diffRows<T extends StateRow | TransitionRow>(
  kind: RowDiff['kind'],
  before: readonly T[],
  after: readonly T[],
  key: (r: T) => string,
  label: (r: T) => string,
): RowDiff[] {
  const old = new Map(before.map((r) => [key(r), r]));
  const now = new Map(after.map((r) => [key(r), r]));
  const out: RowDiff[] = [];
  for (const r of after) {
    const o = old.get(key(r));
    if (!o) out.push({ kind, change: 'added', label: label(r), fields: [], src: r.src, description: r.description });
    else {
      const fields = fieldDiffs(o, r);
      if (fields.length) out.push({ kind, change: 'changed', label: label(r), fields, src: r.src, description: r.description });
    }
  }
  for (const r of before)
    if (!now.has(key(r))) out.push({ kind, change: 'removed', label: label(r), fields: [], src: r.src, description: r.description });
  return out;
}

/** One machine from one revision's build to the next. */
export function diffMachine(machine: string, from: string, a: MachineModel, to: string, b: MachineModel): MachineStep {
  const root = fieldDiffs(
    { description: a.description, fn: a.fn, object: a.object, src: a.src },
    { description: b.description, fn: b.fn, object: b.object, src: b.src },
  );
  const rows: RowDiff[] = [
    ...(root.length ? [{ kind: 'state' as const, change: 'changed' as const, label: '(the machine)', fields: root, src: b.src }] : []),
    ...diffRows('state', a.states, b.states, stateKey, (s) => s.path),
    ...diffRows('transition', a.transitions, b.transitions, transitionKey, transitionLabel),
  ];
  return { machine, from, to, rows };
}

/** Consecutive revisions a machine is built in, diffed (revision-independent builds have no history). */
export function machineSteps(m: MachineEntry): MachineStep[] {
  const list = [...m.builds].filter(([r]) => r !== ANY_REVISION);
  const out: MachineStep[] = [];
  for (let i = 1; i < list.length; i++) out.push(diffMachine(m.id, list[i - 1][0], list[i - 1][1], list[i][0], list[i][1]));
  return out;
}

/** A cell as a comparable value: the distinct violated properties, sorted; [] when all hold. */
export const cellProperties = (r: Run): string[] => [...new Set(r.findings.map((f) => f.property))].sort();

/**
 * The cells whose verdict differs from one revision to the next, for the scenarios given (all when
 * omitted): a scenario new in the later revision is a flip from nothing.
 */
export function cellFlips(runs: readonly Run[], from: string, to: string, scenarios?: ReadonlySet<string>): CellFlip[] {
  const out: CellFlip[] = [];
  const names = [...new Set(runs.filter((r) => r.revision === to || r.revision === from).map((r) => r.scenario))];
  for (const s of names) {
    if (scenarios && !scenarios.has(s)) continue;
    const a = runs.find((r) => r.scenario === s && r.revision === from);
    const b = runs.find((r) => r.scenario === s && r.revision === to);
    const before = a && cellProperties(a);
    const after = b && cellProperties(b);
    if (JSON.stringify(before ?? null) !== JSON.stringify(after ?? null)) out.push({ scenario: s, from, to, before, after });
  }
  return out;
}

/** The revision steps in order (the catalog's revisions), each with every machine's diff. */
export function history(catalog: Catalog): { from: string; to: string; steps: MachineStep[] }[] {
  const revs = catalog.revisions;
  const out: { from: string; to: string; steps: MachineStep[] }[] = [];
  for (let i = 1; i < revs.length; i++) {
    const from = revs[i - 1];
    const to = revs[i];
    const steps = catalog.machines.flatMap((m) => {
      const a = m.builds.get(from);
      const b = m.builds.get(to);
      return a && b ? [diffMachine(m.id, from, a, to, b)] : [];
    });
    out.push({ from, to, steps });
  }
  return out;
}
