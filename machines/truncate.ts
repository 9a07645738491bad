import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { call } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS, idleKey, type Filesystem } from './eras.ts';
import {
  askIdle,
  deleteEntries,
  freeBlocks,
  noteBusy,
  scanFields,
  scanFinishedBusy,
  scanFinishedIdle,
  scanPages,
  scanningState,
  zapAll,
  type ScanContext,
} from './layoutScan.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * truncate(2) / fallocate(PUNCH_HOLE) of a DAX file (xfs_setattr_size,
 * xfs_free_file_space; ext4_setattr and ext2_setsize have the same shape and
 * differ in whether, and since when, they break layouts: see PageEra.truncateBreaksLayouts in eras.ts).
 *
 * 1. Take the I/O lock and the mmap (invalidate) lock exclusive.
 * 2. Break layouts (v8..6.14: xfs_break_dax_layouts over dax_layout_busy_page();
 *    6.15: dax_break_layout()): unmap, find the first busy page, and if there is
 *    one, ___wait_var_event() on it, whose callback drops only the mmap lock,
 *    schedules, and retakes it; then scan again. The v8/v9 series scan again only if the
 *    wait slept (did_unlock, set in xfs_wait_dax_page): a page already idle at the first
 *    test ends the loop, and the pages after it are never examined (eras.ts breakRescanNeedsSleep).
 *    4.18..6.14: dax_layout_busy_page() returns "nothing busy" at once when no VMA
 *    maps the file (mapping_mapped() false) or under FS_DAX_LIMITED.
 *    4.16, 4.17: there is no such step (4.17 fs/dax.c has no dax_layout_busy_page).
 * 3. Delete the DAX entries (truncate_inode_pages / dax_delete_mapping_range), free
 *    the blocks (xfs_itruncate_extents), unlock.
 *
 * Not modelled: the wait is TASK_INTERRUPTIBLE, so a fatal signal ends it with
 * -ERESTARTSYS (truncate fails, nothing freed). With signals in the model every sleeper
 * could always leave, and a lost wake-up would show only as I8, not as a truncate that
 * hangs until someone kills it, which is how users meet it.
 */
export interface TruncateContext extends ScanContext {
  file: string;
  aspace: string;
  blocks: string[];
  iolock: string;
  mmaplock: string;
  /** The kernel is built with FS_DAX_LIMITED (s390 dcssblk): dax_layout_busy_page returns NULL. */
  limited: boolean;
  /** The superblock's sb_writers (SB_FREEZE_WRITE) lock, where the scenario has one: a frozen filesystem blocks a truncate. */
  sbWriters: string | null;
  /**
   * The v9/v11 series' did_unlock: set only by xfs_wait_dax_page(), i.e. only when this pass
   * slept; cleared when the pass starts. Always false in the other eras (they do not read it).
   */
  slept: boolean;
}

export interface TruncateInput {
  file: string;
  aspace: string;
  pages: string[];
  blocks: string[];
  iolock: string;
  mmaplock: string;
  limited?: boolean;
  /** sb_writers as an rwsem actor: ftruncate's sb_start_write() takes it shared, freeze_super() exclusive. */
  sbWriters?: string | null;
}

export type TruncateEvent =
  | { type: 'truncate' }
  | { type: 'break_layouts' }
  | { type: 'wait_var_event' }
  | { type: 'relock' }
  | { type: 'truncate_setsize' }
  | { type: 'itruncate_extents' }
  | { type: 'mapping_mapped'; value: boolean; from?: string }
  | { type: 'busy'; page: string; busy: boolean; from?: string }
  | { type: 'idle'; page: string; idle: boolean; from?: string }
  | { type: 'wake_up_var'; key: string; from?: string };

const XFS = 'infer: fs/xfs/xfs_iops.c xfs_vn_setattr_size, fs/xfs/xfs_file.c xfs_break_layouts';
const BUSY = 'infer: 4.18 fs/dax.c dax_layout_busy_page';
const BREAK = 'infer: 6.15 fs/dax.c dax_break_layout';
const RESCAN_SRC =
  'posting: [PATCH v9 9/9] and [PATCH v11 7/7] xfs, dax: introduce xfs_break_dax_layouts() (did_unlock set in xfs_wait_dax_page)';

/** The kernel code each filesystem's truncate runs, for descriptions. */
const FS_TEXT: Record<Filesystem, { setattr: string; iolock: string; mmaplock: string; wait: string; free: string; src: string }> = {
  xfs: {
    setattr: 'xfs_vn_setattr',
    iolock: 'XFS_IOLOCK_EXCL',
    mmaplock: 'XFS_MMAPLOCK_EXCL',
    wait: 'xfs_wait_dax_page',
    free: 'xfs_itruncate_extents',
    src: XFS,
  },
  ext4: {
    setattr: 'ext4_setattr',
    iolock: 'inode_lock (i_rwsem)',
    mmaplock: 'i_mmap_sem / invalidate_lock',
    wait: 'ext4_wait_dax_page',
    free: 'ext4_truncate',
    src: 'infer: fs/ext4/inode.c ext4_setattr, ext4_break_layouts (commit 430657b6be89, v4.19)',
  },
  ext2: {
    setattr: 'ext2_setsize',
    iolock: 'inode_lock (i_rwsem)',
    mmaplock: 'dax_sem / invalidate_lock',
    wait: 'none',
    free: '__ext2_truncate_blocks',
    src: 'infer: fs/ext2/inode.c ext2_setsize',
  },
};

export const truncateMachine = oncePer(function truncateMachine(rev: Revision, fs: Filesystem = 'xfs') {
  const era = {
    breakLayouts: ERAS[rev].page.truncateBreaksLayouts[fs],
    // Only xfs's loop has the flag; ext4_break_layouts() always rescans.
    rescanNeedsSleep: ERAS[rev].page.breakRescanNeedsSleep && fs === 'xfs',
  };
  const t = FS_TEXT[fs];
  const scanSrc = era.breakLayouts === 'breakLayout' ? BREAK : BUSY;

  return setup({
    types: {} as { context: TruncateContext; events: TruncateEvent; input: TruncateInput },
    guards: {
      limited: ({ context }) => context.limited,
      mapped: ({ event }) => {
        assertEvent(event, 'mapping_mapped');
        return event.value;
      },
      scanFinishedBusy,
      scanFinishedIdle,
      /** v9/v11 series: the page was idle at the first test, before any sleep: did_unlock stays false. */
      idleBeforeSleep: ({ context, event }) => {
        assertEvent(event, 'idle');
        return era.rescanNeedsSleep && event.idle && !context.slept;
      },
      idle: ({ event }) => {
        assertEvent(event, 'idle');
        return event.idle;
      },
      myKey: ({ context, event }) => {
        assertEvent(event, 'wake_up_var');
        return event.key === context.waitKey;
      },
    },
    actions: {
      lockAll: enqueueActions(({ context, enqueue }) => {
        // do_sys_ftruncate(): sb_start_write() before do_truncate() takes the inode locks.
        if (context.sbWriters) enqueue(call('rwsem', context.sbWriters, { type: 'down_read' }));
        enqueue(call('rwsem', context.iolock, { type: 'down_write' }));
        enqueue(call('rwsem', context.mmaplock, { type: 'down_write' }));
      }),
      unlockAll: enqueueActions(({ context, enqueue }) => {
        enqueue(call('rwsem', context.mmaplock, { type: 'up_write' }));
        enqueue(call('rwsem', context.iolock, { type: 'up_write' }));
        if (context.sbWriters) enqueue(call('rwsem', context.sbWriters, { type: 'up_read' }));
      }),
      dropMmapLock: call('rwsem', ({ context }) => context.mmaplock, { type: 'up_write' }),
      takeMmapLock: call('rwsem', ({ context }) => context.mmaplock, { type: 'down_write' }),
      askMapped: call('address_space', ({ context }) => context.aspace, { type: 'mapping_mapped' }),
      skipScan: assign({ scanned: false, busyPage: null }),
      scanPages,
      noteBusy,
      askIdle,
      sleepOnPage: assign({
        waitKey: ({ context }) => (context.busyPage ? idleKey(rev, context.busyPage) : null),
        slept: era.rescanNeedsSleep,
      }),
      clearWait: assign({ waitKey: null }),
      clearSlept: assign({ slept: false }),
      deleteEntries,
      zapAll,
      freeBlocks,
    },
  }).createMachine({
    id: 'truncate',
    description: `truncate / hole punch of a DAX file on ${fs}: break layouts, delete the DAX entries, free the blocks`,
    meta: { fn: t.setattr, src: t.src },
    context: ({ input }) => ({
      file: input.file,
      aspace: input.aspace,
      blocks: input.blocks,
      iolock: input.iolock,
      mmaplock: input.mmaplock,
      limited: input.limited ?? false,
      sbWriters: input.sbWriters ?? null,
      slept: false,
      ...scanFields(input.pages),
    }),
    initial: 'start',
    on: {
      wake_up_var: {
        description: 'a wake-up for a key this task is not sleeping on: the wait queue entry does not match',
        meta: { fn: 'wake_up_var', src: 'infer: kernel/sched/wait_bit.c var_wake_function' },
      },
    },
    states: {
      start: {
        description: 'truncate not started',
        meta: { condition: 'neither XFS_IOLOCK_EXCL nor XFS_MMAPLOCK_EXCL held by this task', fn: t.setattr, src: t.src },
        on: {
          truncate: {
            target: 'locked',
            actions: 'lockAll',
            description: `${t.setattr}(): take ${t.iolock} and ${t.mmaplock}: no new I/O, no new faults`,
            meta: { fn: t.setattr, src: t.src, fairness: 'none', why: 'whether a process truncates the file is its choice' },
          },
        },
      },
      locked: {
        description: 'I/O lock and mmap lock held exclusive',
        meta: { condition: `${t.iolock} and ${t.mmaplock} held`, fn: t.setattr, src: t.src },
        on:
          era.breakLayouts === 'none'
            ? {
                truncate_setsize: {
                  target: 'entriesGone',
                  actions: ['zapAll', 'deleteEntries'],
                  description: 'truncate_pagecache(): unmap every PTE, drop the DAX entries; nobody looks at page references',
                  meta: { fn: 'truncate_pagecache', src: fs === 'xfs' ? 'infer: 4.17 fs/xfs/xfs_iops.c xfs_setattr_size' : t.src },
                },
              }
            : {
                break_layouts: [
                  {
                    guard: 'limited',
                    target: 'layoutBroken',
                    actions: 'skipScan',
                    description:
                      'FS_DAX_LIMITED: "get_user_pages() for dax is disabled": dax_layout_busy_page() returns NULL without looking',
                    meta: { fn: 'dax_layout_busy_page', src: scanSrc },
                  },
                  era.breakLayouts === 'busyPage'
                    ? {
                        target: 'checkingMapped',
                        actions: 'askMapped',
                        description:
                          `${fs === 'ext4' ? 'ext4_break_layouts()' : 'xfs_break_dax_layouts()'} ` +
                          '-> dax_layout_busy_page(): first, is the file mapped at all?',
                        meta: { fn: 'dax_layout_busy_page', src: BUSY },
                      }
                    : {
                        target: 'scanning',
                        actions: 'scanPages',
                        description:
                          'dax_break_layout() -> dax_layout_busy_page_range(): unmap the range and scan every entry, mapped or not',
                        meta: { fn: 'dax_layout_busy_page_range', src: BREAK },
                      },
                ],
              },
      },
      checkingMapped: {
        description: 'dax_layout_busy_page() asked mapping_mapped()',
        meta: { condition: 'mapping_mapped(mapping) being evaluated', fn: 'dax_layout_busy_page', src: BUSY },
        on: {
          mapping_mapped: [
            {
              guard: 'mapped',
              target: 'scanning',
              actions: 'scanPages',
              description: 'a VMA maps the file: unmap_mapping_range(), then look for a page with page_ref_count > 1',
              meta: { fn: 'dax_layout_busy_page', src: BUSY },
            },
            {
              target: 'layoutBroken',
              actions: 'skipScan',
              description: 'no VMA maps the file: return NULL ("nothing busy") without looking at a single page',
              meta: { fn: 'dax_layout_busy_page', src: BUSY },
            },
          ],
        },
      },
      scanning: scanningState(
        'dax_layout_busy_page',
        scanSrc,
        'the scan returns the first busy page',
        'the scan returns NULL: no page is busy',
      ),
      busy: {
        description: 'a page is busy: about to wait for it (prepare_to_wait, check, sleep)',
        meta: {
          condition: 'page != NULL (dax_layout_busy_page returned a busy page)',
          fn: fs === 'ext4' ? 'ext4_break_layouts' : 'xfs_break_dax_layouts',
          src: t.src,
        },
        on: {
          wait_var_event: {
            target: 'checkingIdle',
            actions: 'askIdle',
            description: "___wait_var_event(): queue on the page's wait key, then test the condition",
            meta: { fn: '___wait_var_event', src: XFS },
          },
        },
      },
      checkingIdle: {
        description: 'queued on the wait key, testing whether the page is idle',
        meta: { condition: 'prepare_to_wait_event() done; the wait condition (page idle) being tested', fn: '___wait_var_event', src: XFS },
        on: {
          idle: [
            ...(era.rescanNeedsSleep
              ? [
                  {
                    guard: 'idleBeforeSleep',
                    target: 'layoutBroken',
                    actions: 'clearWait',
                    description:
                      'the page is idle at the first test: ___wait_var_event() returns 0 without calling xfs_wait_dax_page(), so did_unlock ' +
                      'stays false and xfs_break_layouts() does not scan again: the pages after this one are never examined',
                    meta: { fn: 'xfs_break_layouts', src: RESCAN_SRC },
                  } as const,
                ]
              : []),
            {
              guard: 'idle',
              target: 'locked',
              actions: ['clearWait', 'clearSlept'],
              description:
                'the page is idle: the wait returns 0 and the break-layouts loop scans again (XFS sets its retry flag before waiting)',
              meta: { fn: fs === 'ext4' ? 'ext4_break_layouts' : 'xfs_break_layouts', src: t.src },
            },
            {
              target: 'sleeping',
              actions: ['sleepOnPage', 'dropMmapLock'],
              description: `still busy: ${t.wait}() drops the mmap lock (the I/O lock stays) and schedule()s`,
              meta: { fn: t.wait, src: t.src },
            },
          ],
        },
      },
      sleeping: {
        tags: ['waiting', 'sleeping'],
        description: "asleep in ___wait_var_event() until wake_up_var() on the page's key",
        meta: { condition: "TASK_INTERRUPTIBLE on the var wait queue of the page's key", fn: 'schedule', src: XFS },
        on: {
          wake_up_var: {
            guard: 'myKey',
            target: 'woken',
            actions: 'clearWait',
            description: 'wake_up_var() on the key this task sleeps on: runnable again',
            meta: { fn: 'wake_up_var', src: 'seed 001' },
          },
        },
      },
      woken: {
        description: 'woken, not yet running: will retake the mmap lock',
        meta: { condition: 'TASK_RUNNING, off the wait queue, mmap lock not held', fn: t.wait, src: t.src },
        on: {
          relock: {
            target: 'busy',
            actions: 'takeMmapLock',
            description: `${t.wait}(): retake ${t.mmaplock}, then the wait loop tests the condition again`,
            meta: { fn: t.wait, src: t.src },
          },
        },
      },
      layoutBroken: {
        tags: ['layout_broken'],
        description: 'break-layouts says nothing is busy; both locks held',
        meta: { condition: 'dax_layout_busy_page() returned NULL; both locks held', fn: t.setattr, src: scanSrc },
        on: {
          truncate_setsize: {
            target: 'entriesGone',
            actions: ['zapAll', 'deleteEntries'],
            description:
              era.breakLayouts === 'breakLayout'
                ? 'dax_delete_mapping_range(): drop every DAX entry (dax_disassociate_entry), then truncate_setsize()'
                : 'truncate_setsize() -> truncate_pagecache(): unmap, then dax_delete_mapping_entry() -> dax_disassociate_entry(trunc)',
            meta: { fn: era.breakLayouts === 'breakLayout' ? 'dax_delete_mapping_range' : 'truncate_inode_pages', src: scanSrc },
          },
        },
      },
      entriesGone: {
        tags: ['layout_broken'],
        description: "the DAX entries are gone; the blocks are still the file's",
        meta: { condition: 'no DAX entry left in the range; extents still allocated', fn: t.setattr, src: t.src },
        on: {
          itruncate_extents: {
            target: 'done',
            actions: ['freeBlocks', 'unlockAll'],
            description: `${t.free}(): free the blocks; then drop the mmap and I/O locks`,
            meta: { fn: t.free, src: t.src },
          },
        },
      },
      done: {
        type: 'final',
        description: 'truncate returned',
        meta: { condition: 'both locks dropped; blocks freed', fn: t.setattr, src: t.src },
      },
    },
  });
});
