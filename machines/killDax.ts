import type { Revision } from './kit/revision.ts';
import { ERAS } from './eras.ts';
import { m } from './kit/meta.ts';
import { call } from './kit/messages.ts';
import { HOLDER_NOTIFY_ENV, holderNotifyStates } from './holderNotify.ts';

/**
 * kill_dax() as it runs: in its caller's code path, as steps [seed 002, DOMAIN.md (a)].
 *   1. v6.15: holder registered -> dax_holder_notify_failure(MF_MEM_PRE_REMOVE)
 *   2. clear_bit(DAXDEV_ALIVE)
 *   3. synchronize_srcu(&dax_srcu): begin (snapshot of readers inside), then return (blocks until they left)
 *   4. tear down: private = NULL / unhash (2017-v6.14), holder_ops = holder_data = NULL (v6.15)
 *
 * `killDaxStates` returns the states of one kill of the device the caller keeps in
 * `context[daxKey]`, ending in `next`. The caller's context must hold the dax_srcu
 * actor's name in `srcu`. Each state is left by an environment event named after the
 * kernel step; the caller's env must list KILL_DAX_ENV.
 */
export const KILL_DAX_ENV = {
  ...HOLDER_NOTIFY_ENV,
  clear_bit_alive: [{}],
  synchronize_srcu: [{}],
  srcu_grace_period_end: [{}],
  kill_dax_teardown: [{}],
} as const;

export function killDaxStates(rev: Revision, prefix: string, daxKey: string, next: string): Record<string, any> {
  const era = ERAS[rev].device;
  const dax = ({ context }: { context: any }) => context[daxKey] as string | null;
  const srcu = ({ context }: { context: any }) => context.srcu as string;
  const s = (n: string) => `${prefix}_${n}`;
  const states: Record<string, any> = {};
  if (era.holder) {
    Object.assign(states, holderNotifyStates(prefix, daxKey, { mf: 'MF_MEM_PRE_REMOVE', next: s('clear'), checkHolderData: true, src: 'drivers/dax/super.c' }));
  }
  states[s('clear')] = {
    description: 'kill_dax(): about to clear ALIVE',
    meta: m('kill_dax', 'seed 002'),
    on: {
      clear_bit_alive: {
        target: s('sync'),
        actions: call('dax_device', dax, { type: 'kill_dax_clear_alive' }),
        description: 'clear_bit(DAXDEV_ALIVE, &dax_dev->flags)',
        meta: m('kill_dax', 'seed 002'),
      },
    },
  };
  states[s('sync')] = {
    description: 'kill_dax(): ALIVE clear, about to synchronize_srcu()',
    meta: m('kill_dax', 'seed 002'),
    on: {
      synchronize_srcu: {
        target: s('grace'),
        actions: call('dax_srcu', srcu, { type: 'synchronize_srcu_start' }),
        description: 'synchronize_srcu(&dax_srcu): a grace period begins',
        meta: m('synchronize_srcu', 'seed 002'),
      },
    },
  };
  states[s('grace')] = {
    tags: ['waiting'],
    description: 'kill_dax() sleeps in synchronize_srcu() until every reader that was inside has left',
    meta: m('synchronize_srcu', 'seed 002'),
    on: {
      srcu_grace_period_end: {
        target: s('graceOver'),
        actions: call('dax_srcu', srcu, { type: 'synchronize_srcu_wait' }),
        description: 'synchronize_srcu() returns (blocks while pre-existing readers are inside)',
        meta: m('synchronize_srcu', 'seed 002'),
      },
    },
  };
  states[s('graceOver')] = {
    description: 'waiting for synchronize_srcu() to return (within the same step)',
    on: { srcu_synchronized: { target: s('teardown'), description: 'the grace period is over', meta: m('synchronize_srcu', 'seed 002') } },
  };
  states[s('teardown')] = {
    description: era.holder ? 'kill_dax(): about to clear holder_ops and holder_data' : 'kill_dax(): about to unhash and clear private',
    meta: m('kill_dax', era.holder ? 'drivers/dax/super.c' : 'seed 002'),
    on: {
      kill_dax_teardown: {
        target: next,
        actions: call('dax_device', dax, { type: 'kill_dax_teardown' }),
        description: era.holder ? 'dax_dev->holder_ops = NULL; dax_dev->holder_data = NULL' : 'hlist_del_init(&dax_dev->list); dax_dev->private = NULL',
        meta: m('kill_dax', era.holder ? 'drivers/dax/super.c' : 'seed 002'),
      },
    },
  };
  return states;
}

/** The first state of a kill built by killDaxStates. */
export function killDaxEntry(rev: Revision, prefix: string): string {
  return ERAS[rev].device.holder ? `${prefix}_notify` : `${prefix}_clear`;
}
