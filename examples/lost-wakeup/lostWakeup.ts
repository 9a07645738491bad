/**
 * The lost wake-up. A waiter waits for a flag on a wait queue (`wq`, an object holding the flag and the
 * sleeping task); a waker sets the flag and wakes whoever sleeps; a third thread spins for ever, so a step
 * is always possible and there is never a deadlock: the bug can only show as lost progress.
 *
 * In `lostWakeup` the waiter tests the flag in one step and goes to sleep in the next. If the waker runs
 * in between, it wakes nobody, and the waiter then sleeps for ever: from that state no state where it has
 * stopped waiting is reachable. In `atomicWakeup` the test and the enqueue are one step (as
 * prepare_to_wait before the test makes them in the kernel), and a woken waiter tests the flag again.
 */
import { setup, assign } from 'xstate';
import { call, reply, type Invariant, type SystemDecl } from 'daxspec';

/** The wait queue's context: invariants read it through this type (a view's context is `unknown`). */
export interface WaitQueueContext {
  flag: boolean;
  sleeper: string | null;
}

export function waitQueueMachine() {
  return setup({
    types: { context: {} as WaitQueueContext },
    guards: {
      flagSet: ({ context }) => context.flag,
      hasSleeper: ({ context }) => context.sleeper !== null,
    },
    actions: {
      answerFlag: reply(({ context }) => ({ type: 'flag', set: context.flag })),
      enqueue: assign({ sleeper: ({ event }) => (event.from as string) ?? null }),
      setFlag: assign({ flag: true }),
      wakeSleeper: call('task', ({ context }) => context.sleeper, { type: 'wake_up' }),
      dequeue: assign({ sleeper: null }),
    },
  }).createMachine({
    id: 'wq',
    description: 'A condition flag and the wait queue of its waiters',
    context: { flag: false, sleeper: null },
    initial: 'ready',
    states: {
      ready: {
        description: 'Holds the flag and at most one sleeping task',
        meta: { fn: 'wait_queue_head', src: 'test' },
        on: {
          test: { actions: 'answerFlag', description: 'Read the flag', meta: { fn: 'test_flag', src: 'test' } },
          sleep: {
            actions: 'enqueue',
            description: 'Put the caller on the queue, without looking at the flag',
            meta: { fn: 'schedule', src: 'test' },
          },
          wait: [
            {
              guard: 'flagSet',
              actions: 'answerFlag',
              description: 'The flag is already set: the caller need not sleep',
              meta: { fn: 'wait_event', src: 'test' },
            },
            {
              actions: ['enqueue', 'answerFlag'],
              description: 'The flag is clear: enqueue the caller, in the same step as the test',
              meta: { fn: 'wait_event', src: 'test' },
            },
          ],
          wake: [
            {
              guard: 'hasSleeper',
              actions: ['setFlag', 'wakeSleeper', 'dequeue'],
              description: 'Set the flag and wake the sleeping task',
              meta: { fn: 'wake_up', src: 'test' },
            },
            {
              actions: 'setFlag',
              description: 'Set the flag; nobody is on the queue to wake',
              meta: { fn: 'wake_up', src: 'test' },
            },
          ],
        },
      },
    },
  });
}

const woken = {
  target: 'start',
  description: 'Woken up: back to test the flag again',
  meta: { fn: 'wake_up', src: 'test' },
} as const;
const sleeping = {
  tags: ['waiting'],
  description: 'Asleep on the wait queue until somebody wakes it',
  meta: { fn: 'schedule', src: 'test' },
  on: { wake_up: woken },
};
const done = { type: 'final', description: 'Saw the flag set and went on', meta: { fn: 'wait_event', src: 'test' } } as const;

/** Tests the flag, then sleeps in a separate step: the wake-up can fall in between. */
export function racyWaiter() {
  return setup({
    actions: {
      test: call('wq', 'wq', { type: 'test' }),
      sleep: call('wq', 'wq', { type: 'sleep' }),
    },
  }).createMachine({
    id: 'waiter',
    description: 'while (!flag) schedule(); with the test and the enqueue apart',
    initial: 'start',
    states: {
      start: {
        description: 'About to test the flag',
        meta: { fn: 'wait_event', src: 'test' },
        on: {
          test: { target: 'testing', actions: 'test', description: 'if (flag) break;', meta: { fn: 'test_flag', src: 'test' } },
        },
      },
      testing: {
        description: 'Reading the flag; the answer comes within the same step',
        meta: { fn: 'test_flag', src: 'test' },
        on: {
          flag: [
            {
              guard: ({ event }) => event.set === true,
              target: 'done',
              description: 'The flag is set: stop waiting',
              meta: { fn: 'test_flag', src: 'test' },
            },
            {
              target: 'decided',
              description: 'The flag is clear: decide to sleep',
              meta: { fn: 'test_flag', src: 'test' },
            },
          ],
        },
      },
      decided: {
        description: 'Saw the flag clear, not yet on the wait queue: a wake-up now finds nobody',
        meta: { fn: 'test_flag', src: 'test' },
        on: {
          sleep: { target: 'sleeping', actions: 'sleep', description: 'schedule()', meta: { fn: 'schedule', src: 'test' } },
        },
      },
      sleeping,
      done,
    },
  });
}

/** Tests the flag and enqueues itself in one step. */
export function atomicWaiter() {
  return setup({
    actions: { wait: call('wq', 'wq', { type: 'wait' }) },
  }).createMachine({
    id: 'waiter',
    description: 'prepare_to_wait(); if (!flag) schedule(); with the test and the enqueue atomic',
    initial: 'start',
    states: {
      start: {
        description: 'About to wait for the flag',
        meta: { fn: 'wait_event', src: 'test' },
        on: {
          wait: {
            target: 'testing',
            actions: 'wait',
            description: 'Enqueue and test the flag in one step',
            meta: { fn: 'wait_event', src: 'test' },
          },
        },
      },
      testing: {
        description: 'The queue answers with the flag within the same step',
        meta: { fn: 'wait_event', src: 'test' },
        on: {
          flag: [
            {
              guard: ({ event }) => event.set === true,
              target: 'done',
              description: 'The flag is set: stop waiting',
              meta: { fn: 'wait_event', src: 'test' },
            },
            {
              target: 'sleeping',
              description: 'The flag is clear and we are already on the queue: sleep',
              meta: { fn: 'schedule', src: 'test' },
            },
          ],
        },
      },
      sleeping,
      done,
    },
  });
}

export function wakerMachine() {
  return setup({
    actions: { wake: call('wq', 'wq', { type: 'wake' }) },
  }).createMachine({
    id: 'waker',
    description: 'flag = 1; wake_up(&wq);',
    initial: 'start',
    states: {
      start: {
        description: 'The condition is not yet true',
        meta: { fn: 'waker', src: 'test' },
        on: {
          wake: { target: 'done', actions: 'wake', description: 'Set the flag and wake the queue', meta: { fn: 'wake_up', src: 'test' } },
        },
      },
      done: { type: 'final', description: 'Flag set, queue woken', meta: { fn: 'wake_up', src: 'test' } },
    },
  });
}

/** A thread that never stops, so that a step is always possible (no deadlock to report). */
export function spinnerMachine() {
  return setup({}).createMachine({
    id: 'spinner',
    description: 'for (;;) cpu_relax();',
    initial: 'spinning',
    states: {
      spinning: {
        description: 'Busy elsewhere, for ever',
        meta: { fn: 'spin', src: 'test' },
        on: {
          // An explicit target, so the step is a transition that XState's `can` reports (a targetless
          // transition without actions counts as "forbidden" there); it returns to the same state.
          spin: { target: 'spinning', description: 'One more turn of the loop', meta: { fn: 'cpu_relax', src: 'test' } },
        },
      },
    },
  });
}

/** The wait queue never holds a task that is not asleep on it: enqueueing and sleeping are one step. */
export const queuedIsAsleep: Invariant = {
  id: 'queued-is-asleep',
  text: 'a task on the wait queue is asleep',
  why: 'wake_up() wakes the tasks on the queue; a task on it that is not asleep would miss being woken, or be woken twice',
  holds: (view) => (view('wq').context as WaitQueueContext).sleeper === null || view('waiter').matches('sleeping'),
};

function system(
  waiter: ReturnType<typeof racyWaiter> | ReturnType<typeof atomicWaiter>,
  env: Record<string, Record<string, never>[]>,
): SystemDecl {
  return {
    actors: [
      { name: 'wq', machine: waitQueueMachine(), kind: 'object' },
      { name: 'waiter', machine: waiter, kind: 'path', env },
      { name: 'waker', machine: wakerMachine(), kind: 'path', env: { wake: [{}] } },
      { name: 'spinner', machine: spinnerMachine(), kind: 'path', env: { spin: [{}] } },
    ],
    invariants: [queuedIsAsleep],
    deadlock: true,
    progress: true,
  };
}

/** The waiter can sleep for ever: a progress violation, no deadlock. */
export const lostWakeup = (): SystemDecl => system(racyWaiter(), { test: [{}], sleep: [{}] });
/** Every wait ends. */
export const atomicWakeup = (): SystemDecl => system(atomicWaiter(), { wait: [{}] });
