import type { ActorDecl, Invariant, SystemView } from '../src/compose/types.ts';

/**
 * The invariants of DOMAIN.md (b) as predicates over the system view.
 *
 * A predicate must find its actors without knowing the scenario, so each rule
 * receives the system's actor names grouped by machine id (`dax_device`,
 * `dev_pagemap`, `filesystem`, ...): a rule over dax devices reads every actor
 * built from the dax_device machine. A rule whose actors are absent holds.
 */
export type ActorsByMachine = Readonly<Record<string, readonly string[]>>;

export interface InvariantRule {
  readonly id: string;
  readonly text: string;
  readonly holds: (view: SystemView, actors: ActorsByMachine) => boolean;
}

/** The invariants of a system: every rule of both sections, bound to the system's actors. */
export function invariantsFor(actors: readonly ActorDecl[]): Invariant[] {
  const byMachine: Record<string, string[]> = {};
  for (const a of actors) (byMachine[a.machine.id] ??= []).push(a.name);
  return [...deviceInvariants, ...pageInvariants].map((r) => ({
    id: r.id,
    text: r.text,
    holds: (view: SystemView) => r.holds(view, byMachine),
  }));
}

const names = (actors: ActorsByMachine, machineId: string): readonly string[] => actors[machineId] ?? [];

// ===========================================================================
// I1-I6: device and ownership (dax_device, SRCU, dev_pagemap, holders).
// Owned by the device half (machines/daxDevice.ts and friends).
// ===========================================================================

/** dax_device states in which ops/private are gone: torn down by kill_dax or freed. */
const TORN_DOWN = ['dead', 'freed', 'freedWhileAlive'];

export const deviceInvariants: readonly InvariantRule[] = [
  {
    id: 'I1',
    text: 'SRCU liveness: no use of ops or private (or holder_ops) after kill_dax returns; any reader that saw alive=true has finished before synchronize_srcu returns',
    holds: (view, actors) =>
      names(actors, 'srcu_reader').every((r) => {
        const reader = view(r);
        if (!reader.tags.has('saw-alive')) return true;
        const dax = view(reader.context.dax);
        return !TORN_DOWN.some((s) => dax.matches(s));
      }),
  },
  {
    id: 'I2',
    text: 'kill before final put: the final put happens only when ALIVE is false',
    holds: (view, actors) => names(actors, 'dax_device').every((d) => !view(d).matches('freedWhileAlive')),
  },
  {
    id: 'I3',
    text: 'reference balance: every successful get or igrab is matched by exactly one put on every path, error paths included; nobody puts a reference they do not own',
    holds: (view, actors) =>
      names(actors, 'dax_device').every((d) => {
        const dax = view(d);
        if (dax.context.misput !== null) return false;
        if (dax.matches('freed') || dax.matches('freedWhileAlive')) return true;
        // A code path that has finished must not still own a reference: it leaked it.
        return Object.entries(dax.context.refs as Record<string, number>).every(
          ([owner, n]) => n === 0 || !isFinishedPath(view, actors, owner),
        );
      }) && names(actors, 'dev_pagemap').every((p) => view(p).context.misput === null),
  },
  {
    id: 'I4',
    text: 'NULL-safe release: release, put and kill accept NULL, because "no DAX" is represented as NULL',
    // A call through a NULL pointer is a step the composer reports (null-call); here the state
    // side: a path that recorded a call on NULL (only machines that model a NULL-checking
    // function record one) has not oopsed.
    holds: (view, actors) =>
      PATHS.every((id) => names(actors, id).every((p) => !view(p).tags.has('null-deref'))),
  },
  {
    id: 'I5',
    text: 'single owner: a pgmap claim or a holder_data has at most one owner at a time, and the exclusive object matches the unit the owner owns: two partitions must not share one slot',
    holds: (view, actors) => {
      const slotUnit = new Map<string, string>();
      for (const f of [...names(actors, 'filesystem'), ...names(actors, 'dm_table')]) {
        const c = view(f).context;
        if (!c.slot || (c.slotState !== 'held' && c.slotState !== 'denied')) continue;
        const unit = slotUnit.get(c.slot);
        if (unit !== undefined && unit !== c.unit) return false;
        slotUnit.set(c.slot, c.unit);
      }
      return true;
    },
  },
  {
    id: 'I6',
    text: "atomic holder swap: a new holder's ops can never be overwritten by an old holder's release",
    holds: (view, actors) =>
      names(actors, 'dax_device').every((d) => {
        const c = view(d).context;
        return c.holder === null || c.holderOps === c.holder;
      }),
  },
];

/** Machine ids of the code paths of the device half. */
const PATHS = ['filesystem', 'dm_table', 'pmem', 'srcu_reader'];

function isFinishedPath(view: SystemView, actors: ActorsByMachine, name: string): boolean {
  return PATHS.some((id) => names(actors, id).includes(name)) && view(name).done;
}

// ===========================================================================
// I7-I12: pages, static key, DMA, truncate.
// Owned by the page half (machines/page.ts and friends): edit only below.
// ===========================================================================

export const pageInvariants: readonly InvariantRule[] = [];
