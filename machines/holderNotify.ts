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
 * `holderNotifyStates` returns the states of one notification by the code path that keeps
 * the dax_device in `context[daxKey]`; it ends in `next` (also when there is nobody to notify).
 * `checkHolderData`: kill_dax's own `if (dax_dev->holder_data)` before the call.
 */
export const HOLDER_NOTIFY_ENV = { dax_holder_notify_failure: [{}], notify_failure: [{}] } as const;

export function holderNotifyStates(
  prefix: string,
  daxKey: string,
  opts: { mf: string; next: string; checkHolderData: boolean; src: string },
): Record<string, any> {
  const dax = ({ context }: { context: any }) => context[daxKey] as string | null;
  const s = (n: string) => `${prefix}_${n}`;
  const go = ({ event }: { event: any }) => event.ops !== null && (!opts.checkHolderData || event.holder !== null);
  return {
    [s('notify')]: {
      description: opts.checkHolderData
        ? 'kill_dax(): about to notify the holder, if one is registered (MF_MEM_PRE_REMOVE)'
        : 'about to call dax_holder_notify_failure()',
      meta: m('dax_holder_notify_failure', opts.src),
      on: {
        dax_holder_notify_failure: {
          target: s('readWait'),
          actions: call('dax_device', dax, { type: 'read_holder' }),
          description: opts.checkHolderData
            ? 'if (dax_dev->holder_data) dax_holder_notify_failure(): reads holder_ops'
            : 'dax_holder_notify_failure(): reads holder_ops',
          meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
        },
      },
    },
    [s('readWait')]: {
      description: 'waiting for the holder fields (within the same step)',
      on: {
        holder_fields: [
          { guard: go, target: s('call'), description: 'a holder with ops: its notify_failure will be called', meta: m('dax_holder_notify_failure', 'drivers/dax/super.c') },
          {
            target: opts.next,
            description: opts.checkHolderData ? 'no holder (or no holder_ops: -EOPNOTSUPP): nothing to notify' : 'no holder_ops: -EOPNOTSUPP',
            meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
          },
        ],
      },
    },
    [s('call')]: {
      description: 'holder_ops read; about to call holder_ops->notify_failure()',
      meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
      on: {
        notify_failure: {
          target: s('callWait'),
          actions: call('dax_device', dax, { type: 'dax_holder' }),
          description: 'holder_ops->notify_failure(dax_dev, ...): xfs_dax_notify_failure() begins with mp = dax_holder(dax_dev)',
          meta: m('xfs_dax_notify_failure', 'fs/xfs/xfs_notify_failure.c (infer)'),
        },
      },
    },
    [s('callWait')]: {
      description: 'waiting for dax_holder() (within the same step)',
      on: {
        dax_holder: [
          {
            guard: ({ event }: { event: any }) => event.holder === null,
            target: opts.next,
            actions: call('xfs_mount', () => null, { type: 'notify_failure' }),
            description: 'dax_holder() returned NULL (the holder released it after holder_ops was read): mp->m_super is read through NULL',
            meta: m('xfs_dax_notify_failure', 'fs/xfs/xfs_notify_failure.c (infer)'),
          },
          {
            target: opts.next,
            actions: call('holder', ({ event }: { event: any }) => event.holder as string, { type: 'notify_failure', mf: opts.mf }),
            description: `the holder's notify_failure runs on its mount (${opts.mf})`,
            meta: m('xfs_dax_notify_failure', 'fs/xfs/xfs_notify_failure.c (infer)'),
          },
        ],
      },
    },
  };
}
