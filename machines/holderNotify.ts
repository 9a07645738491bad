import { assign } from 'xstate';
import { call, type AnySetupValue } from './kit/messages.ts';
import { m, type StateDocs } from './kit/meta.ts';

/**
 * dax_holder_notify_failure() and the holder's ->notify_failure (6.0+), as the reads
 * they are (6.8 drivers/dax/super.c dax_holder_notify_failure, fs/xfs/xfs_notify_failure.c):
 *   1. `if (!dax_dev->holder_ops) return -EOPNOTSUPP;` (kill_dax first checks holder_data != NULL),
 *      under dax_read_lock;
 *   2. `dax_dev->holder_ops->notify_failure(...)`: holder_ops is loaded again, a plain load with
 *      no READ_ONCE, so the compiler may reload it after the check (it usually reuses the
 *      register: this path needs the reload); NULL here is a NULL dereference;
 *   3. the holder's notify_failure begins with mp = dax_holder(dax_dev): a read of holder_data,
 *      which nothing keeps equal to the first.
 * Between them the holder may run fs_put_dax() (cmpxchg holder_data to NULL, then
 * holder_ops = NULL, no SRCU wait) and go away.
 * On the kill_dax path the holder answers the call with whether its handler has anything to do, which then runs on the remover's thread, one step at a
 * time (`notify_step` to the holder, which answers `notify_ret`): xfs freezes, unmaps and kills,
 * invalidates, shuts down, as its era and its rmapbt decide (machines/filesystem.ts).
 *
 * This module owns those states, their named guards and actions, and the environment
 * events that drive them. `holderNotifyStates` returns the states of one notification by
 * the code path that keeps the dax_device in `context.dax`; it ends in `next` (also when
 * there is nobody to notify). The host machine spreads HOLDER_NOTIFY_GUARDS and
 * `holderNotifyActions(mf)` into its setup() and HOLDER_NOTIFY_ENV into its env.
 */
const SRC_XFS = 'fs/xfs/xfs_notify_failure.c';

/** Fairness (docs/authoring.md): a notification that began (from kill_dax or memory_failure) is kernel code that runs on. */
const NOTIFY_RUNS = { fairness: 'weak', why: 'dax_holder_notify_failure(), once entered, calls the holder and returns' } as const;

export const HOLDER_NOTIFY_ENV = { dax_holder_notify_failure: [{}], notify_failure: [{}], notify_failure_step: [{}] } as const;

/** The state names of one notification, per code path that runs one (written out so grep finds each). */
export const HOLDER_NOTIFY_STATES = {
  /** kill_dax() (6.0+): flags 0, MF_MEM_PRE_REMOVE from 6.8. */
  kill: {
    notify: 'kill_notify',
    readWait: 'kill_readWait',
    call: 'kill_call',
    reloadWait: 'kill_reloadWait',
    callWait: 'kill_callWait',
    running: 'kill_holderRunning',
    stepWait: 'kill_holderStepWait',
  },
  /** memory_failure() on a pmem pfn: MF_ACTION_REQUIRED. */
  mf: {
    notify: 'mf_notify',
    readWait: 'mf_readWait',
    call: 'mf_call',
    reloadWait: 'mf_reloadWait',
    callWait: 'mf_callWait',
    running: 'mf_holderRunning',
    stepWait: 'mf_holderStepWait',
  },
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
  /** The reload of holder_ops found NULL: fs_put_dax() cleared it after the check. */
  holderOpsGone: ({ event }: { event: HolderAnswer }) => event.ops === null,
  /** The holder's handler has more to do (notify_ret). */
  holderNotifyMore: ({ event }: { event: { type: string; more?: boolean } }) => event.more === true,
};

/** The mf_flags a notification carries: kill_dax's (0 before 6.8, MF_MEM_PRE_REMOVE after), memory_failure's. */
export type NotifyFlag = 'MF_MEM_PRE_REMOVE' | 'MF_ACTION_REQUIRED' | '0';

/** Actions of the notification, `mf` being the flag the host's path notifies with. */
export function holderNotifyActions(mf: NotifyFlag) {
  const dax = ({ context }: { context: { dax: string | null } }) => context.dax;
  return {
    readHolderOps: call('dax_device', dax, { type: 'read_holder' }),
    reloadHolderOps: call('dax_device', dax, { type: 'read_holder_ops' }),
    readHolderData: call('dax_device', dax, { type: 'dax_holder' }),
    notifyFailureThroughNull: call('xfs_mount', () => null, { type: 'notify_failure' }),
    callThroughNullOps: call('holder_ops', () => null, { type: 'load_notify_failure' }),
    /** The handler then runs step by step: the holder answers notify_ret (more to do, or returned) within this step. */
    notifyHolder: call('holder', ({ event }: { event: HolderAnswer }) => event.holder ?? null, {
      type: 'notify_failure',
      mf,
      stepwise: true,
    }),
    /** The holder whose handler runs: xfs_dax_notify_failure() keeps mp in a local. */
    rememberNotified: assign(({ event }: { event: HolderAnswer }) => ({ notified: event.holder ?? null })) as AnySetupValue,
    notifyStep: call('holder', ({ context }: { context: { notified: string | null } }) => context.notified, { type: 'notify_step' }),
    forgetNotified: assign({ notified: null }) as AnySetupValue,
  };
}

/**
 * The kernel conditions of the notification's states, for the table of the machine that runs it
 * (withStateMeta): the same four states wherever dax_holder_notify_failure() is called from.
 */
export function holderNotifyDocs(path: NotifyPath): StateDocs {
  const s = HOLDER_NOTIFY_STATES[path];
  return {
    [s.notify]: { condition: 'dax_holder_notify_failure() not yet entered; holder_ops and holder_data not read' },
    [s.readWait]: { condition: 'dax_holder_notify_failure(): reading dax_dev->holder_ops (and holder_data) within the step' },
    [s.call]: { condition: 'holder_ops != NULL was read; holder_ops->notify_failure() not yet called' },
    [s.callWait]: { condition: 'xfs_dax_notify_failure(): mp = dax_holder(dax_dev) being read within the step' },
  };
}

export function holderNotifyStates<P extends NotifyPath, N extends string>(
  path: P,
  opts: { mf: NotifyFlag; next: N; checkHolderData: boolean; src: string },
) {
  const s = HOLDER_NOTIFY_STATES[path];
  const flagText = (f: NotifyFlag) => (f === '0' ? 'flags 0' : f);
  const states = {
    [s.notify]: {
      description: opts.checkHolderData
        ? `kill_dax(): about to notify the holder, if one is registered (${flagText(opts.mf)})`
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
      description: 'holder_ops checked non-NULL; about to call holder_ops->notify_failure()',
      meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
      on: {
        notify_failure: {
          target: s.reloadWait,
          actions: 'reloadHolderOps',
          description: 'dax_dev->holder_ops->notify_failure(dax_dev, ...): holder_ops is loaded again (no READ_ONCE)',
          meta: m('dax_holder_notify_failure', 'drivers/dax/super.c', NOTIFY_RUNS),
        },
      },
    },
    [s.reloadWait]: {
      description: 'waiting for the reload of holder_ops (within the same step)',
      meta: {
        condition: 'holder_ops checked non-NULL, loaded again for the call',
        fn: 'dax_holder_notify_failure',
        src: 'drivers/dax/super.c',
      },
      on: {
        holder_ops: [
          {
            // The NULL dereference ends this path; it stays where it was (its own state, not the one
            // the other outcomes reach, so each failing read keeps its own trace).
            guard: 'holderOpsGone',
            target: s.call,
            actions: 'callThroughNullOps',
            description:
              'the reload finds holder_ops NULL (fs_put_dax() cleared it after the check): ->notify_failure is read through NULL ' +
              '(needs the compiler to reload; a KCSAN data race either way)',
            meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
          },
          {
            target: s.callWait,
            actions: 'readHolderData',
            description: 'holder_ops->notify_failure(dax_dev, ...): xfs_dax_notify_failure() begins with mp = dax_holder(dax_dev)',
            meta: m('xfs_dax_notify_failure', SRC_XFS),
          },
        ],
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
            // The holder answers within the step: a handler that returns at once (-EIO before SB_BORN, -EOPNOTSUPP
            // without rmapbt) ends the notification here, with no step of it left to reach a holder gone since.
            target: s.stepWait,
            actions: ['notifyHolder', 'rememberNotified'] as const,
            description: `the holder's notify_failure runs on its mount (${flagText(opts.mf)})`,
            meta: m('xfs_dax_notify_failure', SRC_XFS),
          },
        ],
      },
    },
    [s.running]: {
      description:
        "the holder's notify_failure handler runs on this thread (its caller, kill_dax or memory_failure, waits for it to return)",
      meta: { condition: 'inside holder_ops->notify_failure(), dax_read_lock held', fn: 'xfs_dax_notify_failure', src: SRC_XFS },
      on: {
        notify_failure_step: {
          target: s.stepWait,
          actions: 'notifyStep',
          description: "the holder's handler takes its next step",
          meta: m('xfs_dax_notify_failure', SRC_XFS, NOTIFY_RUNS),
        },
      },
    },
    [s.stepWait]: {
      description: "waiting for the holder's answer: its handler started, or took a step (within the same step)",
      meta: { condition: 'inside holder_ops->notify_failure(), dax_read_lock held', fn: 'xfs_dax_notify_ddev_failure', src: SRC_XFS },
      on: {
        notify_ret: [
          {
            guard: 'holderNotifyMore',
            target: s.running,
            description: 'the handler goes on',
            meta: m('xfs_dax_notify_failure', SRC_XFS),
          },
          {
            target: opts.next,
            actions: 'forgetNotified',
            description:
              'notify_failure() returned; dax_holder_notify_failure() does dax_read_unlock() and returns (kill_dax ignores its value)',
            meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
          },
        ],
      },
    },
  } as const;
  type Name = (typeof HOLDER_NOTIFY_STATES)[P][keyof (typeof HOLDER_NOTIFY_STATES)['kill']];
  return states as Record<Name, (typeof states)[string]>;
}
