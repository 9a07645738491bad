/**
 * mm/gup.c as the dma-vs-truncate series meets it, and the process that pins a DAX page for DMA:
 * GUP-fast reads the PTE without locks, takes its reference, then re-reads the PTE and gives the
 * reference back (put_page) if the PTE changed; the slow path follows the PTE under the PTE lock and
 * faults the page in when it is missing. The pin ends with put_page(), the drop truncate waits for.
 */
import type { Step } from './codePath.ts';
import { dax_iomap_pte_fault, dma_write } from './fsdax.ts';
import type { AddressSpace, Block, Kernel, Page } from './kernel.ts';
import { put_page } from './memremap.ts';

/** page_ref_add / try_grab_page(): GUP's references. */
function try_grab_page(page: Page, refs: number): boolean {
  page._refcount += refs;
  return true;
}

/** put_page() of `refs` references: page_ref_sub(refs - 1), then one put_page() through the hook. */
export function put_page_refs(k: Kernel, page: Page, refs: number): void {
  page._refcount -= refs - 1;
  put_page(k, page);
}

/** follow_page_pte(): under the PTE lock, a present PTE yields the page with its references. */
function follow_page_pte(page: Page, refs: number): boolean {
  if (!page.pte) return false;
  return try_grab_page(page, refs);
}

export interface DmaProcess {
  readonly as: AddressSpace;
  readonly page: Page;
  readonly block: Block;
  readonly refs: number;
  rounds: number;
  readonly munmapWhilePinned: boolean;
}

/**
 * mmap the DAX file, then any of: fault the page in, pin it with get_user_pages_fast() or
 * get_user_pages(), DMA into it, unpin, munmap. The choice of what happens next is the process's
 * (the events), the outcome of each call is the kernel's.
 */
export function* dma_process(k: Kernel, p: DmaProcess): Step {
  p.as.vmas++; // mmap_region()
  for (;;) {
    const choice = yield p.rounds > 0 ? ['fault', 'gup_fast', 'gup_slow', 'munmap'] : ['fault', 'munmap'];
    if (choice.type === 'munmap') {
      munmap(p);
      return;
    }
    if (choice.type === 'fault') {
      dax_iomap_pte_fault(k, p.as, p.page, p.block);
      continue;
    }
    let pinned = false;
    if (choice.type === 'gup_fast') {
      // gup_pte_range(): the PTE as read without locks
      if (p.page.pte) {
        yield 'gup_fast_grab';
        try_grab_page(p.page, p.refs);
        yield 'gup_fast_recheck';
        if (p.page.pte) pinned = true;
        else put_page_refs(k, p.page, p.refs); // the PTE changed: give the references back
      }
      if (!pinned) yield 'gup_slow';
    }
    if (!pinned) pinned = get_user_pages_slow(k, p);
    p.rounds--;
    if (!pinned) continue;
    // pinned: the device DMAs until the process unpins
    let mapped = true;
    for (;;) {
      const ev = yield mapped && p.munmapWhilePinned ? ['dma_write', 'unpin', 'munmap'] : ['dma_write', 'unpin'];
      if (ev.type === 'dma_write') dma_write(p.block, p.as.file);
      else if (ev.type === 'munmap') {
        munmap(p);
        mapped = false;
      } else break;
    }
    put_page_refs(k, p.page, p.refs);
    if (!mapped) return;
  }
}

/** munmap() and close(): the PTE and the VMA go, and with them the process's open of the file. */
function munmap(p: DmaProcess): void {
  p.page.pte = false;
  p.as.vmas = Math.max(0, p.as.vmas - 1);
  p.as.opens = Math.max(0, p.as.opens - 1);
}

/** __get_user_pages(): follow the PTE; fault it in once if missing; a hole fails with -EFAULT. */
function get_user_pages_slow(k: Kernel, p: DmaProcess): boolean {
  if (follow_page_pte(p.page, p.refs)) return true;
  if (!dax_iomap_pte_fault(k, p.as, p.page, p.block)) return false;
  return follow_page_pte(p.page, p.refs);
}
