/**
 * The union of a machine's builds across revisions: each distinct state and transition row once, with
 * the revisions that have it, ordered so a revision's own row sits beside the rows it replaces.
 */
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
