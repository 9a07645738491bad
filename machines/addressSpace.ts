import { assign, setup } from 'xstate';
import { reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { withStateMeta, type StateDocs } from './kit/meta.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * The DAX file's address_space as far as break-layouts cares: how many VMAs map
 * it (i_mmap, what mapping_mapped() tests) and whether the inode can be evicted.
 *
 * An open file and a VMA each hold a reference on the file, so the final iput()
 * (eviction) cannot happen while a process uses it: `iput_final` blocks until the
 * last process has unmapped and closed it.
 * PTEs are not here: they belong to the page (a PTE can be zapped by truncate
 * while the VMA stays, which is why mapping_mapped() and "mapped pages" differ).
 *
 * It also stands for the mms in i_mmap as the TLB flush of unmap_mapping_range() sees them.
 * GUP-fast walks a process's page tables with local interrupts off, from its PTE read to its
 * re-check (mm/gup.c gup_fast / gup_pte_range, every era). How the zap's flush meets such a
 * walker depends on the architecture [src: arch/x86/mm/tlb.c native_flush_tlb_multi (5.11+,
 * native_flush_tlb_others before): smp_call_function_many_cond(..., wait=true) to the CPUs in
 * mm_cpumask; arch/powerpc/mm/book3s64/radix_tlb.c: tlbie, no IPI; arch/arm64/include/asm/
 * tlbflush.h: broadcast TLBI ...IS; arch/x86/kernel/kvm.c kvm_flush_tlb_multi: preempted vCPUs
 * flagged, not interrupted]: `ipi` (x86 bare metal) waits for every such walker, so the flush
 * (and the unmap that ends with it) cannot complete while one is between its read and its
 * re-check; `nonipi` (ppc64, arm64, paravirtual x86 guests) does not wait, and a walker can
 * take its reference after the zap and give it back at its re-check.
 */
export interface AddressSpaceContext {
  file: string;
  vmas: number;
  /** Processes that have the file open (each closes it when it unmaps and is done). */
  opens: number;
  /** Whether a TLB flush is an IPI that waits for CPUs with interrupts off (x86 bare metal). */
  ipiFlush: boolean;
  /** GUP-fast walkers of these mms with interrupts off (counted only where a flush waits for them). */
  irqsOff: number;
}

/** How the architecture flushes TLBs of other CPUs (see the header). */
export type TlbFlush = 'ipi' | 'nonipi';

export type AddressSpaceEvent =
  | { type: 'mmap'; from?: string }
  | { type: 'munmap'; from?: string }
  | { type: 'mapping_mapped'; from?: string }
  | { type: 'iput_final'; from?: string }
  | { type: 'gup_fast_irq_off'; from?: string }
  | { type: 'gup_fast_irq_on'; from?: string }
  | { type: 'flush_tlb'; from?: string };

const TLB_SRC =
  'arch/x86/mm/tlb.c native_flush_tlb_multi (v5.11+; native_flush_tlb_others before), mm/gup.c get_user_pages_fast (irqs off in it until 6.9, in gup_fast() below it from 6.10)';

/** The TLB shootdown side, in every state of the inode (see the header). */
const TLB_ON = {
  gup_fast_irq_off: [
    {
      guard: 'ipiFlush' as const,
      actions: 'irqOff' as const,
      description: 'a GUP-fast walker of a mapping mm disabled interrupts: its CPU will not answer a flush IPI until it re-checks',
      meta: { fn: 'get_user_pages_fast', src: TLB_SRC },
    },
    {
      description: 'a GUP-fast walker disabled interrupts: no flush here waits for it (tlbie, TLBI broadcast, paravirtual flush)',
      meta: { fn: 'get_user_pages_fast', src: TLB_SRC },
    },
  ],
  gup_fast_irq_on: [
    {
      guard: 'ipiFlush' as const,
      actions: 'irqOn' as const,
      description: 'the walker restored interrupts: it answers IPIs again',
      meta: { fn: 'get_user_pages_fast', src: TLB_SRC },
    },
    { description: 'the walker restored interrupts', meta: { fn: 'get_user_pages_fast', src: TLB_SRC } },
  ],
  flush_tlb: {
    guard: 'flushCompletes' as const,
    description:
      'the zap flushes the TLBs of the mms that map the file: an IPI waits for every CPU in mm_cpumask (x86 bare metal), so it completes only when no GUP-fast walker has interrupts off; tlbie / TLBI broadcast / a paravirtual flush completes at once',
    meta: { fn: 'flush_tlb_mm_range', src: TLB_SRC },
  },
};

/** The same in every revision; the parameter keeps the factory shape of the other machines. */
/** What each state of the inode's mapping stands for in the kernel (docs/authoring.md). */
const ASPACE_DOCS: StateDocs = {
  live: { condition: 'inode->i_count > 0', fn: 'iput', src: 'fs/inode.c iput' },
  evicting: { condition: 'inode->i_state & I_FREEING', fn: 'evict', src: 'fs/inode.c evict' },
};

export const addressSpaceMachine = oncePer(function addressSpaceMachine(_rev?: Revision) {
  return withStateMeta(
    setup({
      types: {} as {
        context: AddressSpaceContext;
        events: AddressSpaceEvent;
        input: { file: string; opens?: number; tlbFlush?: TlbFlush };
      },
      guards: {
        unused: ({ context }) => context.vmas === 0 && context.opens === 0,
        flushCompletes: ({ context }) => !context.ipiFlush || context.irqsOff === 0,
        ipiFlush: ({ context }) => context.ipiFlush,
      },
      actions: {
        addVma: assign({ vmas: ({ context }) => context.vmas + 1 }),
        dropVma: assign(({ context }) => ({ vmas: Math.max(0, context.vmas - 1), opens: Math.max(0, context.opens - 1) })),
        irqOff: assign({ irqsOff: ({ context }) => context.irqsOff + 1 }),
        irqOn: assign({ irqsOff: ({ context }) => context.irqsOff - 1 }),
        replyMapped: reply(({ context }) => ({ type: 'mapping_mapped', value: context.vmas > 0 })),
      },
    }).createMachine({
      id: 'address_space',
      description: 'struct address_space of the DAX file: its VMAs (i_mmap) and its inode lifetime',
      meta: { object: 'struct address_space', src: 'infer' },
      context: ({ input }) => ({ file: input.file, vmas: 0, opens: input.opens ?? 0, ipiFlush: input.tlbFlush === 'ipi', irqsOff: 0 }),
      initial: 'live',
      states: {
        live: {
          description: 'the inode is in use',
          meta: { condition: 'inode->i_count > 0' },
          on: {
            mmap: {
              actions: 'addVma',
              description: 'mmap(): vma_link() inserts a VMA in i_mmap',
              meta: { fn: 'mmap_region', src: 'infer' },
            },
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
            ...TLB_ON,
          },
        },
        evicting: {
          description: 'evict(): the inode is being torn down; nobody can map it again',
          meta: { condition: 'inode->i_state & I_FREEING', unaccepted: 'use of an inode after it was freed' },
          on: {
            ...TLB_ON,
            mapping_mapped: {
              actions: 'replyMapped',
              description: 'mapping_mapped() on the dying inode: no VMA',
              meta: { fn: 'mapping_mapped', src: 'infer' },
            },
          },
        },
      },
    }),
    'include/linux/fs.h struct address_space, fs/inode.c',
    ASPACE_DOCS,
  );
});
