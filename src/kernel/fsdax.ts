/**
 * fs/dax.c and the XFS break-layouts loop as the dma-vs-truncate series has them (v4.18; v8 of the
 * series has the same wait): DAX entries associate a pfn's page with its file; truncate unmaps the
 * file, scans its entries for a busy page (refcount > 1) and sleeps on that page until it goes
 * idle, dropping and retaking the mmap lock around the sleep, before it frees the blocks.
 */
import type { Step } from './codePath.ts';
import { Oops, WARN_ON, WouldSleep, type AddressSpace, type Block, type Kernel, type Page } from './kernel.ts';

/** dax_associate_entry(): bind the pfn's page to the file; it must not belong to another one. */
export function dax_associate_entry(k: Kernel, page: Page, file: string): void {
  WARN_ON(k, page.mapping !== null && page.mapping !== file, 'WARN_ON_ONCE(page->mapping) in dax_associate_entry');
  page.mapping = file;
}

/** dax_disassociate_entry(): truncate must not find the page still referenced. */
export function dax_disassociate_entry(k: Kernel, page: Page, trunc: boolean): void {
  WARN_ON(k, trunc && page._refcount > 1, 'WARN_ON_ONCE(trunc && page_ref_count(page) > 1) in dax_disassociate_entry');
  page.mapping = null;
}

/** dax_iomap_pte_fault(): map the file's block; a hole (the block was truncated away) is SIGBUS. */
export function dax_iomap_pte_fault(k: Kernel, as: AddressSpace, page: Page, block: Block): boolean {
  if (block.owner !== as.file) return false;
  dax_associate_entry(k, page, as.file);
  page.pte = true;
  return true;
}

export function unmap_mapping_range(as: AddressSpace): void {
  for (const page of as.pages) page.pte = false;
}

export function mapping_mapped(as: AddressSpace): boolean {
  return as.vmas > 0;
}

/** dax_layout_busy_page(): NULL when nothing maps the file; else unmap it and return the first busy page. */
export function dax_layout_busy_page(as: AddressSpace): Page | null {
  if (!mapping_mapped(as)) return null;
  unmap_mapping_range(as);
  return as.pages.find((p) => p._refcount > 1) ?? null;
}

/**
 * xfs_break_layouts() -> xfs_break_dax_layouts(): while a page is busy, ___wait_var_event() on it
 * with the mmap lock dropped around schedule(); then truncate_setsize() drops the DAX entries and
 * xfs_itruncate_extents() frees the blocks. Entered with the I/O and mmap locks taken ('truncate').
 */
export function* xfs_setattr_size(k: Kernel, as: AddressSpace): Step {
  for (;;) {
    yield 'break_layouts';
    const page = dax_layout_busy_page(as);
    if (!page) break;
    for (;;) {
      yield 'wait_var_event';
      if (page._refcount === 1) break;
      // prepare_to_wait, then xfs_wait_dax_page(): drop the mmap lock and schedule()
      const waiters = k.waiters.get(page) ?? new Set<string>();
      waiters.add(k.current);
      k.waiters.set(page, waiters);
      yield 'relock';
      if (k.waiters.get(page)?.has(k.current)) throw new WouldSleep('___wait_var_event: nobody woke the page');
      // woken: retake the mmap lock and test the condition again
    }
  }
  yield 'truncate_setsize';
  for (const page of as.pages) {
    page.pte = false;
    dax_disassociate_entry(k, page, true);
  }
  yield 'itruncate_extents';
  for (const block of as.blocks) xfs_free_block(block, as.file);
}

/**
 * evict() of the unlinked inode once nobody maps or opens it (iput_final): before 6.15 nothing looks
 * for pinned pages here; truncate_inode_pages_final() drops the DAX entries, then the extents go.
 */
export function* evict(k: Kernel, as: AddressSpace): Step {
  if (as.vmas > 0 || as.opens > 0) throw new WouldSleep('iput_final: the inode is still mapped or open');
  yield 'truncate_inode_pages_final';
  for (const page of as.pages) dax_disassociate_entry(k, page, true);
  yield 'free_blocks';
  for (const block of as.blocks) xfs_free_block(block, as.file);
}

function xfs_free_block(block: Block, file: string): void {
  if (block.owner === file) block.owner = null;
}

/** A write extending another file: the allocator hands out a free block. */
export function xfs_bmapi_write(block: Block, file: string): boolean {
  if (block.owner !== null) return false;
  block.owner = file;
  return true;
}

/**
 * The device writes through its pin into whatever the block now holds. The kernel notices nothing;
 * like KASAN for memory, this implementation reports the write into another file's block.
 */
export function dma_write(block: Block, file: string): void {
  if (block.owner !== null && block.owner !== file) {
    block.corrupted = true;
    throw new Oops(`detected: DMA for ${file} overwrote a block that now belongs to ${block.owner} (silent data corruption)`);
  }
}
