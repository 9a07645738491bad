import type { Revision } from './kit/revision.ts';

/**
 * What each revision does on the page / DMA / truncate side (DOMAIN.md,
 * "Revisions to model"). Machines ask these questions instead of comparing
 * revision names, so a reader sees the behaviour each branch stands for.
 */
export interface PageEra {
  /**
   * Reference count of an unused page: 1 until 6.14 (ZONE_DEVICE pages are never
   * onlined, so the base reference stays), 0 from 6.15 (mappings hold references).
   */
  readonly idleRefs: 0 | 1;
  /**
   * What put_page() does on the drop to idle:
   * - 'none' (4.17): pmem pages are MEMORY_DEVICE_HOST; put_page only decrements.
   * - 'devmapKey' (v8..6.14): put_devmap_managed_page() behind devmap_managed_key;
   *   on 2->1 pgmap->page_free() = generic_dax_pagefree() = wake_up_var(&page->_refcount).
   * - 'freeFolio' (6.15): reaching 0 runs free_zone_device_folio() -> wake_up_var(page).
   */
  readonly putHook: 'none' | 'devmapKey' | 'freeFolio';
  /**
   * How truncate / hole punch treats pinned pages:
   * - 'none' (4.17): frees blocks without looking at page references.
   * - 'busyPage' (v8..6.14): dax_layout_busy_page(), which returns nothing busy when
   *   !mapping_mapped() (no VMA left) or under FS_DAX_LIMITED.
   * - 'breakLayout' (6.15): dax_break_layout(), scanning whether or not the file is mapped.
   */
  readonly breakLayouts: 'none' | 'busyPage' | 'breakLayout';
  /** v8+: dax_associate_entry / dax_disassociate_entry bind page->mapping and WARN on misuse. */
  readonly associates: boolean;
  /** 4.18..6.14: dax_disassociate_entry WARNs when truncating a page with page_ref_count > 1. */
  readonly disassociateWarnsBusy: boolean;
  /** 6.15: inode eviction runs dax_break_layout_final() before truncate_inode_pages_final(). */
  readonly evictBreaksLayouts: boolean;
  /** 5.6+: pin_user_pages() (FOLL_PIN) adds GUP_PIN_COUNTING_BIAS = 1024 references per pin. */
  readonly follPin: boolean;
  /** 6.15: a page at refcount 0 is free; GUP-fast's folio_try_get() fails on it. */
  readonly gupTryGetFailsAtZero: boolean;
}

export function pageEra(rev: Revision): PageEra {
  const current = rev === 'v6.15';
  const old = rev === 'v4.17';
  return {
    idleRefs: current ? 0 : 1,
    putHook: old ? 'none' : current ? 'freeFolio' : 'devmapKey',
    breakLayouts: old ? 'none' : current ? 'breakLayout' : 'busyPage',
    associates: !old,
    disassociateWarnsBusy: !old && !current,
    evictBreaksLayouts: current,
    follPin: rev === 'v5.10' || current,
    gupTryGetFailsAtZero: current,
  };
}

/** The filesystems whose truncate paths differ. */
export const FILESYSTEMS = ['xfs', 'ext4', 'ext2'] as const;
export type Filesystem = (typeof FILESYSTEMS)[number];

/**
 * Whether this filesystem's truncate / hole punch breaks layouts in this revision:
 * - xfs: from the dma-vs-truncate series (v8 onwards, merged in 4.18, commit 5fac7408d828);
 * - ext4: one release later (commit 430657b6be89, v4.19), so 4.18's ext4 still frees blocks
 *   without looking at page references;
 * - ext2: ext2_setsize() never calls dax_layout_busy_page() / dax_break_layout() [infer:
 *   fs/ext2/inode.c ext2_setsize: inode_dio_wait, dax_sem, truncate_setsize, __ext2_truncate_blocks].
 */
export function truncateBreaksLayouts(rev: Revision, fs: Filesystem): PageEra['breakLayouts'] {
  const era = pageEra(rev);
  if (fs === 'ext2') return 'none';
  if (fs === 'ext4' && (rev === 'v8' || rev === 'v9' || rev === 'v4.18')) return 'none';
  return era.breakLayouts;
}

/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h, 5.6+). */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** The wait_var_event key truncate sleeps on and put_page wakes: the same address in each era. */
export function idleKey(rev: Revision, page: string): string {
  return pageEra(rev).idleRefs === 0 ? page : `${page}._refcount`;
}
