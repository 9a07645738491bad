/**
 * What differs between the revisions of one machine, place by place and field by field: the input of
 * the machine pages' revision columns and of the protocol changelog.
 */
import { transitionLabel, type MachineModel, type StateRow, type TransitionRow } from './machineModel.ts';

/** One field of a state or transition that is not the same in every revision that has the row. */
export interface FieldChange {
  readonly field: string;
  /** Each distinct value with the revisions that have it, in revision order. */
  readonly variants: readonly { revisions: readonly string[]; value: string }[];
}

/** A state or transition that some revisions lack, or whose fields differ between revisions. */
export interface RevisionChange {
  readonly kind: 'state' | 'transition';
  /** `dead`, `alive: put_dax #2`. */
  readonly label: string;
  /** The revisions that have it, when not all do. */
  readonly only?: readonly string[];
  readonly fields: readonly FieldChange[];
  /** The row as its first revision has it, to describe what it is. */
  readonly row: StateRow | TransitionRow;
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  description: 'meaning',
  condition: 'kernel condition',
  fn: 'kernel function',
  src: 'source',
  targets: 'target',
  unaccepted: 'a call it has no handler for',
  fairness: 'fairness',
};

function fieldValue(v: unknown): string {
  if (v === undefined) return '(none)';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '(none)';
  return String(v);
}

/**
 * What differs between a machine's revisions, place by place: a state is the same
 * place in every revision when its path is; a transition when its state, event and
 * position among that event's guards are. Differences are reported per field, so
 * a reader sees that v6.15 changed a description or a target, not two whole rows.
 */
export function revisionChanges(builds: ReadonlyMap<string, MachineModel>): RevisionChange[] {
  const all = [...builds.keys()];
  const places = new Map<string, { kind: RevisionChange['kind']; label: string; rows: [string, StateRow | TransitionRow][] }>();
  const note = (kind: RevisionChange['kind'], key: string, label: string, rev: string, row: StateRow | TransitionRow): void => {
    let p = places.get(key);
    if (!p) places.set(key, (p = { kind, label, rows: [] }));
    p.rows.push([rev, row]);
  };
  for (const [rev, m] of builds) {
    for (const s of m.states) note('state', `s:${s.path}`, s.path, rev, s);
    for (const t of m.transitions) note('transition', `t:${t.source}\u0000${t.event}\u0000${t.order}`, transitionLabel(t), rev, t);
  }
  const changes: RevisionChange[] = [];
  for (const p of places.values()) {
    const revs = p.rows.map(([r]) => r);
    const only = revs.length === all.length ? undefined : revs;
    const fields: FieldChange[] = [];
    const names = [...new Set(p.rows.flatMap(([, row]) => Object.keys(row)))];
    for (const f of names) {
      const variants: { revisions: string[]; value: string; key: string }[] = [];
      for (const [rev, row] of p.rows) {
        const v = (row as unknown as Record<string, unknown>)[f];
        const key = JSON.stringify(v ?? null);
        const found = variants.find((x) => x.key === key);
        if (found) found.revisions.push(rev);
        else variants.push({ revisions: [rev], value: fieldValue(v), key });
      }
      if (variants.length > 1)
        fields.push({ field: FIELD_NAMES[f] ?? f, variants: variants.map(({ revisions, value }) => ({ revisions, value })) });
    }
    if (only || fields.length) changes.push({ kind: p.kind, label: p.label, only, fields, row: p.rows[0][1] });
  }
  return changes;
}
