import { assign, not, setup } from 'xstate';
import { call, reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS } from './eras.ts';
import { m, withStateMeta, type StateDocs } from './kit/meta.ts';
import { killDaxActions, KILL_DAX_ENV, KILL_DAX_GUARDS, killDaxDocs, killDaxEntry, killDaxStates } from './killDax.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * A device-mapper device (drivers/md/dm.c, dm-table.c) with a table of targets over
 * member devices. The mapped device has its own dax_device (alloc_dax in alloc_dev)
 * whose dm_dax_ops route to the members.
 *
 * Table devices are shared: every target on the same member device gets the same
 * dm_dev (dm_get_device -> find_device / dm_get_table_device), and open_table_device
 * takes ONE reference on the member's dax_device for it; close_table_device drops it.
 *
 * v8/v9 [seed 004]: ->fs_claim / ->fs_release iterate the targets of the live table
 * (dm_dax_iterate -> ti->type->iterate_devices) and call fs_dax_claim /
 * __fs_dax_release on each target's member: once per target, not once per member.
 */
export interface DmTableInput {
  readonly name: string;
  /** The mapped device's own dax_device actor. */
  readonly dax: string;
  readonly srcu: string;
  /** Distinct member devices: their dax_device actors (a member without DAX: null). */
  readonly members: readonly (string | null)[];
  /** The pgmap behind each member (null: none). */
  readonly memberPgmaps: readonly (string | null)[];
  /** Target i maps onto members[targets[i]]. */
  readonly targets: readonly number[];
}

export interface DmTableContext {
  readonly name: string;
  readonly dax: string;
  readonly srcu: string;
  readonly members: readonly (string | null)[];
  readonly memberPgmaps: readonly (string | null)[];
  readonly targets: readonly number[];
  /** td->dm_dev.dax_dev for each member: what open_table_device got (NULL if the lookup failed). */
  memberDax: (string | null)[];
  /** Loop index over members or targets while a step iterates. */
  iter: number;
  /** The filesystem whose ->fs_claim is being served, and the owner it passed. */
  caller: string | null;
  owner: string | null;
  /** Openers of the mapped device (a mounted filesystem). */
  openers: number;
  /** The holder whose notify_failure handler kill_dax() is running (holderNotify.ts), or null. */
  notified: string | null;
  /**
   * v8/v9: the member pgmap claims dm_dax_fs_claim() made for the filesystem mounted on this
   * device, one per target, and what fs_dax_claim() said (I5, I14): 'held' (claimed, or the
   * "same owner" short-circuit), 'denied' (another owner has it). Cleared by dm_dax_fs_release().
   */
  claims: DmClaim[];
}

export interface DmClaim {
  readonly pgmap: string;
  readonly owner: string;
  readonly state: 'held' | 'denied';
}

type Ev = { type: string; from?: string; owner?: string; ok?: boolean; result?: string };

/** Fairness (docs/authoring.md): dmsetup create / load / remove are an administrator's choices. */
const ADMIN_DM = { fairness: 'none', why: "whether dmsetup creates, loads or removes a device is an administrator's choice" } as const;
const DM_REMOVE_RUNS = { fairness: 'weak', why: 'cleanup_mapped_device(), once dm remove began, runs to its end' } as const;

export const DM_TABLE_ENV = {
  dm_create: [{}],
  table_load: [{}],
  dm_remove: [{}],
  ...KILL_DAX_ENV,
  put_dax: [{}],
} as const;

const SRC_DM = 'drivers/md/dm.c';

/** What each state of a mapped device's life stands for in the kernel (docs/authoring.md); kill_* states are killDax.ts's. */
const dmDocs = (rev: Revision): StateDocs => ({
  ...killDaxDocs(rev),
  absent: { condition: 'no struct mapped_device for this minor' },
  allocating: { condition: 'alloc_dev(): alloc_dax() called, returning within the step' },
  empty: { condition: 'md allocated with md->dax_dev; no live table (md->map == NULL)' },
  opening: { condition: 'table load: open_table_device() for the next member not yet called' },
  openWait: { condition: "open_table_device(): the member's block device and dax_device being looked up within the step" },
  loadFailed: { condition: 'a member failed to open: the members opened so far are still held' },
  live: { condition: 'md->map is a live table; its members are open' },
  claimIter: { condition: "dm_dax_iterate(): the next target's dax_device not yet claimed" },
  claimWait: { condition: 'fs_dax_claim() on a member called, returning within the step' },
  releaseIter: { condition: "dm_dax_iterate(dm_dax_dev_release): the next target's claim not yet released" },
  closing: { condition: 'dm remove: close_table_device() for the next member not yet called' },
  removeHost: { condition: "members closed; md->dax_dev's host entry not yet removed" },
  putOwn: { condition: 'kill_dax(md->dax_dev) returned; put_dax(md->dax_dev) not yet called' },
  done: { condition: 'md destroyed: md->dax_dev put, the table and md freed', fn: '__dm_destroy' },
});

export const dmTableMachine = oncePer(function dmTableMachine(rev: Revision) {
  const era = ERAS[rev].device;
  const target = (c: DmTableContext) => c.targets[c.iter];
  const targetDax = (c: DmTableContext) => c.memberDax[target(c)] ?? null;
  const targetPgmap = (c: DmTableContext) => c.memberPgmaps[target(c)] ?? null;

  return withStateMeta(
    setup({
      types: {} as { context: DmTableContext; events: Ev; input: DmTableInput },
      guards: {
        ...KILL_DAX_GUARDS,
        membersLeft: ({ context }) => context.iter < context.members.length,
        memberHasDax: ({ context }) => context.members[context.iter] !== null,
        targetsLeft: ({ context }) => context.iter < context.targets.length,
        targetDaxNull: ({ context }) => targetDax(context) === null,
        targetNoPgmap: ({ context }) => targetPgmap(context) === null,
        claimBusy: ({ event }) => event.result === 'busy',
        found: ({ event }) => event.ok === true,
        notOpen: ({ context }) => context.openers === 0,
        openedDaxLeft: ({ context }) => context.iter < context.memberDax.length,
        openedDax: ({ context }) => context.memberDax[context.iter] !== null,
      },
      actions: {
        ...killDaxActions(rev),
        allocDax: call('dax_device', ({ context }) => context.dax, { type: 'alloc_dax' }),
        openMember: call(
          'dax_device',
          ({ context }) => context.members[context.iter],
          () => (era.holder ? { type: 'fs_dax_get_by_bdev', holder: null } : { type: 'dax_get_by_host' }),
        ),
        recordMember: assign(({ context, event }) => {
          const memberDax = [...context.memberDax];
          memberDax[context.iter] = event.ok === true ? context.members[context.iter] : null;
          return { memberDax, iter: context.iter + 1 };
        }),
        skipMember: assign(({ context }) => {
          const memberDax = [...context.memberDax];
          memberDax[context.iter] = null;
          return { memberDax, iter: context.iter + 1 };
        }),
        next: assign(({ context }) => ({ iter: context.iter + 1 })),
        resetIter: assign({ iter: 0 }),
        forgetMembers: assign(({ context }) => ({ iter: 0, memberDax: context.members.map(() => null) })),
        startClaim: assign(({ event }) => ({ iter: 0, caller: event.from ?? null, owner: event.owner ?? null })),
        claimMember: call(
          'dev_pagemap',
          ({ context }) => targetPgmap(context),
          ({ context }) => ({ type: 'fs_dax_claim', owner: context.owner }),
        ),
        claimOnNull: call('dax_device', () => null, { type: 'fs_dax_claim' }),
        putTargetDax: call('dax_device', ({ context }) => targetDax(context), { type: 'put_dax' }),
        releaseTargetPgmap: call(
          'dev_pagemap',
          ({ context }) => targetPgmap(context),
          ({ context }) => ({ type: 'fs_dax_release_pgmap', owner: context.owner }),
        ),
        replyClaimed: call('caller', ({ context }) => context.caller, { type: 'dm_fs_claimed' }),
        endCall: assign({ caller: null, owner: null }),
        noteClaimHeld: assign(({ context }) => ({
          claims: [...context.claims, { pgmap: targetPgmap(context) ?? '', owner: context.owner ?? '', state: 'held' as const }],
        })),
        noteClaimDenied: assign(({ context }) => ({
          claims: [...context.claims, { pgmap: targetPgmap(context) ?? '', owner: context.owner ?? '', state: 'denied' as const }],
        })),
        forgetClaims: assign({ claims: [] }),
        replyOpened: reply({ type: 'blkdev', ok: true }),
        replyNoDevice: reply({ type: 'blkdev', ok: false }),
        open: assign(({ context }) => ({ openers: context.openers + 1 })),
        close: assign(({ context }) => ({ openers: context.openers - 1 })),
        closeMember: call('dax_device', ({ context }) => context.memberDax[context.iter], { type: 'put_dax' }),
        removeHost: call('dax_device', ({ context }) => context.dax, { type: 'dax_remove_host' }),
        putOwnDax: call('dax_device', ({ context }) => context.dax, { type: 'put_dax' }),
      },
    }).createMachine({
      id: 'dm_table',
      description: 'a device-mapper device: its own dax_device and a table of targets over member devices',
      meta: m('dm_create', SRC_DM),
      context: ({ input }) => ({
        name: input.name,
        dax: input.dax,
        srcu: input.srcu,
        members: input.members,
        memberPgmaps: input.memberPgmaps,
        targets: input.targets,
        memberDax: input.members.map(() => null),
        iter: 0,
        caller: null,
        owner: null,
        openers: 0,
        claims: [],
        notified: null,
      }),
      initial: 'absent',
      // Opening the mapped device fails unless it exists with a live table.
      on: {
        blkdev_get: {
          actions: 'replyNoDevice',
          description: 'open of a mapped device that does not exist (yet, or any more): -ENXIO',
          meta: m('dm_blk_open', SRC_DM),
        },
      },
      states: {
        absent: {
          description: 'no mapped device',
          on: {
            dm_create: {
              target: 'allocating',
              actions: 'allocDax',
              description: era.holder
                ? 'alloc_dev(): alloc_dax(md, &dm_dax_ops); dax_add_host()'
                : 'alloc_dev(): alloc_dax(md, disk_name, &dm_dax_ops)',
              meta: m('alloc_dev', SRC_DM, ADMIN_DM),
            },
          },
        },
        allocating: {
          description: 'waiting for alloc_dax() (within the same step)',
          on: {
            dax_allocated: { target: 'empty', description: 'the mapped device exists, no table loaded', meta: m('alloc_dev', SRC_DM) },
          },
        },
        empty: {
          description: 'mapped device without a live table',
          on: {
            table_load: {
              target: 'opening',
              actions: 'resetIter',
              description: 'table load + resume: dm_get_device() for every target',
              meta: m('dm_table_add_target', 'drivers/md/dm-table.c', ADMIN_DM),
            },
            dm_remove: {
              target: 'closing',
              actions: 'resetIter',
              description: 'dm remove of a device without a live table: __dm_destroy',
              meta: m('__dm_destroy', SRC_DM, ADMIN_DM),
            },
          },
        },
        opening: {
          description: 'open_table_device() for each distinct member (within the same step)',
          always: [
            {
              guard: not('membersLeft'),
              target: 'live',
              actions: 'resetIter',
              description: 'every member opened: the table is live',
              meta: m('dm_swap_table', SRC_DM),
            },
            {
              guard: not('memberHasDax'),
              actions: 'skipMember',
              target: 'opening',
              description: 'member without DAX: td->dm_dev.dax_dev = NULL',
              meta: m('open_table_device', SRC_DM),
            },
            {
              target: 'openWait',
              actions: 'openMember',
              description: 'open_table_device(): td->dm_dev.dax_dev = dax_get_by_host(disk_name) (one reference per table device)',
              meta: m('open_table_device', SRC_DM),
            },
          ],
        },
        openWait: {
          description: 'waiting for the member lookup (within the same step)',
          on: {
            dax_ref: [
              {
                guard: 'found',
                target: 'opening',
                actions: 'recordMember',
                description: 'td->dm_dev.dax_dev: the member reference',
                meta: m('open_table_device', SRC_DM),
              },
              {
                target: 'loadFailed',
                actions: 'resetIter',
                description: 'the member is gone (its driver was removed): dm_get_device fails, the table load fails',
                meta: m('dm_get_device', 'drivers/md/dm-table.c (infer)'),
              },
            ],
          },
        },
        loadFailed: {
          description: 'table load failed: close the members opened so far (within the same step)',
          always: [
            {
              guard: not('openedDaxLeft'),
              target: 'empty',
              actions: 'forgetMembers',
              description: 'back to no table',
              meta: m('dm_table_destroy', 'drivers/md/dm-table.c'),
            },
            {
              guard: 'openedDax',
              actions: ['closeMember', 'next'],
              target: 'loadFailed',
              description: 'close_table_device(): put_dax(td->dm_dev.dax_dev)',
              meta: m('close_table_device', SRC_DM),
            },
            { actions: 'next', target: 'loadFailed', description: 'not opened', meta: m('close_table_device', SRC_DM) },
          ],
        },
        live: {
          description: 'live table; the mapped device can be opened and mounted',
          on: {
            blkdev_get: {
              actions: ['open', 'replyOpened'],
              description: 'the mapped device is opened (a mount)',
              meta: m('dm_blk_open', SRC_DM),
            },
            blkdev_put: { actions: 'close', description: 'the mapped device is closed', meta: m('dm_blk_close', SRC_DM) },
            ...(era.claimsPgmap
              ? {
                  dm_dax_fs_claim: {
                    target: 'claimIter',
                    actions: 'startClaim',
                    description: 'dm_dax_fs_claim(): dm_dax_iterate(dm_dax_dev_claim) over the live table',
                    meta: m('dm_dax_fs_claim', 'seed 004'),
                  },
                  dm_dax_fs_release: {
                    target: 'releaseIter',
                    actions: 'startClaim',
                    description: 'dm_dax_fs_release(): dm_dax_iterate(dm_dax_dev_release) over the live table',
                    meta: m('dm_dax_fs_release', 'seed 004'),
                  },
                }
              : {}),
            dm_remove: {
              guard: 'notOpen',
              target: 'closing',
              actions: 'resetIter',
              description: 'dm remove (not open): __dm_destroy -> dm_table_destroy -> dm_put_device for every target',
              meta: m('__dm_destroy', SRC_DM, ADMIN_DM),
            },
          },
        },
        claimIter: {
          description: 'dm_dax_iterate(): the next target (within the same step)',
          always: [
            {
              guard: not('targetsLeft'),
              target: 'live',
              actions: ['replyClaimed', 'endCall'],
              description: 'dm_dax_iterate() returns dax_dev',
              meta: m('dm_dax_iterate', 'seed 004'),
            },
            {
              guard: 'targetDaxNull',
              actions: 'claimOnNull',
              target: 'live',
              description: 'fs_dax_claim(dev->dax_dev = NULL): reads dax_dev->pgmap',
              meta: m('fs_dax_claim', 'seed 004'),
            },
            {
              guard: 'targetNoPgmap',
              actions: 'next',
              target: 'claimIter',
              description: 'fs_dax_claim(): member has no pgmap: nothing to claim',
              meta: m('fs_dax_claim', 'seed 004'),
            },
            {
              target: 'claimWait',
              actions: 'claimMember',
              description: "iterate_devices -> dm_dax_dev_claim(): fs_dax_claim(dev->dax_dev, owner) on this target's member",
              meta: m('dm_dax_dev_claim', 'seed 004'),
            },
          ],
        },
        claimWait: {
          description: 'waiting for fs_dax_claim() (within the same step)',
          on: {
            fs_dax_claim: [
              {
                guard: 'claimBusy',
                target: 'claimIter',
                actions: ['noteClaimDenied', 'putTargetDax', 'next'],
                description:
                  'fs_dax_claim() failed: it put_dax()es the member; dm_dax_dev_claim WARN_ON_ONCE(1), -ENXIO, ignored by the iterator',
                meta: m('dm_dax_dev_claim', 'seed 004'),
              },
              {
                target: 'claimIter',
                actions: ['noteClaimHeld', 'next'],
                description: 'claimed, or "same owner" short-circuit: no reference taken either way',
                meta: m('fs_dax_claim', 'seed 004'),
              },
            ],
          },
        },
        releaseIter: {
          description: 'dm_dax_iterate(dm_dax_dev_release): the next target (within the same step)',
          always: [
            {
              guard: not('targetsLeft'),
              target: 'live',
              actions: ['endCall', 'forgetClaims'],
              description: 'every target released',
              meta: m('dm_dax_iterate', 'seed 004'),
            },
            {
              guard: 'targetDaxNull',
              actions: 'next',
              target: 'releaseIter',
              description: '__fs_dax_release(NULL): put_dax(NULL) and no pgmap: nothing',
              meta: m('__fs_dax_release', 'seed 004'),
            },
            {
              guard: 'targetNoPgmap',
              actions: ['putTargetDax', 'next'],
              target: 'releaseIter',
              description: '__fs_dax_release(): put_dax(member), no pgmap',
              meta: m('__fs_dax_release', 'seed 004'),
            },
            {
              target: 'releaseIter',
              actions: ['putTargetDax', 'releaseTargetPgmap', 'next'],
              description: 'dm_dax_dev_release() -> __fs_dax_release(dev->dax_dev, owner): put_dax(member), revert the pgmap claim',
              meta: m('dm_dax_dev_release', 'seed 004'),
            },
          ],
        },
        closing: {
          description: 'close_table_device() for each member (within the same step)',
          always: [
            {
              guard: not('openedDaxLeft'),
              target: era.holder ? 'removeHost' : killDaxEntry(rev),
              description: 'table destroyed; cleanup_mapped_device() next',
              meta: m('cleanup_mapped_device', SRC_DM),
            },
            {
              guard: 'openedDax',
              actions: ['closeMember', 'next'],
              target: 'closing',
              description: 'close_table_device(): put_dax(td->dm_dev.dax_dev)',
              meta: m('close_table_device', SRC_DM),
            },
            { actions: 'next', target: 'closing', description: 'close_table_device(): no dax_dev', meta: m('close_table_device', SRC_DM) },
          ],
        },
        removeHost: {
          description: 'cleanup_mapped_device(): the host entry goes first (within the same step)',
          always: {
            target: killDaxEntry(rev),
            actions: 'removeHost',
            description: 'dax_remove_host(md->disk)',
            meta: m('cleanup_mapped_device', SRC_DM),
          },
        },
        ...killDaxStates(rev, 'putOwn'),
        putOwn: {
          description: 'kill_dax(md->dax_dev) returned',
          on: {
            put_dax: {
              target: 'done',
              actions: 'putOwnDax',
              description: 'put_dax(md->dax_dev); md->dax_dev = ' + 'NULL',
              meta: m('cleanup_mapped_device', SRC_DM, DM_REMOVE_RUNS),
            },
          },
        },
        done: { type: 'final', description: 'mapped device destroyed' },
      },
    }),
    SRC_DM,
    dmDocs(rev),
  );
});
