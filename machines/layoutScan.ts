/**
 * The layout-break scan truncate and eviction share: dax_layout_busy_page(_range) unmapping the range,
 * asking each page whether it is busy, the TLB flush that ends the unmap, and the reply bookkeeping a
 * scanning code path keeps in its context.
 */
import { assign, enqueueActions, type EventObject } from 'xstate';
import { call, type AnySetupValue } from './kit/messages.ts';

// The helpers are shared by machines with different context types: each reads only the ScanContext
// fields it names, and is exported as an action that fits any setup() (see AnySetupValue).
type Shared = AnySetupValue;
/** A reply of `dax_busy_page`: whether the page is busy, and which page it is. */
type BusyReply = EventObject & { busy?: boolean; page?: string };

/**
 * The pieces truncate and eviction share: dax_layout_busy_page(_range)'s scan
 * (unmap the range, then find the first page with references beyond its idle
 * value) and the reply bookkeeping. A path that scans keeps these fields.
 */
export interface ScanContext {
  pages: string[];
  /** Replies of the current scan still to come. */
  pending: number;
  /** First busy page the scan found, or null. */
  busyPage: string | null;
  /** The wait_var_event() key this path sleeps on, or null. */
  waitKey: string | null;
  /** Whether the last break-layouts pass looked at the pages at all (not short-circuited). */
  scanned: boolean;
}

export const scanFields = (pages: string[]): ScanContext => ({ pages, pending: 0, busyPage: null, waitKey: null, scanned: false });

/**
 * unmap_mapping_pages() over the range, then, entry by entry, dax_busy_page().
 * Each page answers `busy`; the first busy one is the one the caller waits for.
 */
export const scanPages: Shared = enqueueActions<ScanContext & Flushing, EventObject, undefined>(({ context, enqueue }) => {
  enqueue(assign({ pending: context.pages.length, busyPage: null, scanned: true }));
  for (const p of context.pages) enqueue(call('page', p, { type: 'zap_pte' }));
  flushTlb(context, enqueue);
  for (const p of context.pages) enqueue(call('page', p, { type: 'dax_busy_page' }));
});

/** A path whose zaps reach the mms that map the file: through its address_space. */
interface Flushing {
  aspace?: string;
}

/**
 * The TLB flush that ends unmap_mapping_range() (zap_page_range_single -> tlb_finish_mmu ->
 * flush_tlb_mm_range): asked of the address space, which stands for the mms in its i_mmap. On
 * bare-metal x86 it is an IPI that waits for every CPU of those mms, so it cannot complete
 * while a GUP-fast walker has interrupts off (the whole step waits); elsewhere it does not wait.
 */
function flushTlb(context: Flushing, enqueue: (action: ReturnType<typeof call>) => void): void {
  if (context.aspace) enqueue(call('address_space', context.aspace, { type: 'flush_tlb' }));
}

export const noteBusy: Shared = assign(({ context, event }: { context: ScanContext; event: BusyReply }) => ({
  pending: context.pending - 1,
  busyPage: context.busyPage ?? (event.busy ? (event.page as string) : null),
}));

export const scanFinishedBusy = ({ context }: { context: ScanContext }) => context.pending === 0 && context.busyPage !== null;
export const scanFinishedIdle = ({ context }: { context: ScanContext }) => context.pending === 0 && context.busyPage === null;

/** dax_delete_mapping_entry() per entry: dax_disassociate_entry(entry, mapping, trunc=true). */
export const deleteEntries: Shared = enqueueActions<ScanContext & { file: string }, EventObject, undefined>(({ context, enqueue }) => {
  for (const p of context.pages) enqueue(call('page', p, { type: 'dax_disassociate_entry', file: context.file, trunc: true }));
});

/** unmap_mapping_range() over the whole file: every PTE goes. */
export const zapAll: Shared = enqueueActions<ScanContext & Flushing, EventObject, undefined>(({ context, enqueue }) => {
  for (const p of context.pages) enqueue(call('page', p, { type: 'zap_pte' }));
  flushTlb(context, enqueue);
});

/** The filesystem frees the extents of the truncated range. */
export const freeBlocks: Shared = enqueueActions<{ blocks: string[]; file: string }, EventObject, undefined>(({ context, enqueue }) => {
  for (const b of context.blocks) enqueue(call('block', b, { type: 'free_blocks', file: context.file }));
});

export const askIdle: Shared = enqueueActions<ScanContext, EventObject, undefined>(({ context, enqueue }) => {
  enqueue(call('page', context.busyPage, { type: 'page_idle' }));
});

/**
 * The state a path is in while its scan's replies come in: each page answers `busy`,
 * and once every page has answered the path goes on to `busyTarget` or `idleTarget`.
 * `fn` and `src` name the scanning function of the path's era.
 */
export function scanningState(
  fn: string,
  src: string,
  busyText: string,
  idleText: string,
  busyTarget = 'busy',
  idleTarget = 'layoutBroken',
) {
  return {
    description: 'scanning the DAX entries for a busy page',
    meta: { condition: "walking the mapping's DAX entries under the i_pages lock", fn, src },
    always: [
      { guard: 'scanFinishedBusy' as const, target: busyTarget, description: busyText, meta: { fn, src } },
      { guard: 'scanFinishedIdle' as const, target: idleTarget, description: idleText, meta: { fn, src } },
    ],
    on: {
      busy: { actions: 'noteBusy' as const, description: 'dax_busy_page() answered for one entry', meta: { fn: 'dax_busy_page', src } },
    },
  };
}
