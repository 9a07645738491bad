import { assign, enqueueActions, setup } from 'xstate';
import { call, reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS, type DeviceEra } from './eras.ts';
import { m, withStateMeta, type StateDocs } from './kit/meta.ts';
import { fnOf } from './kernelFunctions.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * Mount and unmount of ext2/ext4/xfs on a block device: the dax_device side of
 * ext4_fill_super / ext2_fill_super / xfs_open_devices and of put_super /
 * xfs_close_devices, error paths included.
 *
 *   v8/v9:  dax = fs_dax_claim_bdev(bdev, sb)      ... fs_dax_release(dax, sb)     [seed 000, seed 004]
 *   v4.16..v5.10: dax = fs_dax_get_by_bdev(bdev) ... fs_put_dax(dax)         [seed 000 context lines]
 *   6.0+:   dax = fs_dax_get_by_bdev(bdev, &off, holder, ops) ... fs_put_dax(dax, holder)
 *           (xfs passes itself as holder; ext2/ext4 pass NULL)                      [drivers/dax/super.c]
 *
 * As a holder, xfs answers holder_ops->notify_failure (6.8 fs/xfs/xfs_notify_failure.c
 * xfs_dax_notify_failure): without rmapbt it returns -EOPNOTSUPP and does nothing; with it, a
 * whole-device notification walks the reverse map: every DAX file's range is unmapped and its
 * users signalled (mf_dax_kill_procs); flags 0 (kill_dax 6.0..6.7) also meets the metadata
 * owners and shuts the filesystem down (SHUTDOWN_CORRUPT_ONDISK); MF_MEM_PRE_REMOVE (6.8+)
 * freezes first, invalidates each file's DAX entries after the kill, skips the metadata and
 * shuts down with SHUTDOWN_FORCE_UMOUNT, then thaws. Each of those is one step here, taken on
 * the notifier's thread (holderNotify.ts `notify_step`). The SIGBUS itself is not modelled: a
 * signalled process's in-flight pin outlives it, and a process may map and fault again until
 * the shutdown (freeze blocks only write faults, which the model does not single out).
 *
 * A disk whose queue is not DAX has no dax_device: `dax: null` in the input, and
 * the lookup returns NULL without calling anything.
 */
export interface FilesystemInput {
  /** This actor's name: the owner / holder the kernel passes as `sb` or `mp`. */
  readonly name: string;
  readonly fstype: 'ext2' | 'ext4' | 'xfs';
  /** The dax_device of the disk under the mounted block device (a partition resolves to its whole disk), or null. */
  readonly dax: string | null;
  /** The block device mounted: a partition (`pmem0p1`), a whole disk, a dm device. The unit this mount owns. */
  readonly unit: string;
  /** `mount -o dax`. */
  readonly daxOption?: boolean;
  /** The actor owning the disk this mount opens (blkdev_get / blkdev_put): a pmem driver, a dm table; null: always there. */
  readonly bdev?: string | null;
  /** xfs: mkfs -m rmapbt=1 (xfs_has_rmapbt): what xfs_dax_notify_failure() needs. Default: true. */
  readonly rmapbt?: boolean;
  /** The DAX files in use on this mount, whose mappings a failure notification unmaps and invalidates. */
  readonly files?: readonly DaxFile[];
  /** Mounted before the system starts (fill_super done; an xfs holder is registered on `dax`). */
  readonly mounted?: boolean;
  /** The superblock's sb_writers as an rwsem actor: freeze_super() takes it exclusive, waiting for truncates in progress. */
  readonly sbWriters?: string | null;
}

/** A DAX file of a mount: its pages (and their entries in i_pages), its blocks, its address_space. */
export interface DaxFile {
  readonly file: string;
  readonly pages: readonly string[];
  readonly blocks: readonly string[];
  readonly aspace: string;
}

/** One step of xfs_dax_notify_failure() on a whole-device notification. */
export type NotifyStep = 'freeze' | 'kill' | 'invalidate' | 'shutdown' | 'thaw';

export interface FilesystemContext {
  readonly name: string;
  readonly fstype: FilesystemInput['fstype'];
  readonly unit: string;
  readonly daxOption: boolean;
  readonly bdev: string | null;
  /** The dax_device the block device resolves to (null: not DAX). */
  readonly disk: string | null;
  /** sbi->s_daxdev / btp->bt_daxdev: the pointer this mount holds, NULL when it has no DAX. */
  dax: string | null;
  /** What the lookup told: dax_dev->ops, dax_dev->pgmap, the dm table, FS_DAX_LIMITED. */
  ops: string | null;
  pgmap: string | null;
  /** The pgmap of the device's pfns (mount -o dax asks get_dev_pagemap about it). */
  pfnPgmap: string | null;
  table: string | null;
  limited: boolean;
  /** The exclusive slot this mount asked for (pgmap claim v8/v9, holder_data v6.15) and what became of it (I5). */
  slot: string | null;
  slotState: 'held' | 'denied' | null;
  /** fs_put_dax's cmpxchg won: holder_ops still to be cleared. */
  holderSwapped: boolean;
  /** xfs_force_shutdown() ran: iomap_begin and truncate fail with -EIO. */
  shutdown: boolean;
  /** Ghost: a whole-device notification (kill_dax's, flags 0 or MF_MEM_PRE_REMOVE) reached this holder's notify_failure. */
  killTold: boolean;
  /** freeze_super(FREEZE_HOLDER_KERNEL) held by the notification. */
  frozen: boolean;
  /** ->kill_sb released the main block device before fs_put_dax() (6.6+): the close is not done again at the end. */
  bdevClosed: boolean;
  /**
   * The notifier whose PRE_REMOVE handler ran this mount's deferred teardown in its thaw: its handler returns (notify_ret)
   * only when fs_put_dax() does, so kill_dax cannot run ahead of the teardown.
   */
  answerAtPut: string | null;
  /** The steps of the running notify_failure still to take. */
  notifySteps: Readonly<Record<string, readonly NotifyStep[]>>;
  readonly rmapbt: boolean;
  readonly files: readonly DaxFile[];
  readonly sbWriters: string | null;
  /** How the mount ended. */
  outcome: 'mounted' | 'failed' | 'unmounted' | null;
}

type Ev = {
  type: string;
  from?: string;
  ok?: boolean;
  ops?: string;
  pgmap?: string | null;
  table?: string | null;
  limited?: boolean;
  result?: string;
  swapped?: boolean;
  pgmapType?: string;
  [k: string]: unknown;
};

/** Fairness (docs/authoring.md): an administrator's mount(8) / umount(8) is a choice, never assumed to happen. */
const ADMIN_MOUNTS = {
  fairness: 'none',
  why: 'whether and when an administrator mounts or unmounts is a choice, not kernel code that runs',
} as const;
/** Once in mount(2) or umount(2), the task runs the kernel's code to its end. */
const FS_CODE_RUNS = {
  fairness: 'weak',
  why: 'a task inside mount(2) or umount(2) keeps running: fill_super and put_super reach their end',
} as const;

export const FILESYSTEM_ENV = {
  mount: [{}],
  fill_super: [{ ok: true }, { ok: false }],
  umount: [{}],
  kill_block_super: [{}],
  free_buftarg: [{}],
  fs_put_dax_clear_ops: [{}],
} as const;

/** What each state of a mount and its unmount stands for in the kernel (docs/authoring.md). */
const FS_DOCS: StateDocs = {
  idle: { condition: 'no superblock on this block device: not mounted' },
  opening: { condition: 'the block device open called, returning within the step' },
  lookup: { condition: 'block device open (sb->s_bdev set); its dax_device not yet looked up' },
  looking: { condition: "the block device's dax_device being looked up, returning within the step" },
  holderGot: { condition: 'fs_dax_get_by_bdev() returned the dax_device; the holder not yet checked' },
  claiming: { condition: 'fs_dax_claim() called, returning within the step' },
  dmClaiming: { condition: 'dm_dax_fs_claim() called, returning within the step' },
  filling: { condition: 'fill_super running with the dax_device (or NULL) in hand' },
  daxCheck: { condition: 'mount -o dax: get_dev_pagemap(pfn) called, returning within the step' },
  mounted: { condition: 'SB_ACTIVE: mounted, the dax_device (or NULL) kept in the superblock / xfs_mount', fn: 'mount_bdev' },
  releasing: { condition: 'mount error path or put_super: the dax_device not yet given back' },
  tornDown: {
    condition: 'xfs_unmountfs() ran (allocation groups and log freed); the holder slot not yet given back (fs_put_dax)',
    fn: 'xfs_fs_put_super',
  },
  oopsWalkFreed: { condition: 'the notification dereferenced the NULL allocation group (the oops)' },
  umountDeferred: {
    condition: "umount(2) returned while notify_failure's kernel freeze holds an active reference: the teardown waits for its thaw",
    fn: 'deactivate_super',
  },
  bdevReleased: { condition: '6.6+: kill_block_super() released the main block device; fs_put_dax() not yet run', fn: 'xfs_kill_sb' },
  oopsShutdownWait: { condition: "the handler's shutdown waited on the freed log (the oops)" },
  uafHandlerStep: { condition: 'a notify handler begun before the teardown took its next step on freed structures' },
  clearOps: { condition: 'fs_put_dax(): holder_data cmpxchg to NULL won; holder_ops not yet cleared' },
  holderCmpxchg: { condition: 'fs_put_dax(): cmpxchg(&dax_dev->holder_data, holder, NULL) evaluated within the step' },
  closing: { condition: 'the dax_device given back; the block device not yet closed' },
  done: { condition: 'mount failed or unmounted: nothing held, the superblock freed' },
};

/**
 * The teardown a PRE_REMOVE handler's thaw runs when umount(2) came while it held the kernel freeze: it returns to
 * kill_dax() only after fs_put_dax(). The model keeps fs_put_dax()'s clearing of holder_ops a step of its own.
 */
const DEFERRED_TEARDOWN =
  "the handler's thaw_super(FREEZE_HOLDER_KERNEL) drops the last active reference: deactivate_locked_super() -> ->kill_sb " +
  "runs in the handler's task: xfs_unmountfs(), the block device's release (6.6-6.8 here; 6.9+ after ->kill_sb), " +
  'fs_put_dax(), and the handler returns to its notifier only then (then thaw_super(FREEZE_HOLDER_USERSPACE) meets the dying ' +
  'superblock and WARNs, which this machine does not show)';

const SRC_NOTIFY = 'fs/xfs/xfs_notify_failure.c (6.8; 6.1..6.7 from the context lines of fa422b353d21; 6.0 before e033f40be262)';

/**
 * What xfs_dax_notify_failure() does, step by step, for a notification with these flags (6.8
 * fs/xfs/xfs_notify_failure.c: xfs_dax_notify_failure, xfs_dax_notify_ddev_failure, xfs_dax_failure_fn).
 * memory_failure()'s own notification (MF_ACTION_REQUIRED, one pfn) is its walk to the files that map the pfn, killing
 * their users: one step.
 */
function notifyPlan(
  context: { fstype: FilesystemInput['fstype']; rmapbt: boolean },
  mf: string,
  metadata: DeviceEra['xfsMetadataRecord'],
): NotifyStep[] {
  if (context.fstype !== 'xfs' || !context.rmapbt) return [];
  if (mf === 'MF_MEM_PRE_REMOVE') return ['freeze', 'kill', 'invalidate', 'shutdown', 'thaw'];
  // Flags 0, the whole device: the walk starts at AG 0's superblock, a record of no file. 6.0 shuts down there and
  // stops; from 6.1 the files' mappings are handled first.
  if (mf === '0') return metadata === 'stop' ? ['shutdown'] : ['kill', 'shutdown'];
  // memory_failure() on one pfn: the reverse-map walk to the files that map it and mf_dax_kill_procs() on them, a step
  // of its own on the notifier's thread, with nothing but dax_read_lock held (fs_put_dax() waits for no reader).
  if (mf === 'MF_ACTION_REQUIRED') return ['kill'];
  return [];
}

/**
 * The steps still to take of the handler a notifier runs (by the notifier's name: kill_dax's and memory_failure()'s run
 * at the same time, each on its own task), and the same record with that notifier's steps replaced (none: no entry).
 */
function stepsOf(context: FilesystemContext, event: Ev): readonly NotifyStep[] {
  return context.notifySteps[event.from ?? ''] ?? [];
}
function withSteps(context: FilesystemContext, event: Ev, steps: readonly NotifyStep[]): Record<string, readonly NotifyStep[]> {
  const { [event.from ?? '']: _old, ...others } = context.notifySteps;
  return steps.length ? { ...others, [event.from ?? '']: steps } : others;
}

/** A whole-device notification, kill_dax()'s (flags 0 until 6.7, MF_MEM_PRE_REMOVE from 6.8), not memory_failure()'s. */
function killNotification(event: Ev): boolean {
  return event.mf === '0' || event.mf === 'MF_MEM_PRE_REMOVE';
}

/** The context of a filesystem mounted before the system starts: it holds its dax_device and, if xfs, the holder slot. */
function premounted(input: FilesystemInput, holder: boolean): Partial<FilesystemContext> {
  return {
    dax: input.dax,
    ops: 'pmem',
    ...(holder && input.fstype === 'xfs' ? { slot: input.dax, slotState: 'held' as const } : {}),
    outcome: 'mounted',
  };
}

export const filesystemMachine = oncePer(function filesystemMachine(rev: Revision) {
  const era = ERAS[rev].device;
  /** This mount is xfs and holds its dax_device's holder slot (6.0+). */
  const holdsHolder = (c: FilesystemContext): boolean => era.holder && c.fstype === 'xfs' && c.slotState === 'held';
  const getSrc = era.holder ? 'drivers/dax/super.c' : era.claimsPgmap ? 'seed 000' : 'seed 000 (the lines v8 replaced)';

  return withStateMeta(
    setup({
      types: {} as { context: FilesystemContext; events: Ev; input: FilesystemInput },
      guards: {
        noDaxQueue: ({ context }) => context.disk === null,
        premounted: ({ context }) => context.outcome === 'mounted',
        hasBdev: ({ context }) => context.bdev !== null,
        found: ({ event }) => event.ok === true,
        holderAsked: ({ context }) => era.holder && context.fstype === 'xfs',
        viaDm: ({ event }) => event.ops === 'dm',
        hasPgmap: ({ event }) => !!event.pgmap,
        claimBusy: ({ event }) => event.result === 'busy',
        fillOk: ({ event }) => event.ok === true,
        daxNull: ({ context }) => context.dax === null,
        ctxViaDm: ({ context }) => context.ops === 'dm',
        ctxHasPgmap: ({ context }) => context.pgmap !== null,
        holdsHolder: ({ context }) => holdsHolder(context),
        /** The mount failed before SB_BORN (a release on the error path, not an unmount). */
        mountFailed: ({ context }) => context.outcome === 'failed',
        holdsHolderFrozen: ({ context }) => holdsHolder(context) && context.frozen,
        nextIsThaw: ({ context, event }) => stepsOf(context, event)[0] === 'thaw',
        /**
         * The handler has not begun its walk: its next step is PRE_REMOVE's freeze, or memory_failure()'s walk itself (its
         * one step). 6.0's flags-0 shutdown and PRE_REMOVE's later steps are taken inside or after the walk.
         */
        walkNotBegun: ({ context, event }) => {
          const steps = stepsOf(context, event);
          return steps[0] === 'freeze' || (steps[0] === 'kill' && steps.length === 1);
        },
        /** A PRE_REMOVE handler's final xfs_force_shutdown() on a mount already shut down waits on its log (6.15 empty walk). */
        nextIsFreezeShutDown: ({ context, event }) => stepsOf(context, event)[0] === 'freeze' && context.shutdown,
        preRemoveShutDown: ({ context, event }) => event.mf === 'MF_MEM_PRE_REMOVE' && context.shutdown,
        bdevStillOpen: ({ context }) => context.bdev !== null && !context.bdevClosed,
        rmapbtOff: ({ context }) => !context.rmapbt,
        swapped: ({ event }) => event.swapped === true,
        wantsDaxCheck: ({ context }) => context.daxOption,
        limited: ({ context }) => context.limited,
        pgmapIsFsdax: ({ event }) => event.ok === true && event.pgmapType === 'FS_DAX',
        pgmapFound: ({ event }) => event.ok === true,
        failsWithoutDax: ({ context }) => context.fstype !== 'xfs',
        isXfs: ({ context }) => context.fstype === 'xfs',
        /** get_dev_pagemap() found a pgmap, which is not FS_DAX, and xfs turns DAX off. */
        xfsWithPgmap: ({ event, context }) => context.fstype === 'xfs' && event.ok === true,
        /** The lookup returned NULL (the v8/v9 claim reads ops through it anyway). */
        lookupReturnedNull: ({ event }) => event.ok !== true,
        /** fill_super failed (e.g. -EINVAL: not this filesystem type). */
        fillSuperFails: ({ event }) => event.ok !== true,
        /** mount -o dax on a device with struct pages: __bdev_dax_supported() asks get_dev_pagemap(). */
        daxOptionAsksPgmap: ({ context }) =>
          context.daxOption && era.daxSupportedChecksType && context.dax !== null && !context.limited && context.pfnPgmap !== null,
        /** mount -o dax without a dax_device, or with pfns that have no pgmap: ext2/ext4 fail the mount. */
        daxOptionUnsupported: ({ context }) =>
          context.daxOption &&
          context.fstype !== 'xfs' &&
          (context.dax === null || (era.daxSupportedChecksType && !context.limited && context.pfnPgmap === null)),
      },
      actions: {
        bdevGet: call('block_device', ({ context }) => context.bdev, { type: 'blkdev_get' }),
        bdevPut: call('block_device', ({ context }) => context.bdev, { type: 'blkdev_put' }),
        lookupByHost: call('dax_device', ({ context }) => context.disk, { type: 'dax_get_by_host' }),
        lookupByBdev: call(
          'dax_device',
          ({ context }) => context.disk,
          ({ context }) => ({
            type: 'fs_dax_get_by_bdev',
            holder: era.holder && context.fstype === 'xfs' ? context.name : null,
          }),
        ),
        rememberDax: assign(({ context, event }) => ({
          dax: context.disk,
          ops: (event.ops as string) ?? null,
          pgmap: (event.pgmap as string | null) ?? null,
          pfnPgmap: (event.pfnPgmap as string | null) ?? null,
          table: (event.table as string | null) ?? null,
          limited: event.limited === true,
        })),
        forgetDax: assign({ dax: null }),
        claimPgmap: call(
          'dev_pagemap',
          ({ event }) => event.pgmap as string,
          ({ context }) => ({ type: 'fs_dax_claim', owner: context.name }),
        ),
        dmClaim: call(
          'dm_table',
          ({ event }) => event.table as string,
          ({ context }) => ({ type: 'dm_dax_fs_claim', owner: context.name }),
        ),
        opsOfNull: call('dax_device', () => null, { type: 'fs_claim' }),
        slotHeldPgmap: assign(({ context }) => ({ slot: context.pgmap, slotState: 'held' as const })),
        slotDeniedPgmap: assign(({ context }) => ({ slot: context.pgmap, slotState: 'denied' as const })),
        slotHeldHolder: assign(({ context }) => ({ slot: context.disk, slotState: 'held' as const })),
        slotDeniedHolder: assign(({ context }) => ({ slot: context.disk, slotState: 'denied' as const })),
        putDax: call('dax_device', ({ context }) => context.dax, { type: 'put_dax' }),
        releaseOnNull: call('dax_device', ({ context }) => context.dax, { type: 'fs_dax_release' }),
        dmRelease: call(
          'dm_table',
          ({ context }) => context.table,
          ({ context }) => ({ type: 'dm_dax_fs_release', owner: context.name }),
        ),
        releasePgmap: call(
          'dev_pagemap',
          ({ context }) => context.pgmap,
          ({ context }) => ({ type: 'fs_dax_release_pgmap', owner: context.name }),
        ),
        holderCmpxchg: call(
          'dax_device',
          ({ context }) => context.dax,
          ({ context }) => ({ type: 'fs_put_dax_cmpxchg', holder: context.name }),
        ),
        holderClearOps: call('dax_device', ({ context }) => context.dax, { type: 'fs_put_dax_clear_ops' }),
        getPgmap: call('dev_pagemap', ({ context }) => context.pfnPgmap, { type: 'get_dev_pagemap' }),
        putPgmap: call('dev_pagemap', ({ context }) => context.pfnPgmap, { type: 'put_dev_pagemap' }),
        markFailed: assign({ outcome: 'failed' }),
        markMounted: assign({ outcome: 'mounted' }),
        markUnmounted: assign({ outcome: 'unmounted' }),
        markSwapped: assign({ holderSwapped: true }),
        released: assign({ dax: null, slot: null, slotState: null, holderSwapped: false }),
        /** holder_ops->notify_failure(dax_dev, off, len, mf_flags): what xfs_dax_notify_failure() will do. */
        /** A notifier that runs the handler step by step (kill_dax's) is told within the step whether any is left. */
        startNotify: enqueueActions(({ context, event, enqueue }) => {
          const plan = notifyPlan(context, event.mf as string, era.xfsMetadataRecord);
          enqueue(
            assign({
              killTold: context.killTold || killNotification(event),
              notifySteps: withSteps(context, event, plan),
            }),
          );
          if (event.stepwise === true) enqueue(reply({ type: 'notify_ret', more: plan.length > 0 }));
        }),
        /**
         * The handler returns before it walks anything: the mount is still in fill_super (SB_BORN not set, -EIO), no
         * rmapbt (-EOPNOTSUPP), or (6.15) the unmount freed every group, so the walk is empty.
         */
        notifyReturnsEarly: enqueueActions(({ context, event, enqueue }) => {
          enqueue(
            assign({
              killTold: context.killTold || killNotification(event),
              notifySteps: withSteps(context, event, []),
            }),
          );
          if (event.stepwise === true) enqueue(reply({ type: 'notify_ret', more: false }));
        }),
        /** 6.6-6.8 xfs_kill_sb(): kill_block_super() releases the main block device before fs_put_dax(); elsewhere nothing here. */
        releaseBdevEarly: enqueueActions(({ context, enqueue }) => {
          if (!era.xfsClosesBdevBeforeHolderPut) return;
          if (context.bdev !== null) enqueue(call('block_device', context.bdev, { type: 'blkdev_put' }));
          enqueue(assign({ bdevClosed: true }));
        }),
        /** The handler's last step, thaw_super(), runs the deferred teardown: it answers its notifier when fs_put_dax() returns. */
        thawIntoTeardown: enqueueActions(({ context, event, enqueue }) => {
          if (context.sbWriters) enqueue(call('rwsem', context.sbWriters, { type: 'up_write' }));
          enqueue(assign({ notifySteps: withSteps(context, event, []), frozen: false, answerAtPut: event.from ?? null }));
        }),
        /** fs_put_dax() returned: the handler that ran the teardown returns to its notifier. */
        answerDeferred: enqueueActions(({ context, enqueue }) => {
          if (context.answerAtPut === null) return;
          enqueue(call('caller', context.answerAtPut, { type: 'notify_ret', more: false }));
          enqueue(assign({ answerAtPut: null }));
        }),
        /** The rest of a handler that finds nothing to walk (6.15 after the teardown): it returns to the notifier. */
        finishHandler: enqueueActions(({ context, event, enqueue }) => {
          enqueue(assign({ notifySteps: withSteps(context, event, []), frozen: false }));
          enqueue(reply({ type: 'notify_ret', more: false }));
        }),
        /** The next step of the running handler, and its return to the notifier. */
        notifyStep: enqueueActions(({ context, event, enqueue }) => {
          const [step, ...rest] = stepsOf(context, event);
          // freeze_super(): sb_wait_write() waits for every sb_start_write() holder (a truncate in progress); thaw_super() lets them in.
          if (step === 'freeze' && context.sbWriters) enqueue(call('rwsem', context.sbWriters, { type: 'down_write' }));
          if (step === 'thaw' && context.sbWriters) enqueue(call('rwsem', context.sbWriters, { type: 'up_write' }));
          for (const f of context.files) {
            if (step === 'kill' || step === 'invalidate') {
              if (step === 'invalidate')
                for (const p of f.pages) enqueue(call('page', p, { type: 'dax_disassociate_entry', file: f.file, trunc: false }));
              for (const p of f.pages) enqueue(call('page', p, { type: 'zap_pte' }));
              enqueue(call('address_space', f.aspace, { type: 'flush_tlb' }));
            }
            if (step === 'shutdown') for (const b of f.blocks) enqueue(call('block', b, { type: 'fs_shutdown' }));
          }
          enqueue(
            assign({
              notifySteps: withSteps(context, event, rest),
              shutdown: context.shutdown || step === 'shutdown',
              frozen: step === 'freeze' ? true : step === 'thaw' ? false : context.frozen,
            }),
          );
          enqueue(reply({ type: 'notify_ret', more: rest.length > 0 }));
        }),
      },
    }).createMachine({
      id: 'filesystem',
      description: 'a DAX-capable filesystem (ext2/ext4/xfs) mounted on a block device and unmounted again',
      meta: m('mount_bdev', 'seed 000'),
      context: ({ input }) => ({
        name: input.name,
        fstype: input.fstype,
        unit: input.unit,
        daxOption: !!input.daxOption,
        bdev: input.bdev ?? null,
        disk: input.dax,
        dax: null,
        ops: null,
        pgmap: null,
        pfnPgmap: null,
        table: null,
        limited: false,
        slot: null,
        slotState: null,
        holderSwapped: false,
        shutdown: false,
        killTold: false,
        frozen: false,
        bdevClosed: false,
        answerAtPut: null,
        notifySteps: {},
        rmapbt: input.rmapbt ?? true,
        files: input.files ?? [],
        sbWriters: input.sbWriters ?? null,
        outcome: null,
        ...(input.mounted ? premounted(input, era.holder) : {}),
      }),
      initial: 'idle',
      states: {
        idle: {
          description: 'not mounted',
          meta: { fn: 'mount_bdev', src: 'infer', unaccepted: 'call into a superblock / xfs_mount that does not exist yet' },
          always: {
            guard: 'premounted',
            target: 'mounted',
            description: 'the filesystem was mounted before the system starts',
            meta: m('mount_bdev', 'infer'),
          },
          on: {
            mount: [
              {
                guard: 'hasBdev',
                target: 'opening',
                actions: 'bdevGet',
                description: 'mount(2): mount_bdev() opens the block device (blkdev_get)',
                meta: m('mount_bdev', 'infer', ADMIN_MOUNTS),
              },
              {
                target: 'lookup',
                description: 'mount(2): mount_bdev() opens the block device',
                meta: m('mount_bdev', 'infer', ADMIN_MOUNTS),
              },
            ],
          },
        },
        opening: {
          description: 'waiting for the block device open (within the same step)',
          on: {
            blkdev: [
              {
                guard: 'found',
                target: 'lookup',
                description: 'the block device is open',
                meta: m(fnOf(rev, 'blkdev_get', 'blkdev_get_by_dev', 'bdev_open_by_dev', 'bdev_file_open_by_dev'), 'infer'),
              },
              {
                target: 'done',
                actions: 'markFailed',
                description: 'no such device: mount fails with -ENXIO before fill_super',
                meta: m('mount_bdev', 'infer'),
              },
            ],
          },
        },
        lookup: {
          description: `fill_super: looking up the dax_device of the block device`,
          always: [
            {
              guard: 'noDaxQueue',
              target: 'filling',
              description: '!blk_queue_dax(bdev->bd_queue): not a DAX disk, the lookup returns NULL',
              meta: m(era.claimsPgmap ? 'fs_dax_claim_bdev' : 'fs_dax_get_by_bdev', era.claimsPgmap ? 'seed 004' : getSrc),
            },
            era.holder
              ? {
                  target: 'looking',
                  actions: 'lookupByBdev',
                  description: 'fs_dax_get_by_bdev(bdev, &part_off, holder, ops): xfs registers itself as holder, ext2/ext4 pass NULL',
                  meta: m('fs_dax_get_by_bdev', 'drivers/dax/super.c'),
                }
              : {
                  target: 'looking',
                  actions: 'lookupByHost',
                  description: era.claimsPgmap
                    ? 'fs_dax_claim_bdev(): dax_dev = fs_dax_get_by_host(bdev->bd_disk->disk_name)'
                    : 'fs_dax_get_by_bdev() -> fs_dax_get_by_host(bdev->bd_disk->disk_name)',
                  meta: m(era.claimsPgmap ? 'fs_dax_claim_bdev' : 'fs_dax_get_by_bdev', era.claimsPgmap ? 'seed 004' : getSrc),
                },
          ],
        },
        looking: {
          description: 'waiting for the lookup (within the same step)',
          on: {
            dax_ref: era.claimsPgmap
              ? [
                  {
                    guard: 'lookupReturnedNull',
                    actions: 'opsOfNull',
                    description: 'fs_dax_claim_bdev(): the lookup returned NULL, and dax_dev->ops->fs_claim is read anyway',
                    meta: m('fs_dax_claim_bdev', 'seed 004'),
                  },
                  {
                    guard: 'viaDm',
                    target: 'dmClaiming',
                    actions: ['rememberDax', 'dmClaim'],
                    description: 'dax_dev->ops->fs_claim: dm_dax_fs_claim() claims every member device of the live table',
                    meta: m('fs_dax_claim_bdev', 'seed 004'),
                  },
                  {
                    guard: 'hasPgmap',
                    target: 'claiming',
                    actions: ['rememberDax', 'claimPgmap'],
                    description: 'fs_dax_claim(dax_dev, owner) under devmap_lock',
                    meta: m('fs_dax_claim', 'seed 004'),
                  },
                  {
                    target: 'filling',
                    actions: 'rememberDax',
                    description: 'fs_dax_claim(): no dax_dev->pgmap (FS_DAX_LIMITED): nothing to claim, return dax_dev',
                    meta: m('fs_dax_claim', 'seed 004'),
                  },
                ]
              : era.holder
                ? [
                    {
                      guard: 'found',
                      target: 'holderGot',
                      actions: 'rememberDax',
                      description: 'fs_dax_get_by_bdev() returned the device',
                      meta: m('fs_dax_get_by_bdev', 'drivers/dax/super.c'),
                    },
                    {
                      guard: 'holderAsked',
                      target: 'filling',
                      actions: 'slotDeniedHolder',
                      description: 'fs_dax_get_by_bdev(): NULL: dead, or another holder owns holder_data: this mount goes on without DAX',
                      meta: m('fs_dax_get_by_bdev', 'drivers/dax/super.c'),
                    },
                    {
                      target: 'filling',
                      description: 'fs_dax_get_by_bdev(): NULL: no DAX for this mount',
                      meta: m('fs_dax_get_by_bdev', 'drivers/dax/super.c'),
                    },
                  ]
                : [
                    {
                      guard: 'found',
                      target: 'filling',
                      actions: 'rememberDax',
                      description: 'fs_dax_get_by_bdev(): a referenced dax_device',
                      meta: m('fs_dax_get_by_bdev', getSrc),
                    },
                    {
                      target: 'filling',
                      description: 'fs_dax_get_by_bdev(): NULL (not alive or not published)',
                      meta: m('fs_dax_get_by_bdev', getSrc),
                    },
                  ],
          },
        },
        holderGot: {
          description: 'fs_dax_get_by_bdev() returned the device (within the same step)',
          always: [
            {
              guard: 'holderAsked',
              target: 'filling',
              actions: 'slotHeldHolder',
              description: 'this mount is the holder of the dax_device',
              meta: m('fs_dax_get_by_bdev', 'drivers/dax/super.c'),
            },
            { target: 'filling', description: 'no holder asked', meta: m('fs_dax_get_by_bdev', 'drivers/dax/super.c') },
          ],
        },
        claiming: {
          description: 'waiting for fs_dax_claim() (within the same step)',
          on: {
            fs_dax_claim: [
              {
                guard: 'claimBusy',
                target: 'filling',
                actions: ['putDax', 'forgetDax', 'slotDeniedPgmap'],
                description: 'fs_dax_claim(): pgmap owned by someone else: put_dax(dax_dev), return NULL; the mount goes on without DAX',
                meta: m('fs_dax_claim', 'seed 004'),
              },
              {
                target: 'filling',
                actions: 'slotHeldPgmap',
                description: 'fs_dax_claim(): this mount owns the pgmap',
                meta: m('fs_dax_claim', 'seed 004'),
              },
            ],
          },
        },
        dmClaiming: {
          description: 'waiting for dm_dax_fs_claim() (within the same step)',
          on: {
            dm_fs_claimed: { target: 'filling', description: 'dm_dax_iterate() returns dax_dev', meta: m('dm_dax_fs_claim', 'seed 004') },
          },
        },
        filling: {
          description: `fill_super with the dax_device (or NULL) in hand: reading the superblock, mount options`,
          meta: m('mount_bdev', 'seed 000'),
          on: {
            ...notified(false),
            fill_super: [
              {
                guard: 'fillSuperFails',
                target: 'releasing',
                actions: 'markFailed',
                description:
                  'fill_super fails (e.g. -EINVAL: not this filesystem type, as when the root mount tries each type): goto the error path',
                meta: m('ext4_fill_super', 'seed 000', FS_CODE_RUNS),
              },
              {
                guard: 'daxOptionAsksPgmap',
                target: 'daxCheck',
                actions: 'getPgmap',
                description: 'mount -o dax: __bdev_dax_supported(): pgmap = get_dev_pagemap(pfn)',
                meta: m('__bdev_dax_supported', 'seed 001', FS_CODE_RUNS),
              },
              {
                guard: 'daxOptionUnsupported',
                target: 'releasing',
                actions: 'markFailed',
                description:
                  'mount -o dax without a dax_device, or with pfns that have no pgmap: "DAX unsupported by block device", goto failed_mount',
                meta: m('ext4_fill_super', 'seed 001', FS_CODE_RUNS),
              },
              {
                target: 'mounted',
                actions: 'markMounted',
                description: 'fill_super succeeds',
                meta: m('mount_bdev', 'seed 000', FS_CODE_RUNS),
              },
            ],
          },
        },
        daxCheck: {
          description: 'waiting for get_dev_pagemap() (within the same step)',
          on: {
            get_dev_pagemap: [
              {
                guard: 'pgmapIsFsdax',
                target: 'mounted',
                actions: ['putPgmap', 'markMounted'],
                description: 'pgmap->type == MEMORY_DEVICE_FS_DAX: supported; put_dev_pagemap(pgmap)',
                meta: m('__bdev_dax_supported', 'seed 001'),
              },
              {
                guard: 'xfsWithPgmap',
                target: 'mounted',
                actions: ['putPgmap', 'markMounted'],
                description: 'not MEMORY_DEVICE_FS_DAX: put_dev_pagemap(); -EOPNOTSUPP, xfs turns DAX off and mounts',
                meta: m(fnOf(rev, 'xfs_fs_fill_super', 'xfs_fc_fill_super'), 'seed 001'),
              },
              {
                guard: 'isXfs',
                target: 'mounted',
                actions: 'markMounted',
                description: 'no pgmap (put_dev_pagemap(NULL) is a no-op): -EOPNOTSUPP, xfs turns DAX off and mounts',
                meta: m(fnOf(rev, 'xfs_fs_fill_super', 'xfs_fc_fill_super'), 'seed 001'),
              },
              {
                guard: 'pgmapFound',
                target: 'releasing',
                actions: ['putPgmap', 'markFailed'],
                description:
                  'not MEMORY_DEVICE_FS_DAX: put_dev_pagemap(); -EOPNOTSUPP, "DAX unsupported by block device", goto failed_mount',
                meta: m('ext4_fill_super', 'seed 001'),
              },
              {
                target: 'releasing',
                actions: 'markFailed',
                description: 'no pgmap: -EOPNOTSUPP, goto failed_mount',
                meta: m('ext4_fill_super', 'seed 001'),
              },
            ],
          },
        },
        mounted: {
          description: 'mounted; holds its dax_device pointer (or NULL) in the superblock',
          on: {
            ...notified(),
            umount: [
              {
                guard: 'holdsHolderFrozen',
                target: 'umountDeferred',
                actions: 'markUnmounted',
                description:
                  "umount(2) while notify_failure's freeze_super(FREEZE_HOLDER_KERNEL) holds an active reference: deactivate_super() " +
                  "drops only umount's own, the superblock lives on until the handler's thaw_super(FREEZE_HOLDER_KERNEL)",
                meta: m('deactivate_super', 'fs/super.c, fs/xfs/xfs_notify_failure.c (6.8, 6.15)', ADMIN_MOUNTS),
              },
              {
                guard: 'holdsHolder',
                target: 'tornDown',
                actions: 'markUnmounted',
                description:
                  'umount: generic_shutdown_super() -> xfs_fs_put_super() -> xfs_unmountfs(): the log and the allocation groups are ' +
                  'freed; the dax_device holder slot is given back later (xfs_free_buftarg -> fs_put_dax)',
                meta: m('xfs_fs_put_super', 'fs/xfs/xfs_super.c, fs/xfs/xfs_mount.c (6.0, 6.8, 6.15)', ADMIN_MOUNTS),
              },
              {
                target: 'releasing',
                actions: 'markUnmounted',
                description: 'umount: put_super / xfs_close_devices',
                meta: m('generic_shutdown_super', 'infer', ADMIN_MOUNTS),
              },
            ],
          },
        },
        tornDown: {
          description:
            "xfs_unmountfs() has freed the allocation groups and the log; the holder slot is still this mount's: fs_put_dax() runs " +
            'from xfs_close_devices() at the end of put_super (6.0), from xfs_mount_free() in ->kill_sb: after the main block device ' +
            'was released (6.6-6.8), before its close, which bdev_fput() defers past ->kill_sb (6.9+)',
          meta: {
            fn: 'xfs_fs_put_super',
            src: 'fs/xfs/xfs_super.c',
          },
          on: {
            ...notifiedAfterUnmount(),
            ...(era.xfsClosesBdevBeforeHolderPut
              ? {
                  kill_block_super: {
                    target: 'bdevReleased',
                    actions: 'releaseBdevEarly',
                    description: 'xfs_kill_sb() -> kill_block_super(): after generic_shutdown_super(), the main block device is released',
                    meta: m(fnOf(rev, 'blkdev_put', 'bdev_fput', 'bdev_release'), 'fs/super.c kill_block_super (6.8)', FS_CODE_RUNS),
                  },
                }
              : {
                  free_buftarg: {
                    target: 'releasing',
                    description:
                      'xfs_free_buftarg() of the data device -> fs_put_dax(): 6.0 from xfs_close_devices() at the end of put_super, 6.9+ ' +
                      "from xfs_mount_free() in ->kill_sb (the block device's close, deferred by bdev_fput(), comes after)",
                    meta: m('xfs_free_buftarg', 'fs/xfs/xfs_super.c, fs/xfs/xfs_buf.c (6.0, 6.15)', FS_CODE_RUNS),
                  },
                }),
          },
        },
        bdevReleased: {
          description:
            'xfs_kill_sb(): kill_block_super() released the main block device; xfs_mount_free() -> xfs_free_buftarg() -> fs_put_dax() ' +
            "still to come, the holder slot still this mount's",
          meta: {
            fn: 'xfs_kill_sb',
            src: 'fs/xfs/xfs_super.c (6.8, 6.15)',
          },
          on: {
            ...notifiedAfterUnmount(),
            free_buftarg: {
              target: 'releasing',
              description: 'xfs_mount_free(): xfs_free_buftarg() of the data device -> fs_put_dax(), then the xfs_mount is freed',
              meta: m('xfs_free_buftarg', 'fs/xfs/xfs_super.c, fs/xfs/xfs_buf.c (6.8, 6.15)', FS_CODE_RUNS),
            },
          },
        },
        umountDeferred: {
          description:
            "umount(2) has returned, but notify_failure's kernel freeze keeps the superblock active: the handler goes on, and its " +
            'thaw_super(FREEZE_HOLDER_KERNEL) runs the teardown',
          on: {
            ...notified(),
            notify_step: [
              {
                guard: 'nextIsThaw',
                target: 'releasing',
                actions: ['thawIntoTeardown', 'releaseBdevEarly'],
                description: DEFERRED_TEARDOWN,
                meta: m('thaw_super', 'fs/super.c, fs/xfs/xfs_super.c xfs_kill_sb (6.8, 6.15)', FS_CODE_RUNS),
              },
              notified().notify_step,
            ],
          },
        },
        uafHandlerStep: {
          tags: ['violation'],
          description:
            "use after free: the notify handler's next step runs on a mount whose allocation groups and log xfs_unmountfs() freed " +
            '(it held an allocation group across the teardown, or its shutdown waits on the freed log). Narrow at 6.0: the unmount ' +
            "usually waits in xfs_buftarg_drain() for the handler's AGF buffer, and then nothing fails; only an AGF off the buffer " +
            'LRU (reclaimed) lets the teardown pass',
          meta: {
            fn: 'xfs_dax_notify_ddev_failure',
            src: 'fs/xfs/xfs_notify_failure.c, fs/xfs/xfs_mount.c (6.0, 6.8, 6.15)',
            unaccepted: 'call after the use after free',
            severity: 'oops',
          },
        },
        oopsShutdownWait: {
          tags: ['violation'],
          description:
            "BUG: kernel NULL pointer dereference in xlog_shutdown_wait(): the PRE_REMOVE handler's xfs_force_shutdown() finds the " +
            'mount already shut down and waits on its log, which xfs_unmountfs() freed (mp->m_log is NULL)',
          meta: {
            fn: 'xfs_force_shutdown',
            src: 'fs/xfs/xfs_fsops.c, fs/xfs/xfs_log.c (6.15)',
            unaccepted: 'call after the NULL pointer dereference',
            severity: 'oops',
          },
        },
        oopsWalkFreed: {
          tags: ['violation'],
          description:
            'BUG: kernel NULL pointer dereference in xfs_alloc_read_agf(): xfs_dax_notify_ddev_failure() walks the allocation groups ' +
            'of a mount whose xfs_unmountfs() freed them: xfs_perag_get() returns NULL and the loop passes it on unchecked',
          meta: {
            fn: 'xfs_dax_notify_ddev_failure',
            src: 'fs/xfs/xfs_notify_failure.c (6.0, 6.8)',
            unaccepted: 'call after the NULL pointer dereference',
            severity: 'oops',
          },
        },
        releasing: {
          description: 'error path or put_super: giving back the dax_device (within the same step)',
          always: releaseTransitions(),
        },
        clearOps: {
          description: 'fs_put_dax(): the cmpxchg of holder_data won, holder_ops not yet cleared',
          on: {
            ...notifiedAfterUnmount(),
            fs_put_dax_clear_ops: {
              target: 'closing',
              actions: ['holderClearOps', 'putDax', 'released', 'answerDeferred'],
              description: 'fs_put_dax(): dax_dev->holder_ops = NULL; put_dax(dax_dev)',
              meta: m('fs_put_dax', 'drivers/dax/super.c', FS_CODE_RUNS),
            },
          },
        },
        holderCmpxchg: {
          description: 'waiting for the cmpxchg (within the same step)',
          on: {
            holder_cmpxchg: [
              {
                guard: 'swapped',
                target: 'clearOps',
                description: 'cmpxchg(holder_data, holder, NULL) == holder',
                meta: m('fs_put_dax', 'drivers/dax/super.c'),
              },
              {
                target: 'closing',
                actions: ['putDax', 'released', 'answerDeferred'],
                description: 'holder_data was not ours any more (kill_dax cleared it): put_dax(dax_dev)',
                meta: m('fs_put_dax', 'drivers/dax/super.c'),
              },
            ],
          },
        },
        closing: {
          description: 'dax_device given back; closing the block device (within the same step)',
          always: [
            {
              guard: 'bdevStillOpen',
              target: 'done',
              actions: 'bdevPut',
              description: 'blkdev_put(): the block device is closed',
              meta: m(fnOf(rev, 'blkdev_put', 'bdev_fput', 'bdev_release'), 'infer'),
            },
            {
              target: 'done',
              description: 'the block device is closed',
              meta: m(fnOf(rev, 'blkdev_put', 'bdev_fput', 'bdev_release'), 'infer'),
            },
          ],
        },
        done: {
          type: 'final',
          description: 'mount failed or unmounted: nothing held, the superblock / xfs_mount is freed',
          meta: {
            fn: 'generic_shutdown_super',
            src: 'infer',
            unaccepted: 'use after free: the superblock / xfs_mount was freed at unmount',
          },
        },
      },
    }),
    'fs/ext4/super.c, fs/ext2/super.c, fs/xfs/xfs_super.c',
    FS_DOCS,
  );

  /**
   * holder_ops->notify_failure() reaching this mount (`notify_failure`), then its handler's steps
   * (`notify_step`), each answered with `notify_ret` to the notifier that runs it.
   */
  function notified(born = true) {
    return {
      notify_failure: born
        ? ({
            actions: 'startNotify',
            description:
              'xfs_dax_notify_failure(): mp = dax_holder(dax_dev); needs rmapbt (else -EOPNOTSUPP); a whole-device notification walks the reverse map',
            meta: m('xfs_dax_notify_failure', SRC_NOTIFY),
          } as const)
        : ({
            actions: 'notifyReturnsEarly',
            description:
              'xfs_dax_notify_failure(): !(mp->m_super->s_flags & SB_BORN): "filesystem is not ready for notify_failure()!", -EIO',
            meta: m('xfs_dax_notify_failure', SRC_NOTIFY),
          } as const),
      notify_step: {
        actions: 'notifyStep',
        description:
          'the next step of xfs_dax_notify_failure(): freeze_super, mf_dax_kill_procs (unmap, SIGBUS), invalidate_inode_pages2_range, ' +
          'xfs_force_shutdown, thaw_super, as the flags and rmapbt decide; or its return',
        meta: m('xfs_dax_notify_ddev_failure', SRC_NOTIFY),
      },
    } as const;
  }

  /**
   * holder_ops->notify_failure() reaching a mount that is being given up while it is still the holder: after
   * xfs_unmountfs() (tornDown, and clearOps on the unmount path) or on fill_super's error path (clearOps, SB_BORN
   * never set). Only the first call is taken: a handler begun before the teardown has no next step to take here.
   */
  function notifiedAfterUnmount() {
    const SRC_EMPTY = 'fs/xfs/xfs_notify_failure.c, fs/super.c freeze_super (6.15)';
    const oopsWalk = {
      target: 'oopsWalkFreed',
      description:
        'xfs_dax_notify_ddev_failure(): SB_BORN is still set, so the walk starts: xfs_perag_get(mp, agno) finds no allocation ' +
        'group (xfs_unmountfs freed them) and xfs_alloc_read_agf() is handed NULL (6.8 MF_MEM_PRE_REMOVE: freeze_super() first ' +
        "waits for the unmount's s_umount, then WARNs on the dying superblock and the handler goes on)",
      meta: m('xfs_dax_notify_ddev_failure', 'fs/xfs/xfs_notify_failure.c, fs/xfs/libxfs/xfs_alloc.c (6.0, 6.8)'),
    } as const;
    const oopsShutdown = {
      target: 'oopsShutdownWait',
      description:
        'xfs_dax_notify_dev_failure(): the walk finds no group; MF_MEM_PRE_REMOVE then calls xfs_force_shutdown() on a mount ' +
        'already shut down, which waits on the freed log',
      meta: m('xfs_force_shutdown', SRC_EMPTY),
    } as const;
    return {
      notify_failure: [
        {
          guard: 'mountFailed',
          actions: 'notifyReturnsEarly',
          description: 'xfs_dax_notify_failure(): the mount failed before SB_BORN: "filesystem is not ready for notify_failure()!", -EIO',
          meta: m('xfs_dax_notify_failure', SRC_NOTIFY),
        },
        {
          guard: 'rmapbtOff',
          actions: 'notifyReturnsEarly',
          description: 'xfs_dax_notify_failure(): no rmapbt: -EOPNOTSUPP before anything of the mount is read',
          meta: m('xfs_dax_notify_failure', SRC_NOTIFY),
        },
        ...(era.xfsNotifyAfterUnmount === 'nullDeref'
          ? [oopsWalk]
          : [
              { ...oopsShutdown, guard: 'preRemoveShutDown' as const },
              {
                actions: 'notifyReturnsEarly',
                description:
                  'xfs_dax_notify_dev_failure(): xfs_group_next_range() finds no group (xfs_unmountfs freed them): the walk is empty, ' +
                  '0 returned (MF_MEM_PRE_REMOVE: freeze_super() and thaw_super() WARN on the dying superblock, and the shutdown ' +
                  'of a mount not yet shut down only logs)',
                meta: m('xfs_dax_notify_failure', SRC_EMPTY),
              } as const,
            ]),
      ],
      // A handler that was told before the teardown and had not begun its walk (walkNotBegun) meets the torn
      // down mount as a new notification would; a handler inside its walk, or past it, uses what xfs_unmountfs() freed.
      notify_step: [
        ...(era.xfsNotifyAfterUnmount === 'nullDeref'
          ? [{ ...oopsWalk, guard: 'walkNotBegun' as const }]
          : [
              { ...oopsShutdown, guard: 'nextIsFreezeShutDown' as const },
              {
                guard: 'walkNotBegun',
                actions: 'finishHandler',
                description:
                  'the handler, told before the teardown, begins its walk now and finds no group (PRE_REMOVE: freeze_super and ' +
                  'thaw_super WARN on the dying superblock, the shutdown of a mount not yet shut down only logs): it returns 0',
                meta: m('xfs_dax_notify_failure', SRC_EMPTY),
              } as const,
            ]),
        {
          target: 'uafHandlerStep',
          description:
            "the handler's next step (inside its walk, or past it) runs on what xfs_unmountfs() freed: the allocation group it " +
            'holds, the log its shutdown waits on',
          meta: m('xfs_dax_notify_ddev_failure', 'fs/xfs/xfs_notify_failure.c, fs/xfs/xfs_mount.c xfs_unmountfs (6.0, 6.8, 6.15)'),
        } as const,
      ],
    } as const;
  }

  /** The release of the error path and of put_super, by era. */
  function releaseTransitions() {
    const fn = era.claimsPgmap ? 'fs_dax_release' : 'fs_put_dax';
    if (era.claimsPgmap) {
      return [
        ...(era.releaseChecksNull
          ? ([
              {
                guard: 'daxNull',
                target: 'closing',
                actions: 'released',
                description: 'fs_dax_release(NULL, owner): the NULL check returns',
                meta: m(fn, 'v9'),
              },
            ] as const)
          : ([
              {
                guard: 'daxNull',
                target: 'closing',
                actions: 'releaseOnNull',
                description: 'fs_dax_release(NULL, owner) reads dax_dev->ops->fs_release',
                meta: m(fn, 'seed 000'),
              },
            ] as const)),
        {
          guard: 'ctxViaDm',
          target: 'closing',
          actions: ['dmRelease', 'released'],
          description: 'dax_dev->ops->fs_release: dm_dax_fs_release() releases every member of the live table',
          meta: m(fn, 'seed 004'),
        },
        {
          guard: 'ctxHasPgmap',
          target: 'closing',
          actions: ['putDax', 'releasePgmap', 'released'],
          description: '__fs_dax_release(): put_dax(dax_dev); if pgmap->data, revert the claim under devmap_lock',
          meta: m('__fs_dax_release', 'seed 004'),
        },
        {
          target: 'closing',
          actions: ['putDax', 'released'],
          description: '__fs_dax_release(): put_dax(dax_dev), no pgmap',
          meta: m('__fs_dax_release', 'seed 004'),
        },
      ] as const;
    }
    return [
      {
        guard: 'daxNull',
        target: 'closing',
        actions: 'released',
        description: 'fs_put_dax(NULL): put_dax ignores NULL',
        meta: m(fn, 'seed 000'),
      },
      ...(era.holder
        ? ([
            {
              guard: 'holdsHolder',
              target: 'holderCmpxchg',
              actions: 'holderCmpxchg',
              description: 'fs_put_dax(dax_dev, holder): cmpxchg(&dax_dev->holder_data, holder, NULL)',
              meta: m(fn, 'drivers/dax/super.c'),
            },
          ] as const)
        : []),
      {
        target: 'closing',
        actions: ['putDax', 'released'],
        description: 'fs_put_dax(dax_dev): put_dax()',
        meta: m(fn, era.holder ? 'drivers/dax/super.c' : 'seed 000'),
      },
    ] as const;
  }
});
