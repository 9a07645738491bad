/**
 * The percpu_ref kill-and-drain benchmark (bench PERCPU_REF.md) as ONE XState machine: every TLA+
 * variable of the module PgRef is in the context, and each action is an event whose guard is the action's
 * enabling condition. Users are told apart by the event payload `{ i }`, so the environment offers one
 * event per (action, user) that is enabled, exactly as TLC enumerates `\E i \in U`.
 *
 * It is the flat counterpart of `percpuRef.ts` (composed actors): both must give TLC's counts, which
 * checks the composer's step semantics against a model that has no messaging at all.
 */
import { setup, assign } from 'xstate';
import type { Invariant, Liveness, Scenario, SystemDecl } from '../kit/types.ts';
import { drains, safe } from './percpuRef.ts';

const SRC = 'bench PERCPU_REF.md';

/** The variables of PgRef, with user i at index i (TLA+ numbers them 1..N). */
export interface PgRefContext {
  refcnt: number;
  dying: boolean;
  live: number;
  /** Owner: 0 live, 1 killed, 2 base reference dropped, 3 drained. */
  o: number;
  /** Users' program counters: 0 idle, 1 holding, 2 inside, 3 leaving, 9 done. */
  pc: number[];
  /** Users' rounds done. */
  k: number[];
}

type UserAction = 'tryget' | 'quit' | 'use' | 'unuse' | 'put';
type PgRefEvent = { type: UserAction; i: number } | { type: 'kill' } | { type: 'drop' } | { type: 'wait' };

/** Replaces element i of a context array: contexts are immutable values. */
const set = (a: readonly number[], i: number, v: number) => a.map((x, j) => (j === i ? v : x));
/** The user an event is about (owner events have none). */
const who = (e: PgRefEvent) => ('i' in e ? e.i : -1);

export function pgRefMachine(users: number, rounds: number) {
  return setup({
    types: { context: {} as PgRefContext, events: {} as PgRefEvent },
    guards: {
      // Each guard is the enabling condition of the TLA+ action of the same name.
      tryGet: ({ context: c, event: e }) => c.pc[who(e)] === 0 && c.k[who(e)] < rounds && !c.dying,
      skip: ({ context: c, event: e }) => c.pc[who(e)] === 0 && c.k[who(e)] < rounds && c.dying,
      quit: ({ context: c, event: e }) => c.pc[who(e)] === 0 && c.k[who(e)] >= rounds,
      use: ({ context: c, event: e }) => c.pc[who(e)] === 1,
      unuse: ({ context: c, event: e }) => c.pc[who(e)] === 2,
      put: ({ context: c, event: e }) => c.pc[who(e)] === 3,
      kill: ({ context: c }) => c.o === 0,
      dropInit: ({ context: c }) => c.o === 1,
      wait: ({ context: c }) => c.o === 2 && c.refcnt === 0,
    },
    actions: {
      tryGet: assign(({ context: c, event: e }) => ({ refcnt: c.refcnt + 1, pc: set(c.pc, who(e), 1) })),
      skip: assign(({ context: c, event: e }) => ({ k: set(c.k, who(e), c.k[who(e)] + 1) })),
      quit: assign(({ context: c, event: e }) => ({ pc: set(c.pc, who(e), 9) })),
      use: assign(({ context: c, event: e }) => ({ live: c.live + 1, pc: set(c.pc, who(e), 2) })),
      unuse: assign(({ context: c, event: e }) => ({ live: c.live - 1, pc: set(c.pc, who(e), 3) })),
      put: assign(({ context: c, event: e }) => ({
        refcnt: c.refcnt - 1,
        pc: set(c.pc, who(e), 0),
        k: set(c.k, who(e), c.k[who(e)] + 1),
      })),
      kill: assign({ dying: true, o: 1 }),
      dropInit: assign(({ context: c }) => ({ refcnt: c.refcnt - 1, o: 2 })),
      wait: assign({ o: 3 }),
    },
  }).createMachine({
    id: 'pgref',
    description: `percpu_ref kill and drain, ${users} users and ${rounds} rounds, all in one machine`,
    context: {
      refcnt: 1,
      dying: false,
      live: 0,
      o: 0,
      pc: Array.from({ length: users }, () => 0),
      k: Array.from({ length: users }, () => 0),
    },
    initial: 'running',
    states: {
      running: {
        description: 'The whole system; where each party is lies in the context (o, pc, k)',
        meta: { condition: 'o, pc[i], k[i] and refcnt as in PERCPU_REF.md', fn: 'percpu_ref_kill', src: SRC },
        on: {
          tryget: [
            {
              guard: 'tryGet',
              actions: 'tryGet',
              description: 'User i takes a reference on the live ref (TryGet)',
              meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'TryGet' },
            },
            {
              guard: 'skip',
              actions: 'skip',
              description: 'User i finds the ref dying: its tryget fails and the round is lost (Skip)',
              meta: { fn: 'percpu_ref_tryget_live', src: SRC, tla: 'Skip' },
            },
          ],
          quit: {
            guard: 'quit',
            actions: 'quit',
            description: 'User i has done all its rounds and stops (Quit)',
            meta: { fn: 'quit', src: SRC, tla: 'Quit' },
          },
          use: {
            guard: 'use',
            actions: 'use',
            description: 'User i starts using the pages under its reference (Use)',
            meta: { fn: 'use', src: SRC, tla: 'Use' },
          },
          unuse: {
            guard: 'unuse',
            actions: 'unuse',
            description: 'User i stops using the pages (Unuse)',
            meta: { fn: 'unuse', src: SRC, tla: 'Unuse' },
          },
          put: {
            guard: 'put',
            actions: 'put',
            description: 'User i drops its reference; its round is over (Put)',
            meta: { fn: 'percpu_ref_put', src: SRC, tla: 'Put' },
          },
          kill: {
            guard: 'kill',
            actions: 'kill',
            description: 'The owner marks the ref dead (Kill)',
            meta: { fn: 'percpu_ref_kill', src: SRC, tla: 'Kill' },
          },
          drop: {
            guard: 'dropInit',
            actions: 'dropInit',
            description: 'The owner drops the base reference (DropInit)',
            meta: { fn: 'percpu_ref_put', src: SRC, tla: 'DropInit' },
          },
          wait: {
            guard: 'wait',
            actions: 'wait',
            description: 'The owner returns from waiting once the count is zero (Wait)',
            meta: { fn: 'wait_for_completion', src: SRC, tla: 'Wait' },
          },
        },
      },
    },
  });
}

/** The same property as the composed encoding's, read from one context. */
export const pgRefSafe: Invariant = {
  id: safe.id,
  text: safe.text,
  why: safe.why,
  holds: (view) => {
    const c = view('pgref').context as PgRefContext;
    return (c.o !== 3 || c.live === 0) && (c.refcnt !== 0 || c.dying);
  },
};

/** The same Drains as the composed encoding's, read from one context. */
export const pgRefDrains: Liveness = {
  ...drains,
  when: (view) => (view('pgref').context as PgRefContext).dying,
  then: (view) => (view('pgref').context as PgRefContext).refcnt === 0,
};

export function pgRefSystem(users: number, rounds: number): SystemDecl {
  const each = Array.from({ length: users }, (_, i) => ({ i }));
  return {
    actors: [
      {
        name: 'pgref',
        machine: pgRefMachine(users, rounds),
        // A code path: it takes the decisions. It never finishes, so deadlock is not checked (as in TLC).
        kind: 'path',
        env: { tryget: each, quit: each, use: each, unuse: each, put: each, kill: [{}], drop: [{}], wait: [{}] },
      },
    ],
    invariants: [pgRefSafe],
    liveness: [pgRefDrains],
    deadlock: false,
    progress: false,
  };
}

export const percpuRefMachineScenario: Scenario = {
  name: 'percpu-ref-machine',
  description:
    'percpu_ref kill and drain (bench PERCPU_REF.md) as one machine with all counters in context; ' +
    'TLC, K = 3: N = 3 gives 8,357 states and 28,845 transitions, N = 4 gives 115,873 and 507,521',
  revisions: [],
  sizes: [
    { name: 'users', description: 'users (N)', default: 3, min: 1, max: 8 },
    { name: 'rounds', description: 'rounds per user (K)', default: 3, min: 1, max: 8 },
  ],
  build: (_revision, sizes) => pgRefSystem(sizes.users ?? 3, sizes.rounds ?? 3),
};
