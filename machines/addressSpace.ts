import { assign, setup } from 'xstate';
import { reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';

/**
 * The DAX file's address_space as far as break-layouts cares: how many VMAs map
 * it (i_mmap, what mapping_mapped() tests) and whether the inode can be evicted.
 *
 * An open file and a VMA each hold a reference on the file, so the final iput()
 * (eviction) cannot happen while a process uses it: `iput_final` blocks until the
 * last process has unmapped and closed it.
 * PTEs are not here: they belong to the page (a PTE can be zapped by truncate
 * while the VMA stays, which is why mapping_mapped() and "mapped pages" differ).
 */
export interface AddressSpaceContext {
  file: string;
  vmas: number;
  /** Processes that have the file open (each closes it when it unmaps and is done). */
  opens: number;
}

export type AddressSpaceEvent =
  | { type: 'mmap'; from?: string }
  | { type: 'munmap'; from?: string }
  | { type: 'mapping_mapped'; from?: string }
  | { type: 'iput_final'; from?: string };

/** The same in every revision; the parameter keeps the factory shape of the other machines. */
export function addressSpaceMachine(_rev?: Revision) {
  return setup({
    types: {} as { context: AddressSpaceContext; events: AddressSpaceEvent; input: { file: string; opens?: number } },
    guards: {
      unused: ({ context }) => context.vmas === 0 && context.opens === 0,
    },
    actions: {
      addVma: assign({ vmas: ({ context }) => context.vmas + 1 }),
      dropVma: assign(({ context }) => ({ vmas: Math.max(0, context.vmas - 1), opens: Math.max(0, context.opens - 1) })),
      replyMapped: reply(({ context }) => ({ type: 'mapping_mapped', value: context.vmas > 0 })),
    },
  }).createMachine({
    id: 'address_space',
    description: 'struct address_space of the DAX file: its VMAs (i_mmap) and its inode lifetime',
    meta: { object: 'struct address_space', src: 'infer' },
    context: ({ input }) => ({ file: input.file, vmas: 0, opens: input.opens ?? 0 }),
    initial: 'live',
    states: {
      live: {
        description: 'the inode is in use',
        meta: { condition: 'inode->i_count > 0' },
        on: {
          mmap: { actions: 'addVma', description: 'mmap(): vma_link() inserts a VMA in i_mmap', meta: { fn: 'mmap_region', src: 'infer' } },
          munmap: {
            actions: 'dropVma',
            description: "munmap() and close(): the VMA leaves i_mmap, the VMA's and the descriptor's file references go",
            meta: { fn: 'unmap_region', src: 'infer' },
          },
          mapping_mapped: {
            actions: 'replyMapped',
            description: 'mapping_mapped(): does any VMA still map the file?',
            meta: { fn: 'mapping_mapped', src: 'infer: fs/dax.c dax_layout_busy_page, 4.18..6.14' },
          },
          iput_final: {
            guard: 'unused',
            target: 'evicting',
            description: 'the last reference goes (no process has the file open or mapped, it is unlinked): the inode is evicted',
            meta: { fn: 'iput_final', src: 'infer' },
          },
        },
      },
      evicting: {
        description: 'evict(): the inode is being torn down; nobody can map it again',
        meta: { condition: 'inode->i_state & I_FREEING', unaccepted: 'use of an inode after it was freed' },
        on: {
          mapping_mapped: {
            actions: 'replyMapped',
            description: 'mapping_mapped() on the dying inode: no VMA',
            meta: { fn: 'mapping_mapped', src: 'infer' },
          },
        },
      },
    },
  });
}
