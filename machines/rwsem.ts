import { assign, setup } from 'xstate';
import type { Revision } from './kit/revision.ts';
import { withStateMeta, type StateDocs } from './kit/meta.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * A filesystem inode lock as truncate and the fault path use it: XFS_IOLOCK /
 * XFS_MMAPLOCK (ext4: i_rwsem / i_mmap_sem, later invalidate_lock). A
 * read-write semaphore: a down that cannot be granted *blocks* (the whole step
 * is not possible now), which is how the kernel sleeps on it.
 *
 * The same machine serves both locks; the scenario names the instance
 * (`iolock`, `mmaplock`) and says in `input.what` which one it is.
 */
export interface RwsemContext {
  what: string;
  readers: number;
  writer: string | null;
}

export type RwsemEvent =
  | { type: 'down_read'; from?: string }
  | { type: 'up_read'; from?: string }
  | { type: 'down_write'; from?: string }
  | { type: 'up_write'; from?: string };

const SRC = 'infer: fs/xfs/xfs_inode.c xfs_ilock/xfs_iunlock (rw_semaphore)';

/** The same in every revision; the parameter keeps the factory shape of the other machines. */
/** What each state of the lock stands for in the kernel (docs/authoring.md): the call that put it there. */
const RWSEM_DOCS: StateDocs = {
  free: { condition: 'count == 0', fn: 'up_write', src: 'kernel/locking/rwsem.c up_write / up_read' },
  shared: { condition: 'readers > 0', fn: 'down_read', src: 'kernel/locking/rwsem.c down_read' },
  exclusive: { condition: 'writer != NULL', fn: 'down_write', src: 'kernel/locking/rwsem.c down_write' },
};

export const rwsemMachine = oncePer(function rwsemMachine(_rev?: Revision) {
  return withStateMeta(
    setup({
      types: {} as { context: RwsemContext; events: RwsemEvent; input: { what: string } },
      guards: {
        /** A down_* that finds the lock taken the wrong way sleeps: no transition is possible now. */
        contended: () => false,
        lastReader: ({ context }) => context.readers === 1,
        ownWriter: ({ context, event }) => context.writer === event.from,
      },
      actions: {
        addReader: assign({ readers: ({ context }) => context.readers + 1 }),
        dropReader: assign({ readers: ({ context }) => context.readers - 1 }),
        setWriter: assign({ writer: ({ event }) => event.from ?? null }),
        clearWriter: assign({ writer: null }),
      },
    }).createMachine({
      id: 'rwsem',
      description: 'an inode rw_semaphore (I/O lock or mmap/invalidate lock)',
      meta: { fn: 'xfs_ilock', src: SRC },
      context: ({ input }) => ({ what: input.what, readers: 0, writer: null }),
      initial: 'free',
      states: {
        free: {
          description: 'nobody holds the lock',
          meta: { condition: 'count == 0', unaccepted: 'unlock of a lock nobody holds' },
          on: {
            down_read: {
              target: 'shared',
              actions: 'addReader',
              description: 'down_read(): first shared holder',
              meta: { fn: 'down_read', src: SRC },
            },
            down_write: {
              target: 'exclusive',
              actions: 'setWriter',
              description: 'down_write(): exclusive holder',
              meta: { fn: 'down_write', src: SRC },
            },
          },
        },
        shared: {
          description: 'held shared (page faults, GUP slow path faulting in)',
          meta: { condition: 'readers > 0', unaccepted: 'unlock of a lock not held this way' },
          on: {
            down_read: { actions: 'addReader', description: 'down_read(): another shared holder', meta: { fn: 'down_read', src: SRC } },
            up_read: [
              {
                guard: 'lastReader',
                target: 'free',
                actions: 'dropReader',
                description: 'up_read(): last shared holder leaves',
                meta: { fn: 'up_read', src: SRC },
              },
              { actions: 'dropReader', description: 'up_read(): one shared holder leaves', meta: { fn: 'up_read', src: SRC } },
            ],
            down_write: {
              guard: 'contended',
              description: 'down_write() sleeps while readers hold the lock',
              meta: { fn: 'down_write', src: SRC },
            },
          },
        },
        exclusive: {
          description: 'held exclusive (truncate / hole punch breaking layouts)',
          meta: { condition: 'writer != NULL', unaccepted: 'unlock of a lock not held this way' },
          on: {
            down_read: {
              guard: 'contended',
              description: 'down_read() sleeps while a writer holds the lock',
              meta: { fn: 'down_read', src: SRC },
            },
            down_write: {
              guard: 'contended',
              description: 'down_write() sleeps while another writer holds the lock',
              meta: { fn: 'down_write', src: SRC },
            },
            up_write: {
              guard: 'ownWriter',
              target: 'free',
              actions: 'clearWriter',
              description: 'up_write(): the writer releases the lock',
              meta: { fn: 'up_write', src: SRC },
            },
          },
        },
      },
    }),
    SRC,
    RWSEM_DOCS,
  );
});
