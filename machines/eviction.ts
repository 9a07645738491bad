import { assertEvent, assign, setup } from 'xstate';
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
  type ScanContext,
} from './layoutScan.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * Inode eviction of the DAX file (the last iput after unlink, or unmount's
 * evict_inodes): truncate_inode_pages_final() drops the DAX entries and the
 * filesystem frees the blocks of the unlinked inode (xfs_inactive, ext4_evict_inode).
 *
 * Until 6.14 nothing here breaks layouts: a page still pinned by a device (the
 * process munmapped and closed, the DMA goes on) is not looked at [src/infer,
 * DOMAIN.md]. 6.15 adds dax_break_layout_final() to xfs and ext4 (not ext2): scan
 * and wait, uninterruptibly and without any lock to drop, until every page is idle.
 */
export interface EvictionContext extends ScanContext {
  file: string;
  aspace: string;
  blocks: string[];
}

export interface EvictionInput {
  file: string;
  aspace: string;
  pages: string[];
  blocks: string[];
}

export type EvictionEvent =
  | { type: 'evict' }
  | { type: 'dax_break_layout_final' }
  | { type: 'wait_var_event' }
  | { type: 'schedule_return' }
  | { type: 'truncate_inode_pages_final' }
  | { type: 'free_blocks' }
  | { type: 'busy'; page: string; busy: boolean; from?: string }
  | { type: 'idle'; page: string; idle: boolean; from?: string }
  | { type: 'wake_up_var'; key: string; from?: string };

const EVICT = 'infer: fs/inode.c evict, fs/xfs/xfs_super.c xfs_fs_destroy_inode -> xfs_inactive, fs/ext4/inode.c ext4_evict_inode';
const FINAL = 'infer: 6.15 fs/dax.c dax_break_layout_final';

export const evictionMachine = oncePer(function evictionMachine(rev: Revision, fs: Filesystem = 'xfs') {
  const breaks = ERAS[rev].page.evictBreaksLayouts[fs];
  return setup({
    types: {} as { context: EvictionContext; events: EvictionEvent; input: EvictionInput },
    guards: {
      scanFinishedBusy,
      scanFinishedIdle,
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
      iputFinal: call('address_space', ({ context }) => context.aspace, { type: 'iput_final' }),
      scanPages,
      noteBusy,
      askIdle,
      sleepOnPage: assign({ waitKey: ({ context }) => (context.busyPage ? idleKey(rev, context.busyPage) : null) }),
      clearWait: assign({ waitKey: null }),
      deleteEntries,
      freeBlocks,
    },
  }).createMachine({
    id: 'eviction',
    description: 'eviction of the DAX inode (last iput of an unlinked file, or unmount)',
    meta: { fn: 'evict', src: EVICT },
    context: ({ input }) => ({ file: input.file, aspace: input.aspace, blocks: input.blocks, ...scanFields(input.pages) }),
    initial: 'start',
    on: {
      wake_up_var: {
        description: 'a wake-up for a key this task is not sleeping on',
        meta: { fn: 'wake_up_var', src: 'infer: kernel/sched/wait_bit.c var_wake_function' },
      },
    },
    states: {
      start: {
        description: 'the inode is in use',
        meta: { condition: 'inode->i_count > 0 or not unlinked', fn: 'iput', src: EVICT },
        on: {
          evict: {
            target: 'evicting',
            actions: 'iputFinal',
            description: 'unlink + last close: iput_final() -> evict() (only once no VMA holds the file)',
            meta: { fn: 'iput_final', src: EVICT, fairness: 'none', why: 'the last close and the unlink are user choices' },
          },
        },
      },
      evicting: {
        description: "evict(): the filesystem's evict_inode is running",
        meta: { condition: 'inode->i_state & I_FREEING', fn: 'evict', src: EVICT },
        on: breaks
          ? {
              dax_break_layout_final: {
                target: 'scanning',
                actions: 'scanPages',
                description: 'dax_break_layout_final(): unmap and scan every entry for a busy page',
                meta: { fn: 'dax_break_layout_final', src: FINAL },
              },
            }
          : {
              truncate_inode_pages_final: {
                target: 'entriesGone',
                actions: 'deleteEntries',
                description: 'truncate_inode_pages_final(): drop every DAX entry; nothing looks for pinned pages here',
                meta: { fn: 'truncate_inode_pages_final', src: EVICT },
              },
            },
      },
      scanning: scanningState('dax_layout_busy_page_range', FINAL, 'a page is still referenced', 'no page is busy'),
      busy: {
        description: 'a page is busy: wait for it',
        meta: { condition: 'dax_break_layout_final() found a page with a reference', fn: 'dax_break_layout_final', src: FINAL },
        on: {
          wait_var_event: {
            target: 'checkingIdle',
            actions: 'askIdle',
            description: 'wait_page_idle_uninterruptible(): queue, test the condition',
            meta: { fn: 'wait_page_idle_uninterruptible', src: FINAL },
          },
        },
      },
      checkingIdle: {
        description: "queued on the page's wait key, testing for idle",
        meta: { condition: 'prepare_to_wait_event() done; testing the page idle', fn: 'wait_page_idle_uninterruptible', src: FINAL },
        on: {
          idle: [
            {
              guard: 'idle',
              target: 'evicting',
              actions: 'clearWait',
              description: 'idle: scan again',
              meta: { fn: 'dax_break_layout_final', src: FINAL },
            },
            {
              target: 'sleeping',
              actions: 'sleepOnPage',
              description: 'still busy: schedule() in TASK_UNINTERRUPTIBLE',
              meta: { fn: 'wait_page_idle_uninterruptible', src: FINAL },
            },
          ],
        },
      },
      sleeping: {
        tags: ['waiting', 'sleeping'],
        description: 'asleep (uninterruptible) until the page goes idle',
        meta: { condition: 'TASK_UNINTERRUPTIBLE on the var wait queue of the page', fn: 'schedule', src: FINAL },
        on: {
          wake_up_var: {
            guard: 'myKey',
            target: 'woken',
            actions: 'clearWait',
            description: 'wake_up_var() from free_zone_device_folio()',
            meta: { fn: 'wake_up_var', src: FINAL },
          },
        },
      },
      woken: {
        description: 'woken, not yet running',
        meta: { condition: 'TASK_RUNNING, off the wait queue', fn: 'wait_page_idle_uninterruptible', src: FINAL },
        on: {
          schedule_return: {
            target: 'busy',
            description: 'back from schedule(): test the condition again',
            meta: { fn: 'wait_page_idle_uninterruptible', src: FINAL },
          },
        },
      },
      layoutBroken: {
        tags: ['layout_broken'],
        description: 'every page is idle',
        meta: { condition: 'no DAX entry of the mapping refers to a page with a reference', fn: 'dax_break_layout_final', src: FINAL },
        on: {
          truncate_inode_pages_final: {
            target: 'entriesGone',
            actions: 'deleteEntries',
            description: 'dax_delete_mapping_range(), then truncate_inode_pages_final()',
            meta: { fn: 'dax_delete_mapping_range', src: FINAL },
          },
        },
      },
      entriesGone: {
        description: 'the DAX entries are gone; the unlinked inode still owns its blocks',
        meta: { condition: 'mapping->nrpages == 0; extents still allocated', fn: 'evict', src: EVICT },
        on: {
          free_blocks: {
            target: 'done',
            actions: 'freeBlocks',
            description: "the unlinked inode's extents are freed (xfs_inactive_truncate, ext4_truncate in ext4_evict_inode)",
            meta: { fn: 'xfs_inactive', src: EVICT },
          },
        },
      },
      done: {
        type: 'final',
        description: 'the inode is gone',
        meta: { condition: 'the inode is freed (destroy_inode)', fn: 'evict', src: EVICT },
      },
    },
  });
});
