/**
 * The percpu_ref kill-and-drain benchmark (bench PERCPU_REF.md) as composed actors: one `ref` object
 * (the percpu_ref of a dev_pagemap), one `owner` code path (memunmap_pages: kill, drop the base
 * reference, wait for the last put) and N `user` code paths (get a reference, use the pages, put it).
 *
 * The model must have exactly the state graph of the TLA+ module PgRef, so that the explorer's counts can
 * be compared with TLC's. Hence the mapping is one to one:
 * - every TLA+ action is one environment event to one actor; the calls and replies it causes happen
 *   within that step, so the transient states they pass through (`trying`) are never seen between steps;
 * - an action TLC finds disabled offers no event: the enabling condition is a guard on the code path's own
 *   transition, or, where it is about the ref's counters (Wait: refcnt = 0), a guard in the ref that makes
 *   the call block and the step impossible;
 * - the ref's context is exactly (refcnt, dying, live), a user's state value is its pc and its context its
 *   k, the owner's state value is o; nothing else is stored, so no two system states stand for one
 *   TLA+ state.
 */
import { setup, assign } from 'xstate';
import { call, reply } from '../kit/messages.ts';
import type { ActorDecl, Invariant, Liveness, Scenario, SystemDecl } from '../kit/types.ts';

const SRC = 'bench PERCPU_REF.md';

// ---------------------------------------------------------------------------------------------------
// The reference: percpu_ref with its owner's `live` count of users inside their section.

export interface RefContext {
  /** References held: the owner's base reference plus one per user between tryget and put. */
  refcnt: number;
  /** percpu_ref_kill has run: trygets fail from now on. */
  dying: boolean;
  /** Users inside their critical section (between use and unuse): what the owner must not tear down. */
  live: number;
}

export function refMachine() {
  return setup({
    // Events are left untyped (EventObject): `call` and `reply` build sendTo actions typed for any event.
    types: { context: {} as RefContext },
    guards: {
      // percpu_ref_tryget_live fails once the ref is marked dead, whatever the count.
      notDying: ({ context }) => !context.dying,
      // The release callback completes `done` when the count reaches zero; only then does the waiter return.
      released: ({ context }) => context.refcnt === 0,
    },
    actions: {
      get: assign({ refcnt: ({ context }) => context.refcnt + 1 }),
      put: assign({ refcnt: ({ context }) => context.refcnt - 1 }),
      markDying: assign({ dying: true }),
      enter: assign({ live: ({ context }) => context.live + 1 }),
      leave: assign({ live: ({ context }) => context.live - 1 }),
      replyAcquired: reply({ type: 'acquired' }),
      replyRefused: reply({ type: 'refused' }),
    },
  }).createMachine({
    id: 'percpu_ref',
    description: 'The percpu_ref of a dev_pagemap, with the count of users inside their section',
    context: { refcnt: 1, dying: false, live: 0 },
    initial: 'counting',
    states: {
      counting: {
        description: 'The reference counts; whether it is dying is in the context, as TLA+ has it',
        meta: { condition: 'refcnt = the base reference + the users holding one; dying once killed', fn: 'percpu_ref_put', src: SRC },
        on: {
          tryget: [
            {
              guard: 'notDying',
              actions: ['get', 'replyAcquired'],
              description: 'percpu_ref_tryget_live on a live ref takes a reference (TryGet)',
              meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'TryGet' },
            },
            {
              actions: 'replyRefused',
              description: 'percpu_ref_tryget_live on a dying ref fails and takes nothing (Skip)',
              meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'Skip' },
            },
          ],
          enter: {
            actions: 'enter',
            description: 'A user holding a reference starts using the pages (Use)',
            meta: { fn: 'use', src: SRC, tla: 'Use' },
          },
          leave: {
            actions: 'leave',
            description: 'A user stops using the pages, still holding its reference (Unuse)',
            meta: { fn: 'unuse', src: SRC, tla: 'Unuse' },
          },
          put: {
            actions: 'put',
            description: 'percpu_ref_put drops one reference (Put, or DropInit for the base reference)',
            meta: { fn: 'percpu_ref_put', src: SRC, tla: 'Put' },
          },
          kill: {
            actions: 'markDying',
            description: 'percpu_ref_kill marks the ref dead: no tryget succeeds after it (Kill)',
            meta: { fn: 'percpu_ref_kill', src: SRC, tla: 'Kill' },
          },
          wait_zero: {
            guard: 'released',
            description: 'wait_for_completion(&pgmap->done) returns once the count is zero; before that the call blocks (Wait)',
            meta: { fn: 'wait_for_completion', src: SRC, tla: 'Wait' },
          },
        },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// A user: K rounds of tryget, use, unuse, put; its state value is its pc, its context its round k.

export interface UserContext {
  /** Rounds done (a failed tryget counts as a round). */
  k: number;
}

export function userMachine(rounds: number) {
  return setup({
    types: { context: {} as UserContext },
    guards: {
      roundsLeft: ({ context }) => context.k < rounds,
      noRoundsLeft: ({ context }) => context.k >= rounds,
    },
    actions: {
      nextRound: assign({ k: ({ context }) => context.k + 1 }),
      tryget: call('percpu_ref', 'ref', { type: 'tryget' }),
      enter: call('percpu_ref', 'ref', { type: 'enter' }),
      leave: call('percpu_ref', 'ref', { type: 'leave' }),
      put: call('percpu_ref', 'ref', { type: 'put' }),
    },
  }).createMachine({
    id: 'user',
    description: `A user of the pages: ${rounds} rounds of get, use, unuse, put`,
    context: { k: 0 },
    initial: 'idle',
    states: {
      idle: {
        description: 'Between rounds, holding no reference',
        meta: { condition: 'pc = 0', fn: 'percpu_ref_tryget_live', src: SRC },
        on: {
          tryget: {
            guard: 'roundsLeft',
            target: 'trying',
            actions: 'tryget',
            description: 'Try to take a reference; the ref answers whether it is still live (TryGet or Skip)',
            meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'TryGet/Skip' },
          },
          quit: {
            guard: 'noRoundsLeft',
            target: 'done',
            description: 'All rounds done: the user stops (Quit)',
            meta: { fn: 'quit', src: SRC, tla: 'Quit' },
          },
        },
      },
      trying: {
        description: 'Inside percpu_ref_tryget_live, waiting for its answer within the same step',
        meta: { condition: 'percpu_ref_tryget_live() called, answered within the step', fn: 'percpu_ref_tryget_live', src: SRC },
        on: {
          acquired: {
            target: 'holding',
            description: 'The tryget took a reference',
            meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'TryGet' },
          },
          refused: {
            target: 'idle',
            actions: 'nextRound',
            description: 'The ref is dying: the round is lost (Skip)',
            meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'Skip' },
          },
        },
      },
      holding: {
        description: 'Holding a reference, not yet using the pages',
        meta: { condition: 'pc = 1', fn: 'percpu_ref_tryget_live', src: SRC },
        on: {
          use: {
            target: 'inside',
            actions: 'enter',
            description: 'Start using the pages (Use)',
            meta: { fn: 'use', src: SRC, tla: 'Use' },
          },
        },
      },
      inside: {
        description: 'Using the pages under the reference: the owner must not have finished tearing down',
        meta: { condition: 'pc = 2', fn: 'percpu_ref_tryget_live', src: SRC },
        on: {
          unuse: {
            target: 'leaving',
            actions: 'leave',
            description: 'Stop using the pages (Unuse)',
            meta: { fn: 'unuse', src: SRC, tla: 'Unuse' },
          },
        },
      },
      leaving: {
        description: 'Done with the pages, still holding the reference',
        meta: { condition: 'pc = 3', fn: 'percpu_ref_put', src: SRC },
        on: {
          put: {
            target: 'idle',
            actions: ['nextRound', 'put'],
            description: 'Drop the reference; the round is over (Put)',
            meta: { fn: 'percpu_ref_put', src: SRC, tla: 'Put' },
          },
        },
      },
      done: {
        type: 'final',
        description: 'The user has finished all its rounds',
        meta: { condition: 'pc = 9', fn: 'percpu_ref_put', src: SRC },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// The owner: kill, drop the base reference, wait for the count to drain.

export function ownerMachine() {
  return setup({
    actions: {
      kill: call('percpu_ref', 'ref', { type: 'kill' }),
      put: call('percpu_ref', 'ref', { type: 'put' }),
      waitZero: call('percpu_ref', 'ref', { type: 'wait_zero' }),
    },
  }).createMachine({
    id: 'owner',
    description: 'The owner tearing the pages down (memunmap_pages): kill, drop the base reference, drain',
    initial: 'live',
    states: {
      live: {
        description: 'The ref is live and holds the base reference',
        meta: { condition: 'o = 0', fn: 'percpu_ref_kill', src: SRC },
        on: {
          kill: {
            target: 'killed',
            actions: 'kill',
            description: 'Mark the ref dead (Kill)',
            meta: { fn: 'percpu_ref_kill', src: SRC, tla: 'Kill' },
          },
        },
      },
      killed: {
        description: 'The ref is dead but the owner still holds the base reference',
        meta: { condition: 'o = 1', fn: 'percpu_ref_kill', src: SRC },
        on: {
          drop: {
            target: 'draining',
            actions: 'put',
            description: 'Drop the base reference (DropInit)',
            meta: { fn: 'percpu_ref_put', src: SRC, tla: 'DropInit' },
          },
        },
      },
      draining: {
        description: 'Waiting for the users to put their references',
        meta: { condition: 'o = 2', fn: 'wait_for_completion', src: SRC },
        on: {
          wait: {
            target: 'released',
            actions: 'waitZero',
            description: 'Wait for the last reference: possible only once the count is zero (Wait)',
            meta: { fn: 'wait_for_completion', src: SRC, tla: 'Wait' },
          },
        },
      },
      released: {
        type: 'final',
        description: 'The count drained: the owner goes on to free the pages',
        meta: { condition: 'o = 3', fn: 'wait_for_completion', src: SRC },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// The system and its scenario.

export const safe: Invariant = {
  id: 'safe',
  text: '(o = 3 implies live = 0) and (refcnt = 0 implies dying)',
  why:
    'memunmap_pages tears the pages down once the wait for the last reference returns; a user still inside its section then touches unmapped memory, and ' +
    'a count that reaches zero before the kill would complete the wait while trygets still succeed.',
  holds: (view) => {
    const ref = view('ref').context as RefContext;
    return (!view('owner').matches('released') || ref.live === 0) && (ref.refcnt !== 0 || ref.dying);
  },
};

/** TLC's `Drains == dying ~> (refcnt = 0)`: once killed, the count drains (bench PERCPU_REF.md). */
export const drains: Liveness = {
  id: 'Drains',
  text: 'once the ref is killed (dying), its count eventually drains to zero',
  why: 'memunmap_pages kills the percpu_ref and waits for the last put; if the count could stay above zero the wait, and the device removal behind it, would never return.',
  form: 'leads-to',
  when: (view) => (view('ref').context as RefContext).dying,
  then: (view) => (view('ref').context as RefContext).refcnt === 0,
};

export const userName = (i: number) => `user${i}`;

export function percpuRefSystem(users: number, rounds: number): SystemDecl {
  // One machine object for all users: they are identical, and the explorer can share what it learns.
  const user = userMachine(rounds);
  const names = Array.from({ length: users }, (_, i) => userName(i));
  const actors: ActorDecl[] = [
    { name: 'ref', machine: refMachine(), kind: 'object' },
    { name: 'owner', machine: ownerMachine(), kind: 'path', env: { kill: [{}], drop: [{}], wait: [{}] } },
    ...names.map((name): ActorDecl => ({
      name,
      machine: user,
      kind: 'path',
      env: { tryget: [{}], quit: [{}], use: [{}], unuse: [{}], put: [{}] },
    })),
  ];
  // No deadlock check, as in the TLC run; progress is not part of the benchmark either.
  return { actors, invariants: [safe], liveness: [drains], deadlock: false, progress: false, symmetric: [names] };
}

export const percpuRefScenario: Scenario = {
  name: 'percpu-ref',
  description:
    'percpu_ref kill and drain (bench PERCPU_REF.md) as composed actors: ref object, owner, N users; ' +
    'TLC, K = 3: N = 3 gives 8,357 states and 28,845 transitions, N = 4 gives 115,873 and 507,521',
  revisions: [],
  sizes: [
    { name: 'users', description: 'user code paths (N)', default: 3, min: 1, max: 8 },
    { name: 'rounds', description: 'rounds per user (K)', default: 3, min: 1, max: 8 },
  ],
  build: (_revision, sizes) => percpuRefSystem(sizes.users ?? 3, sizes.rounds ?? 3),
};
