import type { Revision } from './kit/revision.ts';
import { call } from './kit/messages.ts';
import { m, type StateDocs } from './kit/meta.ts';
import { ERAS } from './eras.ts';
import { HOLDER_NOTIFY_ENV, HOLDER_NOTIFY_GUARDS, holderNotifyActions, holderNotifyDocs, holderNotifyStates } from './holderNotify.ts';

/**
 * kill_dax() as it runs: in its caller's code path, as steps [seed 002, DOMAIN.md (a)].
 *   1. 6.0+: holder registered -> dax_holder_notify_failure(dax_dev, 0, U64_MAX, flags): flags 0 (6.0..6.7),
 *      MF_MEM_PRE_REMOVE (6.8+)
 *   2. clear_bit(DAXDEV_ALIVE)
 *   3. synchronize_srcu(&dax_srcu): begin (snapshot of readers inside), then return (blocks until they left)
 *   4. tear down: private = NULL / unhash (before the holder), holder_ops = holder_data = NULL (6.0+)
 *
 * This module owns those states (named kill_*), their guards and actions, and the events
 * that drive them. `killDaxStates` returns the states of one kill of the device the caller
 * keeps in `context.dax`, ending in `next`; the caller's context must hold the dax_srcu
 * actor's name in `srcu`. Each state is left by an environment event named after the kernel
 * step; the caller's env must list KILL_DAX_ENV, its setup() KILL_DAX_GUARDS and killDaxActions(rev).
 */
/** Fairness (docs/authoring.md): kill_dax() is running kernel code (a remove that began); it keeps running. */
const KILL_RUNS = {
  fairness: 'weak',
  why: "kill_dax(), once called from a driver's remove, runs on: clear ALIVE, synchronize_srcu(), tear down",
} as const;
/** The grace period ends once every reader that was inside has left; the sleeper is then woken. */
const GRACE_ENDS = {
  fairness: 'weak',
  why: 'once every pre-existing reader left its section the SRCU grace period completes and synchronize_srcu() returns (readers that enter later do not hold it)',
} as const;

export const KILL_DAX_ENV = {
  ...HOLDER_NOTIFY_ENV,
  clear_bit_alive: [{}],
  synchronize_srcu: [{}],
  srcu_grace_period_end: [{}],
  kill_dax_teardown: [{}],
} as const;

const dax = ({ context }: { context: { dax: string | null } }) => context.dax;
const srcu = ({ context }: { context: { srcu: string } }) => context.srcu;

export const KILL_DAX_GUARDS = HOLDER_NOTIFY_GUARDS;

/** The flag kill_dax() notifies a holder with, by era (eras.ts DeviceEra.killNotifies). */
export function killNotifyFlag(rev: Revision): 'MF_MEM_PRE_REMOVE' | '0' {
  return ERAS[rev].device.killNotifies === 'preRemove' ? 'MF_MEM_PRE_REMOVE' : '0';
}

/** The actions of kill_dax() in one era: the holder is notified with that era's flag. */
export const killDaxActions = (rev: Revision) => ({
  ...holderNotifyActions(killNotifyFlag(rev)),
  killClearAlive: call('dax_device', dax, { type: 'kill_dax_clear_alive' }),
  killSyncStart: call('dax_srcu', srcu, { type: 'synchronize_srcu_start' }),
  killSyncWait: call('dax_srcu', srcu, { type: 'synchronize_srcu_wait' }),
  killTeardown: call('dax_device', dax, { type: 'kill_dax_teardown' }),
});

/** The states of one kill_dax() ending in `next`; the holder notification only where the era has holders. */
export function killDaxStates<N extends string>(rev: Revision, next: N) {
  const era = ERAS[rev].device;
  const notify = holderNotifyStates('kill', {
    mf: killNotifyFlag(rev),
    next: 'kill_clear',
    checkHolderData: true,
    src: 'drivers/dax/super.c',
  });
  return {
    ...(era.holder ? notify : {}),
    kill_clear: {
      description: 'kill_dax(): about to clear ALIVE',
      meta: m('kill_dax', 'seed 002'),
      on: {
        clear_bit_alive: {
          target: 'kill_sync',
          actions: 'killClearAlive',
          description: 'clear_bit(DAXDEV_ALIVE, &dax_dev->flags)',
          meta: m('kill_dax', 'seed 002', KILL_RUNS),
        },
      },
    },
    kill_sync: {
      description: 'kill_dax(): ALIVE clear, about to synchronize_srcu()',
      meta: m('kill_dax', 'seed 002'),
      on: {
        synchronize_srcu: {
          target: 'kill_grace',
          actions: 'killSyncStart',
          description: 'synchronize_srcu(&dax_srcu): a grace period begins',
          meta: m('synchronize_srcu', 'seed 002', KILL_RUNS),
        },
      },
    },
    kill_grace: {
      tags: ['waiting'],
      description: 'kill_dax() sleeps in synchronize_srcu() until every reader that was inside has left',
      meta: m('synchronize_srcu', 'seed 002'),
      on: {
        srcu_grace_period_end: {
          target: 'kill_graceOver',
          actions: 'killSyncWait',
          description: 'synchronize_srcu() returns (blocks while pre-existing readers are inside)',
          meta: m('synchronize_srcu', 'seed 002', GRACE_ENDS),
        },
      },
    },
    kill_graceOver: {
      description: 'waiting for synchronize_srcu() to return (within the same step)',
      on: {
        srcu_synchronized: { target: 'kill_teardown', description: 'the grace period is over', meta: m('synchronize_srcu', 'seed 002') },
      },
    },
    kill_teardown: {
      description: era.holder ? 'kill_dax(): about to clear holder_ops and holder_data' : 'kill_dax(): about to unhash and clear private',
      meta: m('kill_dax', era.holder ? 'drivers/dax/super.c' : 'seed 002'),
      on: {
        kill_dax_teardown: {
          target: next,
          actions: 'killTeardown',
          description: era.holder
            ? 'dax_dev->holder_ops = NULL; dax_dev->holder_data = NULL'
            : 'hlist_del_init(&dax_dev->list); dax_dev->private = NULL',
          meta: m('kill_dax', era.holder ? 'drivers/dax/super.c' : 'seed 002', KILL_RUNS),
        },
      },
    },
  } as const;
}

/** The kernel conditions of the kill_* states, for the table of the machine that runs kill_dax() (withStateMeta). */
export const killDaxDocs = (rev: Revision): StateDocs => ({
  ...(ERAS[rev].device.holder ? holderNotifyDocs('kill') : {}),
  kill_clear: { condition: 'kill_dax() entered; DAXDEV_ALIVE still set in dax_dev->flags' },
  kill_sync: { condition: 'DAXDEV_ALIVE clear; synchronize_srcu(&dax_srcu) not yet called' },
  kill_grace: { condition: 'in synchronize_srcu(&dax_srcu): readers inside when the grace period began may still be inside' },
  kill_graceOver: { condition: 'the grace period has ended; synchronize_srcu() returns within the step' },
  kill_teardown: { condition: 'synchronize_srcu() returned: no reader that saw DAXDEV_ALIVE is still inside its section' },
});

/** The first state of a kill built by killDaxStates. */
export function killDaxEntry(rev: Revision): 'kill_notify' | 'kill_clear' {
  return ERAS[rev].device.holder ? 'kill_notify' : 'kill_clear';
}
