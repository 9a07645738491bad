import { assign, setup } from 'xstate';
import { reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * The static key `devmap_managed_key` and, beside it, the counter of its users.
 *
 * put_page() tests the key to decide whether a ZONE_DEVICE page's 2->1 drop
 * goes to the dev_pagemap ->page_free() hook (the page-idle wake-up) at all.
 *
 * The key object itself has one behaviour in every revision; what differs is how
 * its callers drive it, and the caller is a code path (the pmem driver):
 * - 4.18 (seed 001): dev_pagemap_get_ops() does `atomic_inc_return(&devmap_enable) == 1`
 *   and only then, as a *separate* step, static_branch_enable(); put_ops() does
 *   `atomic_dec_and_test()` and then, separately, static_branch_disable(). The
 *   counter events reply the new count so the caller can decide.
 * - 5.10: static_branch_inc()/dec(): the key's own enable count, counter and
 *   branch change in one atomic action.
 * The key never looks at who calls it; invariants compare `on` with `count`.
 */
export interface DevmapKeyContext {
  /** `devmap_enable` in 4.18 (an atomic_t beside the key); the key's enable count from 5.10. */
  count: number;
  /** Whether static_branch_unlikely(&devmap_managed_key) is true: put_page takes the hook. */
  on: boolean;
}

export interface DevmapKeyInput {
  count?: number;
  on?: boolean;
}

export type DevmapKeyEvent =
  | { type: 'devmap_enable_inc'; from?: string }
  | { type: 'devmap_enable_dec'; from?: string }
  | { type: 'static_key_slow_inc'; from?: string }
  | { type: 'static_key_slow_dec'; from?: string }
  | { type: 'static_branch_inc'; from?: string }
  | { type: 'static_branch_dec'; from?: string }
  | { type: 'static_branch_unlikely'; from?: string };

const SRC_V10 = 'seed 001';
/** "mm: fix devmap_managed_key usage" era: static_branch_inc/dec replace the open-coded counter. */
const SRC_ATOMIC = 'infer: v5.10 mm/memremap.c devmap_managed_enable_get/put use static_branch_inc/dec';

export const devmapManagedKeyMachine = oncePer(function devmapManagedKeyMachine(_rev: Revision) {
  return setup({
    types: {} as { context: DevmapKeyContext; events: DevmapKeyEvent; input: DevmapKeyInput },
    actions: {
      incCount: assign({ count: ({ context }) => context.count + 1 }),
      decCount: assign({ count: ({ context }) => context.count - 1 }),
      replyCount: reply(({ context }) => ({ type: 'devmap_count', value: context.count })),
      enable: assign({ on: true }),
      disable: assign({ on: false }),
      branchInc: assign(({ context }) => ({ count: context.count + 1, on: context.count + 1 > 0 })),
      branchDec: assign(({ context }) => ({ count: context.count - 1, on: context.count - 1 > 0 })),
      replyKey: reply(({ context }) => ({ type: 'devmap_key', on: context.on })),
    },
  }).createMachine({
    id: 'devmap_managed_key',
    description:
      'DEFINE_STATIC_KEY_FALSE(devmap_managed_key) and its user counter: gates the put_page() hook that ' +
      'turns a ZONE_DEVICE page 2->1 drop into ->page_free() (and so the wake-up of truncate)',
    meta: { object: 'struct static_key devmap_managed_key', src: SRC_V10 },
    context: ({ input }) => ({ count: input?.count ?? 0, on: input?.on ?? false }),
    initial: 'key',
    states: {
      key: {
        description: 'the key and its counter; every call is one atomic kernel action on them',
        meta: { fn: 'static_key_enabled', src: SRC_V10, condition: 'static_key_enabled(&devmap_managed_key) == on' },
        on: {
          devmap_enable_inc: {
            actions: ['incCount', 'replyCount'],
            description:
              'atomic_inc_return(&devmap_enable): only the counter; the caller enables the key afterwards, in a step of its own, if it saw 1',
            meta: { fn: 'dev_pagemap_get_ops', src: SRC_V10 },
          },
          devmap_enable_dec: {
            actions: ['decCount', 'replyCount'],
            description:
              'atomic_dec_and_test(&devmap_enable): only the counter; the caller disables the key afterwards, in a step of its own, if it saw 0',
            meta: { fn: 'dev_pagemap_put_ops', src: SRC_V10 },
          },
          static_key_slow_inc: {
            actions: 'enable',
            description: 'static_branch_enable(): sets the branch whatever the counter says now; a no-op when already on',
            meta: { fn: 'static_branch_enable', src: SRC_V10 },
          },
          static_key_slow_dec: {
            actions: 'disable',
            description: 'static_branch_disable(): clears the branch whatever the counter says now',
            meta: { fn: 'static_branch_disable', src: SRC_V10 },
          },
          static_branch_inc: {
            actions: 'branchInc',
            description: 'static_branch_inc(): the key counts its users itself; counter and branch change together',
            meta: { fn: 'static_branch_inc', src: SRC_ATOMIC },
          },
          static_branch_dec: {
            actions: 'branchDec',
            description: 'static_branch_dec(): the last user turns the branch off in the same atomic action',
            meta: { fn: 'static_branch_dec', src: SRC_ATOMIC },
          },
          static_branch_unlikely: {
            actions: 'replyKey',
            description: 'put_page() -> put_devmap_managed_page(): is the hook patched in?',
            meta: { fn: 'static_branch_unlikely', src: SRC_V10 },
          },
        },
      },
    },
  });
});
