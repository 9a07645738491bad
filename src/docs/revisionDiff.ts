import type { MachineModel, StateRow, TransitionRow } from './machineModel.ts';

/** A row of a machine's table with the revisions whose build has exactly that row. */
export interface Versioned<T> {
  readonly row: T;
  readonly revisions: readonly string[];
}

/** The union of a machine's builds: every distinct state and transition row, and where it occurs. */
export interface MachineUnion {
  /** Revisions the machine is built in, in order. */
  readonly revisions: readonly string[];
  readonly states: readonly Versioned<StateRow>[];
  readonly transitions: readonly Versioned<TransitionRow>[];
}

/** `alive: put_dax #2`: a transition named by where it starts, its event, and its place among that event's guards. */
export function transitionLabel(t: TransitionRow): string {
  return `${t.source || '(machine)'}: ${t.event}${t.order > 0 ? ` #${t.order + 1}` : ''}`;
}

/**
 * Merges rows that are identical in several revisions, keeping the order in which
 * they first appear: rows of the first revision first, then each later revision's
 * new rows after the row they follow there, so that a revision's own transition
 * sits beside the transitions it replaces.
 */
function union<T>(builds: readonly [string, readonly T[]][]): Versioned<T>[] {
  const out: { row: T; key: string; revisions: string[] }[] = [];
  for (const [rev, rows] of builds) {
    let after = -1;
    for (const row of rows) {
      const key = JSON.stringify(row);
      let i = out.findIndex((x) => x.key === key);
      if (i < 0) {
        i = after + 1;
        out.splice(i, 0, { row, key, revisions: [] });
      }
      out[i].revisions.push(rev);
      after = i;
    }
  }
  return out.map(({ row, revisions }) => ({ row, revisions }));
}

export function machineUnion(builds: ReadonlyMap<string, MachineModel>): MachineUnion {
  const list = [...builds];
  return {
    revisions: list.map(([r]) => r),
    states: union(list.map(([r, m]) => [r, m.states])),
    transitions: union(list.map(([r, m]) => [r, m.transitions])),
  };
}

/** Whether a row is in every build (then the docs need not name revisions for it). */
export const everywhere = (v: Versioned<unknown>, u: MachineUnion): boolean => v.revisions.length === u.revisions.length;

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
      if (variants.length > 1) fields.push({ field: FIELD_NAMES[f] ?? f, variants: variants.map(({ revisions, value }) => ({ revisions, value })) });
    }
    if (only || fields.length) changes.push({ kind: p.kind, label: p.label, only, fields, row: p.rows[0][1] });
  }
  return changes;
}
