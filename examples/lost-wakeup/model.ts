/**
 * A model for `daxspec ... --model examples/lost-wakeup/model.ts`: the lost wake-up of lostWakeup.ts as
 * one scenario in two revisions, `racy` (the test of the flag and the enqueue are two steps) and `fixed`
 * (one step, as prepare_to_wait makes them). docs/authoring.md walks through it.
 *
 *   npx daxspec check --model examples/lost-wakeup/model.ts --scenario wakeup --revision racy   # exit 1: progress
 *   npx daxspec check --model examples/lost-wakeup/model.ts --scenario wakeup --revision fixed  # exit 0
 */
import type { Scenario } from 'daxspec';
import { atomicWakeup, lostWakeup } from './lostWakeup.ts';

export const description = 'The lost wake-up: a waiter that tests a flag and goes to sleep in two steps can sleep for ever.';

export const revisions = [
  { name: 'racy', text: 'the waiter tests the flag, then enqueues itself and sleeps in a later step' },
  { name: 'fixed', text: 'the waiter enqueues itself and tests the flag in one step (prepare_to_wait before the test)' },
];

export const scenarios: Scenario[] = [
  {
    name: 'wakeup',
    description: 'a waiter, a waker and a spinning thread around one wait queue',
    revisions: ['racy', 'fixed'],
    sizes: [],
    build: (revision) => (revision === 'racy' ? lostWakeup() : atomicWakeup()),
  },
];
