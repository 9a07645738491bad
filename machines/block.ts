import { assign, setup } from 'xstate';
import { reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { withStateMeta, type StateDocs } from './kit/meta.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * One filesystem block of the DAX device: the storage behind one page (under
 * FS-DAX the page *is* the block's memory, pfn for pfn). The filesystem's block
 * allocator decides who owns it; the device's DMA writes wherever the pin it was
 * given points, whoever owns the block by then.
 */
export interface BlockContext {
  /** The file whose extent holds this block, or null while it is free space. */
  owner: string | null;
  /**
   * The filesystem is shut down (xfs_force_shutdown): xfs_iomap_begin() / xfs_dax_read_iomap fail with -EIO (the fault
   * SIGBUSes), and a truncate fails in xfs_vn_change_ok() with -EIO before any extent is freed.
   */
  shutdown: boolean;
}

export type BlockEvent =
  | { type: 'iomap_begin'; file: string; from?: string }
  | { type: 'free_blocks'; file: string; from?: string }
  | { type: 'alloc'; file: string; from?: string }
  | { type: 'dma_write'; file: string; from?: string }
  | { type: 'fs_shutdown'; file?: undefined; from?: string };

const SRC = 'infer: xfs_bmapi / xfs_bunmapi, ext4_ext_remove_space';
/** A device's DMA is no kernel function: the pin reaches it as a bio, which submit_bio() issues. */
const DMA_SRC = 'infer: the pin is handed to a device as a bio (O_DIRECT to another disk); the device writes until the bio completes';
const SHUTDOWN_SRC =
  'infer: 6.8 fs/xfs/xfs_iomap.c xfs_read_iomap_begin, fs/xfs/xfs_iops.c xfs_vn_setattr / xfs_vn_change_ok (xfs_is_shutdown -> -EIO)';

/** The same in every revision; the parameter keeps the factory shape of the other machines. */
/** What each state of a block stands for in the kernel (docs/authoring.md): who put it there. */
const BLOCK_DOCS: StateDocs = {
  allocated: { condition: 'owner != NULL', fn: 'xfs_bmapi_write', src: SRC },
  free: { condition: 'owner == NULL', fn: 'xfs_itruncate_extents', src: SRC },
  corrupted: { condition: 'dma target owner != pinned file', fn: 'submit_bio', src: DMA_SRC },
};

export const blockMachine = oncePer(function blockMachine(_rev?: Revision) {
  return withStateMeta(
    setup({
      types: {} as { context: BlockContext; events: BlockEvent; input: { owner: string | null } },
      guards: {
        ownedByCaller: ({ context, event }) => context.owner === event.file,
        ownedByOther: ({ context, event }) => context.owner !== null && context.owner !== event.file,
        shutdown: ({ context }) => context.shutdown,
      },
      actions: {
        replyIomap: reply(({ context, event }) => ({ type: 'iomap', mapped: context.owner === event.file })),
        replyEio: reply({ type: 'iomap', mapped: false }),
        markShutdown: assign({ shutdown: true }),
        take: assign({ owner: ({ event }) => event.file ?? null }),
        release: assign({ owner: null }),
        replyGot: reply({ type: 'alloc', got: true }),
        replyNone: reply({ type: 'alloc', got: false }),
      },
    }).createMachine({
      id: 'block',
      description: 'a filesystem block of the DAX device, the storage a DAX page maps',
      meta: { object: 'struct xfs_bmbt_irec', src: SRC },
      context: ({ input }) => ({ owner: input.owner, shutdown: false }),
      initial: 'allocated',
      states: {
        allocated: {
          description: 'in the extent map of its owner file',
          meta: { condition: 'owner != NULL', unaccepted: 'block operation that makes no sense on an allocated block' },
          on: {
            fs_shutdown: {
              actions: 'markShutdown',
              description: 'xfs_force_shutdown(): the filesystem that holds this block is shut down',
              meta: { fn: 'xfs_force_shutdown', src: SHUTDOWN_SRC },
            },
            iomap_begin: [
              {
                guard: 'shutdown',
                actions: 'replyEio',
                description: 'xfs_read_iomap_begin(): xfs_is_shutdown(mp): -EIO, the fault SIGBUSes',
                meta: { fn: 'xfs_read_iomap_begin', src: SHUTDOWN_SRC },
              },
              {
                actions: 'replyIomap',
                description: 'iomap_begin(): map a file offset to this block (a fault, a GUP fault-in)',
                meta: { fn: 'xfs_bmapi_read', src: SRC },
              },
            ],
            free_blocks: [
              {
                guard: 'shutdown',
                description:
                  'truncate on a shut-down filesystem: xfs_vn_change_ok() returns -EIO after the layouts were broken; nothing is freed',
                meta: { fn: 'xfs_vn_setattr', src: SHUTDOWN_SRC },
              },
              {
                guard: 'ownedByCaller',
                target: 'free',
                actions: 'release',
                description: 'the owner truncates / punches / evicts: the extent is freed',
                meta: { fn: 'xfs_itruncate_extents', src: SRC },
              },
              {
                description: 'another file frees a range it does not hold here: nothing to free',
                meta: { fn: 'xfs_itruncate_extents', src: SRC },
              },
            ],
            alloc: {
              actions: 'replyNone',
              description: 'the allocator finds this block in use and picks another (or the filesystem is shut down: -EIO)',
              meta: { fn: 'xfs_bmapi_write', src: SRC },
            },
            dma_write: [
              {
                guard: 'ownedByOther',
                target: 'corrupted',
                description: 'the device writes through a stale pin into a block another file now owns',
                meta: { fn: 'submit_bio', src: DMA_SRC },
              },
              { description: 'the device writes into the block of the file it was pinned for', meta: { fn: 'submit_bio', src: DMA_SRC } },
            ],
          },
        },
        free: {
          description: 'free space: the allocator may hand it to any file',
          meta: { condition: 'owner == NULL', unaccepted: 'block operation that makes no sense on a free block' },
          on: {
            fs_shutdown: {
              actions: 'markShutdown',
              description: 'xfs_force_shutdown(): the filesystem that holds this block is shut down',
              meta: { fn: 'xfs_force_shutdown', src: SHUTDOWN_SRC },
            },
            iomap_begin: {
              actions: 'replyIomap',
              description: 'iomap_begin(): the offset is a hole now (beyond EOF after truncate), or the filesystem is shut down (-EIO)',
              meta: { fn: 'xfs_bmapi_read', src: SRC },
            },
            free_blocks: { description: 'nothing left to free', meta: { fn: 'xfs_itruncate_extents', src: SRC } },
            alloc: [
              {
                guard: 'shutdown',
                actions: 'replyNone',
                description: 'the filesystem is shut down: the allocation fails with -EIO',
                meta: { fn: 'xfs_bmapi_write', src: SHUTDOWN_SRC },
              },
              {
                target: 'allocated',
                actions: ['take', 'replyGot'],
                description: 'another file allocates: it gets this block',
                meta: { fn: 'xfs_bmapi_write', src: SRC },
              },
            ],
            dma_write: {
              description: 'the device writes into free space through a stale pin (the data is lost)',
              meta: { fn: 'submit_bio', src: DMA_SRC },
            },
          },
        },
        corrupted: {
          tags: ['violation'],
          description:
            'device DMA through a pin taken for one file overwrote a block the filesystem gave to another file (silent data corruption, use after ' +
            'free of storage)',
          meta: {
            condition: 'dma target owner != pinned file',
            unaccepted: 'the block is already corrupted',
            violates: 'I9',
            variant: 'device DMAs into a block reused by another file',
            severity: 'corruption',
          },
        },
      },
    }),
    SRC,
    BLOCK_DOCS,
  );
});
