/**
 * kernel/memremap.c and the put_page() hook of include/linux/mm.h as v4.18 has them (seed 001):
 * dev_pagemap_get_ops / put_ops (a counter step, then a separate static key step), the page-idle
 * callback, and the dev_pagemap reference (percpu_ref) with its kill and drain.
 */
import type { Step } from './codePath.ts';
import { Oops, WouldSleep, kasan_check, type DevPagemap, type Kernel, type Page } from './kernel.ts';

/** dev_pagemap_get_ops(): atomic_inc_return(&devmap_enable) == 1 enables the key, as a second step. */
export function* dev_pagemap_get_ops(k: Kernel): Step {
  if (++k.devmap_enable === 1) {
    yield 'static_branch_enable';
    k.devmap_managed_key = true;
  }
}

/** dev_pagemap_put_ops(): atomic_dec_and_test(&devmap_enable) disables the key, as a second step. */
export function* dev_pagemap_put_ops(k: Kernel): Step {
  yield 'dev_pagemap_put_ops';
  if (--k.devmap_enable === 0) {
    yield 'static_branch_disable';
    k.devmap_managed_key = false;
  }
}

/** v4.18 page_free: wake whoever waits for this page to go idle. */
export function generic_dax_pagefree(k: Kernel, page: Page, _data: unknown): void {
  wake_up_var(k, page);
}

export function wake_up_var(k: Kernel, page: Page): void {
  k.waiters.delete(page);
}

/** __put_devmap_managed_page(): the 2 -> 1 drop is the page going idle. */
export function __put_devmap_managed_page(k: Kernel, page: Page): void {
  const count = --page._refcount;
  if (count === 1) {
    page.pgmap.page_free?.(k, page, page.pgmap.data);
  } else if (count === 0) {
    __put_page(page);
  }
}

/** put_devmap_managed_page(): only when the static key is on does put_page() look at device pages. */
export function put_devmap_managed_page(k: Kernel, page: Page): boolean {
  if (!k.devmap_managed_key) return false;
  if (page.pgmap.type === 'MEMORY_DEVICE_FS_DAX') {
    __put_devmap_managed_page(k, page);
    return true;
  }
  return false;
}

/**
 * put_page(): with the key off, the count drops and nobody is told the page went idle. Before v10
 * (so in v8) the only hook is HMM's, for device-private and device-public pages (the lines seed 001
 * removes): an FS-DAX page's 2 -> 1 drop calls nobody, whatever its pgmap's page_free.
 */
export function put_page(k: Kernel, page: Page): void {
  if (k.rev !== 'v8' && put_devmap_managed_page(k, page)) return;
  if (--page._refcount === 0) __put_page(page);
}

/** __put_page() on a ZONE_DEVICE page, which is never onlined: it frees what was never allocated. */
function __put_page(page: Page): never {
  throw new Oops(`BUG: ${page.name}: __put_page() on a ZONE_DEVICE page (refcount below its idle value)`);
}

export function get_page(page: Page): void {
  page._refcount++;
}

/** get_dev_pagemap(): percpu_ref_tryget_live on a mapped pgmap. */
export function get_dev_pagemap(_k: Kernel, pgmap: DevPagemap | null): DevPagemap | null {
  if (!pgmap || !pgmap.mapped || pgmap.dead) return null;
  kasan_check(pgmap, 'get_dev_pagemap');
  pgmap.ref++;
  return pgmap;
}

export function put_dev_pagemap(_k: Kernel, pgmap: DevPagemap | null): void {
  if (pgmap) pgmap.ref--;
}

export function devm_memremap_pages(_k: Kernel, pgmap: DevPagemap): void {
  pgmap.mapped = true;
}

/**
 * pmem_freeze_queue() kills the ref (q_usage_counter), then devm_memremap_pages_release() puts
 * every page and removes the memory at once: the wait for the references is not here but in
 * blk_cleanup_queue(), which pmem runs last (4.18 kernel/memremap.c, devm_memremap_pages note 3).
 */
export function* devm_memremap_pages_release(_k: Kernel, pgmap: DevPagemap): Step {
  yield 'percpu_ref_kill';
  pgmap.dead = true;
  yield 'memunmap_pages';
  pgmap.mapped = false;
}

/** pmem_release_queue() -> blk_cleanup_queue(): sleep until q_usage_counter, the pgmap ref, drains. */
export function* blk_cleanup_queue(_k: Kernel, pgmap: DevPagemap): Step {
  yield 'wait_for_completion';
  if (pgmap.ref > 0) throw new WouldSleep('blk_cleanup_queue: dev_pagemap references are still held');
}
