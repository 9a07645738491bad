import { setup } from 'xstate';
import { call } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * Another file on the same filesystem that grows (a write, fallocate): its
 * allocation may be handed the block truncate just freed. Without it a freed
 * block stays free space and the damage of a DMA into it is invisible.
 */
/** The same in every revision; the parameter keeps the factory shape of the other machines. */
export const fileWriterMachine = oncePer(function fileWriterMachine(_rev?: Revision) {
  return setup({
    types: {} as {
      context: { file: string; block: string };
      events: { type: 'allocate' } | { type: 'alloc'; got: boolean; from?: string };
      input: { file: string; block: string };
    },
    actions: {
      allocBlock: call(
        'block',
        ({ context }) => context.block,
        ({ context }) => ({ type: 'alloc', file: context.file }),
      ),
    },
  }).createMachine({
    id: 'file_writer',
    description: 'a write that extends another file and allocates blocks for it',
    meta: { fn: 'xfs_file_write_iter', src: 'infer' },
    context: ({ input }) => ({ file: input.file, block: input.block }),
    initial: 'idle',
    states: {
      idle: {
        description: 'the other file has not allocated yet',
        meta: { condition: 'no block allocated for the write yet', fn: 'xfs_file_write_iter', src: 'infer' },
        on: {
          allocate: {
            target: 'allocating',
            actions: 'allocBlock',
            description: 'iomap_begin(IOMAP_WRITE) -> xfs_bmapi_write(): allocate a block for the new data',
            meta: { fn: 'xfs_bmapi_write', src: 'infer', fairness: 'none', why: 'whether another file is written is a user choice' },
          },
        },
      },
      allocating: {
        description: 'the allocator is choosing a block',
        meta: { condition: 'inside the block allocator (XFS_ILOCK_EXCL held)', fn: 'xfs_bmapi_write', src: 'infer' },
        on: {
          alloc: {
            target: 'done',
            description: 'the block allocator answered (this block, or another one)',
            meta: { fn: 'xfs_bmapi_write', src: 'infer' },
          },
        },
      },
      done: {
        type: 'final',
        description: 'the write is on stable storage in whatever block it got',
        meta: { condition: 'the write returned; its data is in the block it got', fn: 'xfs_file_write_iter', src: 'infer' },
      },
    },
  });
});
