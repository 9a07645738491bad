import { call } from './kit/messages.ts';
import { m } from './kit/meta.ts';

/**
 * dax_holder_notify_failure() and the holder's ->notify_failure (v5.19+), as the reads
 * they are (drivers/dax/super.c, fs/xfs/xfs_notify_failure.c):
 *   1. read holder_ops (kill_dax first checks holder_data != NULL), under dax_read_lock;
 *   2. call holder_ops->notify_failure(), whose first act is mp = dax_holder(dax_dev):
 *      a second read, of holder_data, which nothing keeps equal to the first.
 * Between the two, the holder may run fs_put_dax() (holder_data = NULL) and go away.
 *
 * This module owns those states, their named guards and actions, and the environment
 * events that drive them. `holderNotifyStates` returns the states of one notification by
 * the code path that keeps the dax_device in `context.dax`; it ends in `next` (also when
 * there is nobody to notify). The host machine spreads HOLDER_NOTIFY_GUARDS and
 * `holderNotifyActions(mf)` into its setup() and HOLDER_NOTIFY_ENV into its env.
 */
/** Fairness (docs/authoring.md): a notification that began (from kill_dax or memory_failure) is kernel code that runs on. */
const NOTIFY_RUNS = { fairness: 'weak', why: 'dax_holder_notify_failure(), once entered, calls the holder and returns' } as const;

export const HOLDER_NOTIFY_ENV = { dax_holder_notify_failure: [{}], notify_failure: [{}] } as const;

/** The state names of one notification, per code path that runs one (written out so grep finds each). */
export const HOLDER_NOTIFY_STATES = {
  /** kill_dax() (6.0+): flags 0, MF_MEM_PRE_REMOVE from 6.8. */
  kill: { notify: 'kill_notify', readWait: 'kill_readWait', call: 'kill_call', callWait: 'kill_callWait' },
  /** memory_failure() on a pmem pfn: MF_ACTION_REQUIRED. */
  mf: { notify: 'mf_notify', readWait: 'mf_readWait', call: 'mf_call', callWait: 'mf_callWait' },
} as const;
export type NotifyPath = keyof typeof HOLDER_NOTIFY_STATES;

/** What the dax_device answers about its holder (holder_fields, dax_holder). */
interface HolderAnswer {
  readonly type: string;
  readonly ops?: string | null;
  readonly holder?: string | null;
}

/** Guards of the notification: they read the dax_device's answer. */
export const HOLDER_NOTIFY_GUARDS = {
  /** dax_holder_notify_failure(): holder_ops is set. */
  holderHasOps: ({ event }: { event: HolderAnswer }) => event.ops !== null,
  /** kill_dax(): holder_data is set (its own check) and so is holder_ops. */
  holderHasOpsAndData: ({ event }: { event: HolderAnswer }) => event.ops !== null && event.holder !== null,
  /** dax_holder() returned NULL: the holder let go after holder_ops was read. */
  holderGone: ({ event }: { event: HolderAnswer }) => event.holder === null,
};

/** The mf_flags a notification carries: kill_dax's (0 before 6.8, MF_MEM_PRE_REMOVE after), memory_failure's. */
export type NotifyFlag = 'MF_MEM_PRE_REMOVE' | 'MF_ACTION_REQUIRED' | '0';

/** Actions of the notification, `mf` being the flag the host's path notifies with. */
export function holderNotifyActions(mf: NotifyFlag) {
  const dax = ({ context }: { context: { dax: string | null } }) => context.dax;
  return {
    readHolderOps: call('dax_device', dax, { type: 'read_holder' }),
    readHolderData: call('dax_device', dax, { type: 'dax_holder' }),
    notifyFailureThroughNull: call('xfs_mount', () => null, { type: 'notify_failure' }),
    notifyHolder: call('holder', ({ event }: { event: HolderAnswer }) => event.holder ?? null, { type: 'notify_failure', mf }),
  };
}

export function holderNotifyStates<P extends NotifyPath, N extends string>(
  path: P,
  opts: { mf: string; next: N; checkHolderData: boolean; src: string },
) {
  const s = HOLDER_NOTIFY_STATES[path];
  const states = {
    [s.notify]: {
      description: opts.checkHolderData
        ? `kill_dax(): about to notify the holder, if one is registered (${opts.mf === '0' ? 'flags 0' : opts.mf})`
        : 'about to call dax_holder_notify_failure()',
      meta: m('dax_holder_notify_failure', opts.src),
      on: {
        dax_holder_notify_failure: {
          target: s.readWait,
          actions: 'readHolderOps',
          description: opts.checkHolderData
            ? 'if (dax_dev->holder_data) dax_holder_notify_failure(): reads holder_ops'
            : 'dax_holder_notify_failure(): reads holder_ops',
          meta: m('dax_holder_notify_failure', 'drivers/dax/super.c', NOTIFY_RUNS),
        },
      },
    },
    [s.readWait]: {
      description: 'waiting for the holder fields (within the same step)',
      on: {
        holder_fields: [
          {
            guard: opts.checkHolderData ? 'holderHasOpsAndData' : 'holderHasOps',
            target: s.call,
            description: 'a holder with ops: its notify_failure will be called',
            meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
          },
          {
            target: opts.next,
            description: opts.checkHolderData
              ? 'no holder (or no holder_ops: -EOPNOTSUPP): nothing to notify'
              : 'no holder_ops: -EOPNOTSUPP',
            meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
          },
        ],
      },
    },
    [s.call]: {
      description: 'holder_ops read; about to call holder_ops->notify_failure()',
      meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
      on: {
        notify_failure: {
          target: s.callWait,
          actions: 'readHolderData',
          description: 'holder_ops->notify_failure(dax_dev, ...): xfs_dax_notify_failure() begins with mp = dax_holder(dax_dev)',
          meta: m('xfs_dax_notify_failure', 'fs/xfs/xfs_notify_failure.c (infer)', NOTIFY_RUNS),
        },
      },
    },
    [s.callWait]: {
      description: 'waiting for dax_holder() (within the same step)',
      on: {
        dax_holder: [
          {
            guard: 'holderGone',
            target: opts.next,
            actions: 'notifyFailureThroughNull',
            description: 'dax_holder() returned NULL (the holder released it after holder_ops was read): mp->m_super is read through NULL',
            meta: m('xfs_dax_notify_failure', 'fs/xfs/xfs_notify_failure.c (infer)'),
          },
          {
            target: opts.next,
            actions: 'notifyHolder',
            description: `the holder's notify_failure runs on its mount (${opts.mf})`,
            meta: m('xfs_dax_notify_failure', 'fs/xfs/xfs_notify_failure.c (infer)'),
          },
        ],
      },
    },
  } as const;
  return states as Record<(typeof HOLDER_NOTIFY_STATES)[P]['notify' | 'readWait' | 'call' | 'callWait'], (typeof states)[string]>;
}
