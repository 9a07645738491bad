import { REVISIONS, type Revision } from './kit/revision.ts';

/**
 * One row per revision: everything a machine or scenario decides by kernel revision is a
 * field of `Era`, and `ERAS` is the only place that says which revision does what
 * (DOMAIN.md, "Revisions to model"). Machines ask `ERAS[rev].device.holder`, never
 * `rev === 'v6.15'`, so a reader sees the behaviour a branch stands for. Every field is
 * required and typed as a boolean or a union, so a new row that misses a decision does not
 * compile, and a new decision is a new field every row must fill.
 */

/** What a revision does on the device / ownership side. */
export interface DeviceEra {
  /** v8/v9: filesystems claim the pgmap with fs_dax_claim_bdev / release it with fs_dax_release [seed 004, seed 000]. */
  readonly claimsPgmap: boolean;
  /** v9: fs_dax_release checks for NULL before reading dax_dev->ops. */
  readonly releaseChecksNull: boolean;
  /**
   * 6.0+ (8012b8660855 "dax: introduce holder for dax_device"): fs_dax_get_by_bdev(bdev, &off, holder, ops)
   * cmpxchg's holder_data, fs_put_dax(dax_dev, holder) gives it back, kill_dax notifies the holder. 5.19 has
   * none of it (5.19.9 include/linux/dax.h: fs_dax_get_by_bdev(bdev, start_off), fs_put_dax(dax_dev) = put_dax).
   */
  readonly holder: boolean;
  /**
   * The flag kill_dax() passes when it notifies a registered holder (drivers/dax/super.c kill_dax:
   * `if (dax_dev->holder_data != NULL) dax_holder_notify_failure(dax_dev, 0, U64_MAX, flags)`):
   * - 'none': no holder in this era, nothing to notify;
   * - 'flags0' (6.0..6.7): flags 0, an ordinary whole-device failure to the holder;
   * - 'preRemove' (6.8+, fa422b353d21 "mm, pmem, xfs: Introduce MF_MEM_PRE_REMOVE for unbind"; 6.8 and 6.15
   *   drivers/dax/super.c): MF_MEM_PRE_REMOVE.
   */
  readonly killNotifies: KillNotifies;
  /**
   * dcssblk_remove_store() calls dax_remove_host() before kill_dax() (6.8 drivers/s390/block/dcssblk.c, after
   * list_del() and segment_unload()); 6.0's never does (only its add error path), so until kill_dax() clears ALIVE a
   * mount that opened the disk after the use_count check still finds the dax_device. Irrelevant where there is no
   * holder (the host table is what 6.0+ fs_dax_get_by_bdev() looks the disk up in) and where dcssblk has no DAX.
   */
  readonly dcssblkRemovesHost: boolean;
  /**
   * 6.8 dcssblk_remove_store(): segment_unload() right after the use_count check, before kill_dax(); a mount that
   * opened the disk after the check reads its superblock (dcssblk_submit_bio) from memory that is no longer mapped.
   * 4.16..6.0 unload the segment last, after del_gendisk().
   */
  readonly dcssblkUnloadsFirst: boolean;
  /**
   * What xfs_dax_failure_fn() does at a reverse-map record that is no file's (a superblock, an AG header, a btree
   * block), which a whole-device notification meets first (AG 0, block 0 is OWN_FS):
   * - 'stop' (6.0 fs/xfs/xfs_notify_failure.c): xfs_force_shutdown(SHUTDOWN_CORRUPT_ONDISK) and -EFSCORRUPTED, which
   *   ends the walk there: no file's mappings are unmapped and no user is killed;
   * - 'defer' (6.1+, e033f40be262 "xfs: on memory failure, only shut down fs after scanning all mappings"): it notes
   *   want_shutdown and goes on; every file's mappings are handled, then the filesystem shuts down.
   */
  readonly xfsMetadataRecord: 'stop' | 'defer';
  /**
   * What xfs_dax_notify_failure() finds when a notification reaches a holder whose unmount already ran xfs_unmountfs()
   * (put_super: the allocation groups freed), before fs_put_dax() gives the holder slot back (xfs_close_devices() at
   * the end of put_super in 6.0; from 6.6 xfs_mount_free() in ->kill_sb, after the main block device is closed).
   * Nothing keeps a notifier out of that window (not s_umount, not dax_read_lock, not mf_mutex):
   * - 'nullDeref' (6.0, 6.8 fs/xfs/xfs_notify_failure.c xfs_dax_notify_ddev_failure): the per-AG loop asks
   *   xfs_perag_get(mp, agno), which finds nothing and returns NULL, and passes it to xfs_alloc_read_agf() unchecked:
   *   a NULL pointer dereference (with rmapbt; without it the handler returns -EOPNOTSUPP first);
   * - 'emptyWalk' (6.15: xfs_group_next_range() over the groups' xarray): the loop finds no group and runs zero
   *   times; the handler returns 0 (a PRE_REMOVE notification also WARNs in freeze_super on the dying superblock).
   * Irrelevant where there is no holder.
   */
  readonly xfsNotifyAfterUnmount: 'nullDeref' | 'emptyWalk';
  /**
   * 6.6..6.8 (xfs_kill_sb: kill_block_super(), then xfs_mount_free(); 6.8 fs/xfs/xfs_super.c, fs/super.c): the main
   * block device is released (bdev_release(), which reaches the driver's close) after xfs_unmountfs() and before
   * fs_put_dax() gives the holder slot back, so a driver remove that refuses an open disk can pass in between. 6.0
   * closes it last, after put_super's xfs_close_devices() -> fs_put_dax(); from 6.9 kill_block_super() calls
   * bdev_fput(), whose fput() defers the close to task work that runs after ->kill_sb returned (6.15 fs/file_table.c
   * __fput_deferred): after fs_put_dax() again (a kernel review).
   */
  readonly xfsClosesBdevBeforeHolderPut: boolean;
  /** v4.18+: pmem sets MEMORY_DEVICE_FS_DAX and page_free at attach [seed 001]. */
  readonly fsdaxTypeAtAttach: boolean;
  /** v4.18: dev_pagemap_get_ops/put_ops: a counter step, then a separate enable/disable step [seed 001]. */
  readonly keyTwoStep: boolean;
  /** v5.10: memremap_pages/memunmap_pages take static_branch_inc/dec, one atomic step each. */
  readonly keyAtomic: boolean;
  /**
   * dax_get_private() returns NULL once ALIVE is clear (6.8 drivers/dax/super.c dax_get_private:
   * `if (!test_bit(DAXDEV_ALIVE, &dax_dev->flags)) return NULL;`; the same in a stored 5.6..5.16 super.c,
   * whose kill_dax only unhashes after synchronize_srcu()); 4.17 returns private unconditionally. So
   * a reader between dax_direct_access()'s alive test and pmem_dax_direct_access() gets NULL as soon as
   * kill_dax() clears ALIVE, not only after its teardown.
   */
  readonly privateChecksAlive: boolean;
  /** v4.18+: mount -o dax asks get_dev_pagemap for MEMORY_DEVICE_FS_DAX [seed 001]; before, pfn_t_devmap sufficed. */
  readonly daxSupportedChecksType: boolean;
  /** FS_DAX_LIMITED (s390 dcssblk: DAX pfns without struct page) exists from 4.15 until 6.15 removed it. */
  readonly fsDaxLimited: boolean;
}

/** How truncate / hole punch treats pinned pages (see PageEra.breakLayouts). */
export type BreakLayouts = 'none' | 'busyPage' | 'breakLayout';

/** What a revision does on the page / DMA / truncate side. */
export interface PageEra {
  /**
   * Reference count of an unused page: 1 until 6.14 (ZONE_DEVICE pages are never
   * onlined, so the base reference stays), 0 from 6.15 (mappings hold references).
   */
  readonly idleRefs: 0 | 1;
  /**
   * What put_page() does on the drop to idle:
   * - 'none' (4.16, 4.17): pmem pages are MEMORY_DEVICE_HOST; put_page only decrements
   *   (4.17 include/linux/mm.h put_page: only device private/public pages have a hook).
   * - 'devmapKey' (v8..6.14): put_devmap_managed_page() behind devmap_managed_key;
   *   on 2->1 pgmap->page_free() = generic_dax_pagefree() = wake_up_var(&page->_refcount).
   * - 'freeFolio' (6.15): reaching 0 runs free_zone_device_folio() -> wake_up_var(page).
   */
  readonly putHook: 'none' | 'devmapKey' | 'freeFolio';
  /**
   * How truncate / hole punch treats pinned pages:
   * - 'none' (4.16, 4.17): frees blocks without looking at page references (4.17 fs/dax.c has no
   *   dax_layout_busy_page; xfs_break_layouts only breaks pNFS leases).
   * - 'busyPage' (v8..6.14): dax_layout_busy_page(), which returns nothing busy when
   *   !mapping_mapped() (no VMA left) or under FS_DAX_LIMITED.
   * - 'breakLayout' (6.15): dax_break_layout(), scanning whether or not the file is mapped.
   */
  readonly breakLayouts: BreakLayouts;
  /**
   * Whether each filesystem's truncate / hole punch breaks layouts in this revision:
   * - xfs: from the dma-vs-truncate series (v8 onwards, merged in 4.18, commit 5fac7408d828);
   * - ext4: one release later (commit 430657b6be89, v4.19), so 4.18's ext4 still frees blocks
   *   without looking at page references;
   * - ext2: ext2_setsize() never calls dax_layout_busy_page() / dax_break_layout() [infer:
   *   fs/ext2/inode.c ext2_setsize: inode_dio_wait, dax_sem, truncate_setsize, __ext2_truncate_blocks].
   */
  readonly truncateBreaksLayouts: Readonly<Record<Filesystem, BreakLayouts>>;
  /**
   * 4.17+ (d2c997c0f145, 4.17-rc1): dax_associate_entry / dax_disassociate_entry bind page->mapping
   * and WARN on misuse; both return at once under CONFIG_FS_DAX_LIMITED (4.17 fs/dax.c).
   */
  readonly associates: boolean;
  /**
   * 4.17..6.14: dax_disassociate_entry WARNs when truncating a page with page_ref_count > 1
   * (4.17 fs/dax.c: WARN_ON_ONCE(trunc && page_ref_count(page) > 1)); 4.17 warns and frees anyway.
   */
  readonly disassociateWarnsBusy: boolean;
  /**
   * xfs_break_layouts() scans again only if the wait slept: the v9 series ([PATCH v9 9/9], and
   * still [PATCH v11 7/7]) passes did_unlock to xfs_wait_dax_page(), which alone sets it, so a
   * busy page that is idle at ___wait_var_event()'s first test ends the loop without a rescan.
   * The merged code (4.19.91 fs/xfs/xfs_file.c xfs_break_dax_layouts: `*retry = true` before the
   * wait) always scans again, as 5.10, 6.8 do; 6.15 loops inside dax_break_layout(). v8: the
   * same as v9 [infer: the v8 posting of xfs_break_dax_layouts not read].
   */
  readonly breakRescanNeedsSleep: boolean;
  /**
   * Whether inode eviction runs dax_break_layout_final() before truncate_inode_pages_final(), by filesystem: from
   * 6.15 xfs (xfs_fs_evict_inode) and ext4 (ext4_evict_inode) do; ext2 does not (6.15 fs/ext2/inode.c
   * ext2_evict_inode goes to truncate_inode_pages_final() and ext2_truncate_blocks() with no break).
   */
  readonly evictBreaksLayouts: Readonly<Record<Filesystem, boolean>>;
  /** 5.6+: pin_user_pages() (FOLL_PIN) adds GUP_PIN_COUNTING_BIAS = 1024 references per pin. */
  readonly follPin: boolean;
  /** 6.15: a page at refcount 0 is free; GUP-fast's folio_try_get() fails on it. */
  readonly gupTryGetFailsAtZero: boolean;
  /**
   * How memunmap_pages() (devm_memremap_pages_release() before 5.0) takes the pages down:
   * - 'removeThenDrain' (4.12..4.20): put_page() on every pfn (its base reference), a
   *   percpu_ref_tryget_live() check, then arch_remove_memory() at once; the wait for the
   *   references (pmem's q_usage_counter) comes last, in blk_cleanup_queue() [infer:
   *   4.18 kernel/memremap.c devm_memremap_pages_release, drivers/nvdimm/pmem.c devm order];
   * - 'putWaitRemove' (5.0..5.17, commit a95c90f1e2c2 and 50f44ee7248a "fix final page put race"):
   *   kill, put_page() on every pfn, wait_for_completion() until every page reference on the
   *   pgmap is gone, then arch_remove_memory() [infer: 5.10 mm/memremap.c memunmap_pages];
   * - 'refOnly' (5.18+, 27674ef6c73f "mm: remove the extra ZONE_DEVICE struct page refcount", based on
   *   v5.17-rc4, merged for 5.18): kill, then
   *   percpu_ref_put_many() of the base references the pgmap took for its pfns; no page's
   *   refcount is touched and no page holds the pgmap; wait, then pageunmap_range()
   *   [infer: 6.15 mm/memremap.c memunmap_pages].
   */
  readonly memunmap: MemunmapOrder;
  /**
   * Which of the era's put paths each way a driver drops its GUP references takes (PutRoute):
   * 'hook' goes through the era's idle hook (putHook: put_devmap_managed_page() behind the key,
   * free_zone_device_folio() at 0), 'skipsHook' only decrements (put_page_testzero()). The one
   * route that skips it: release_pages(), which special-cases only device-public pages until
   * c5d6c45e90c4 "mm/swap: fix release_pages() when releasing devmap pages" (5.3): 4.17 mm/swap.c
   * release_pages() -> put_page_testzero(); 5.10 mm/swap.c release_pages(): is_zone_device_page()
   * && page_is_devmap_managed() -> put_devmap_managed_page(); 6.8 the same on the folio;
   * 6.15 folios_put_refs(): folio_ref_sub_and_test() -> free_zone_device_folio().
   * put_page() and unpin_user_page(s) (5.10 mm/gup.c put_compound_head(): page_ref_sub(refs - 1),
   * then put_page(); 6.8 gup_put_folio(): put_devmap_managed_page_refs(); 6.15 folio_put_refs())
   * always reach the hook. In 4.16/4.17 there is no hook for any route to skip.
   */
  readonly putRoutes: Readonly<Record<PutRoute, 'hook' | 'skipsHook'>>;
  /**
   * GUP-fast's PMD path re-reads the PMD after taking its references and gives them back if it
   * changed: a9b6de77b1a3 "mm: fix __gup_device_huge vs unmap" (4.18; 5.10, 6.8 mm/gup.c
   * __gup_device_huge_pmd: `if (unlikely(pmd_val(orig) != pmd_val(*pmdp))) undo_dev_pagemap()`;
   * 6.15 gup_fast_pmd_leaf). 4.17 mm/gup.c __gup_device_huge_pmd() calls __gup_device_huge(),
   * which takes get_dev_pagemap() + get_page() per subpage, and returns: no re-check.
   */
  readonly gupFastPmdRecheck: boolean;
  /**
   * GUP-fast leaves a DAX PMD to the slow path (6.15: vmf_insert_folio_pmd() passes a pfn with no devmap flag, so
   * insert_pfn_pmd() makes the entry pmd_mkspecial(), and mm/gup.c gup_fast_pmd_leaf() returns 0 on pmd_special()
   * before it grabs anything; x86-64 has pmd_special). Before 6.15 the DAX PMD is devmap and GUP-fast takes it.
   */
  readonly gupFastSkipsDaxPmd: boolean;
  /**
   * What a PMD entry's pfns are to the page side: 'subpages' (4.16..6.14: 512 struct pages, each
   * with its own refcount; GUP takes references on the subpages it covers, dax_busy_page() walks
   * every pfn of the entry), 'largeFolio' (6.15: vmf_insert_folio_pmd() maps one large folio,
   * one refcount and mapcount for the entry; gup_fast_pmd_leaf() -> try_grab_folio_fast() on it).
   */
  readonly pmdUnit: 'subpages' | 'largeFolio';
  /**
   * What a reference taken on a page whose refcount is 0 does (GUP's get): 'resurrects' (4.17
   * include/linux/mm.h get_page(): only VM_BUG_ON_PAGE(page_ref_count(page) <= 0) under
   * CONFIG_DEBUG_VM, then page_ref_inc), 'warnFails' (5.10 try_get_page() / try_grab_page():
   * WARN_ON_ONCE(page_ref_count(page) <= 0), return false; 6.8 try_grab_page(), 6.15
   * try_grab_folio(): WARN_ON_ONCE(folio_ref_count(folio) <= 0), -ENOMEM).
   */
  readonly getAtZero: 'resurrects' | 'warnFails';
}

/**
 * The ways a driver gives back the references GUP took: put_page() (FOLL_GET),
 * unpin_user_page(s) (FOLL_PIN, 5.6+; before, the same drivers used put_page(), 5.3..5.5
 * put_user_page(s)), release_pages() (batch release of FOLL_GET references: GPU userptr,
 * KVM SEV sev_unpin_memory() before its pin_user_pages() conversion).
 */
export const PUT_ROUTES = ['put_page', 'unpin_user_page', 'release_pages'] as const;
export type PutRoute = (typeof PUT_ROUTES)[number];

export type KillNotifies = 'none' | 'flags0' | 'preRemove';

export type MemunmapOrder = 'removeThenDrain' | 'putWaitRemove' | 'refOnly';

/** The filesystems whose truncate paths differ. */
export const FILESYSTEMS = ['xfs', 'ext4', 'ext2'] as const;
export type Filesystem = (typeof FILESYSTEMS)[number];

/** One revision: what `daxspec list` says of it and every behaviour the machines ask about. */
export interface Era {
  /**
   * 'release': a mainline kernel release (its code is in that release's tree);
   * 'series': a version of a patch series as posted to the list, never released as such.
   */
  readonly kind: 'release' | 'series';
  /** What every output shows for the revision: the release's name, or "v8 series" for a posting. */
  readonly label: string;
  /** One line for `daxspec list` and the docs. */
  readonly text: string;
  readonly device: DeviceEra;
  readonly page: PageEra;
}

/** The table: every row is written out in full (no row borrows another's), so a new field is decided in every row. */
export const ERAS: Readonly<Record<Revision, Era>> = {
  'v4.16': {
    kind: 'release',
    label: 'v4.16',
    text: 'before the dma-vs-truncate series (before d2c997c0f145): no page->mapping for DAX, truncate frees blocks without looking at page references',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: false,
      keyTwoStep: false,
      keyAtomic: false,
      privateChecksAlive: false,
      daxSupportedChecksType: false,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'none',
      breakLayouts: 'none',
      truncateBreaksLayouts: { xfs: 'none', ext4: 'none', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: false,
      disassociateWarnsBusy: false,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: false,
      gupTryGetFailsAtZero: false,
      memunmap: 'removeThenDrain',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'skipsHook' },
      gupFastPmdRecheck: false,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'resurrects',
    },
  },
  'v4.17': {
    kind: 'release',
    label: 'v4.17',
    text:
      'v4.16 with dax_associate_entry / dax_disassociate_entry (d2c997c0f145): page->mapping set, WARN when truncate meets a busy page, ' +
      'but no wait: truncate still frees the blocks',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: false,
      keyTwoStep: false,
      keyAtomic: false,
      privateChecksAlive: false,
      daxSupportedChecksType: false,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'none',
      breakLayouts: 'none',
      truncateBreaksLayouts: { xfs: 'none', ext4: 'none', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: false,
      gupTryGetFailsAtZero: false,
      memunmap: 'removeThenDrain',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'skipsHook' },
      gupFastPmdRecheck: false,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'resurrects',
    },
  },
  v8: {
    kind: 'series',
    label: 'v8 series',
    text: 'seed v8 10/18 + 11/18: filesystems claim the pgmap (fs_dax_claim_bdev / fs_dax_release), dm claims its members',
    device: {
      claimsPgmap: true,
      releaseChecksNull: false,
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: false,
      keyTwoStep: false,
      keyAtomic: false,
      privateChecksAlive: false,
      daxSupportedChecksType: false,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'none', ext2: 'none' },
      breakRescanNeedsSleep: true,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: false,
      gupTryGetFailsAtZero: false,
      memunmap: 'removeThenDrain',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'skipsHook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'resurrects',
    },
  },
  v9: {
    kind: 'series',
    label: 'v9 series',
    text: 'v8 with a NULL check in fs_dax_release',
    device: {
      claimsPgmap: true,
      releaseChecksNull: true,
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: false,
      keyTwoStep: false,
      keyAtomic: false,
      privateChecksAlive: false,
      daxSupportedChecksType: false,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'none', ext2: 'none' },
      breakRescanNeedsSleep: true,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: false,
      gupTryGetFailsAtZero: false,
      memunmap: 'removeThenDrain',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'skipsHook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'resurrects',
    },
  },
  'v4.18': {
    kind: 'release',
    label: 'v4.18',
    text:
      'seed v10 as merged: no claim, MEMORY_DEVICE_FS_DAX set by pmem, devmap_managed_key counter then enable/disable in two steps, ' +
      'truncate waits for idle pages',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: true,
      keyTwoStep: true,
      keyAtomic: false,
      privateChecksAlive: false,
      daxSupportedChecksType: true,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'none', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: false,
      gupTryGetFailsAtZero: false,
      memunmap: 'removeThenDrain',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'skipsHook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'resurrects',
    },
  },
  'v5.10': {
    kind: 'release',
    label: 'v5.10',
    text: 'v4.18 with atomic static_branch_inc/dec on devmap_managed_key',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: true,
      keyTwoStep: false,
      keyAtomic: true,
      privateChecksAlive: true,
      daxSupportedChecksType: true,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'busyPage', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: true,
      gupTryGetFailsAtZero: false,
      memunmap: 'putWaitRemove',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'hook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'warnFails',
    },
  },
  'v5.19': {
    kind: 'release',
    label: 'v5.19',
    text:
      'v5.10 with pages that no longer hold the pgmap (memunmap_pages puts only the pgmap base references, 27674ef6c73f, 5.18) ' +
      'and folio GUP puts (gup_put_folio -> put_devmap_managed_page_refs); still no dax holder',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      // 5.19.9 include/linux/dax.h: fs_dax_get_by_bdev(bdev, start_off) and fs_put_dax(dax_dev) = put_dax():
      // no holder_data / holder_ops; the holder arrives in 6.0 (8012b8660855, the fsdax-rmap series).
      holder: false,
      killNotifies: 'none',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: true,
      keyTwoStep: false,
      keyAtomic: true,
      privateChecksAlive: true,
      daxSupportedChecksType: true,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'busyPage', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: true,
      // GUP-fast try_get_folio() -> folio_ref_try_add_rcu() fails at 0; with refOnly no page reaches 0 by removal.
      gupTryGetFailsAtZero: true,
      memunmap: 'refOnly',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'hook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'warnFails',
    },
  },
  'v6.0': {
    kind: 'release',
    label: 'v6.0',
    text:
      'v5.19 with the dax holder (fs_dax_get_by_bdev(bdev, &off, holder, ops), fs_put_dax(dax, holder), 8012b8660855): ' +
      'kill_dax notifies a registered holder with flags 0; xfs_dax_notify_failure needs rmapbt',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      holder: true,
      killNotifies: 'flags0',
      dcssblkRemovesHost: false,
      dcssblkUnloadsFirst: false,
      // 6.0 fs/xfs/xfs_notify_failure.c xfs_dax_failure_fn: a non-inode owner shuts down and returns -EFSCORRUPTED.
      xfsMetadataRecord: 'stop',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: true,
      keyTwoStep: false,
      keyAtomic: true,
      privateChecksAlive: true,
      daxSupportedChecksType: true,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'busyPage', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: true,
      gupTryGetFailsAtZero: true,
      memunmap: 'refOnly',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'hook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'warnFails',
    },
  },
  'v6.8': {
    kind: 'release',
    label: 'v6.8',
    text: 'v6.0 with MF_MEM_PRE_REMOVE (fa422b353d21): at unbind the xfs holder freezes, invalidates the mappings, kills the users, shuts down',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      // 6.8 drivers/dax/super.c kill_dax: if (holder_data) dax_holder_notify_failure(dax_dev, 0, U64_MAX, MF_MEM_PRE_REMOVE).
      holder: true,
      killNotifies: 'preRemove',
      dcssblkRemovesHost: true,
      dcssblkUnloadsFirst: true,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'nullDeref',
      xfsClosesBdevBeforeHolderPut: true,
      fsdaxTypeAtAttach: true,
      // 6.8 mm/memremap.c devmap_managed_enable_get/put: static_branch_inc/dec.
      keyTwoStep: false,
      keyAtomic: true,
      privateChecksAlive: true,
      daxSupportedChecksType: true,
      fsDaxLimited: true,
    },
    page: {
      idleRefs: 1,
      // 6.8 mm/memremap.c __put_devmap_managed_page_refs: page_ref_sub_return(page, refs) == 1 -> wake_up_var(&page->_refcount).
      putHook: 'devmapKey',
      breakLayouts: 'busyPage',
      // 6.8 fs/ext4/inode.c ext4_break_layouts: dax_layout_busy_page(); fs/xfs/xfs_file.c xfs_break_dax_layouts likewise.
      truncateBreaksLayouts: { xfs: 'busyPage', ext4: 'busyPage', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      // 6.8 fs/dax.c dax_disassociate_entry: WARN_ON_ONCE(trunc && page_ref_count(page) > 1).
      disassociateWarnsBusy: true,
      evictBreaksLayouts: { xfs: false, ext4: false, ext2: false },
      follPin: true,
      // 6.8 mm/gup.c try_get_folio: folio_ref_try_add_rcu() fails at 0.
      gupTryGetFailsAtZero: true,
      // 6.8 mm/memremap.c memunmap_pages: percpu_ref_kill, percpu_ref_put_many, wait_for_completion, pageunmap_range.
      memunmap: 'refOnly',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'hook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: false,
      pmdUnit: 'subpages',
      getAtZero: 'warnFails',
    },
  },
  'v6.15': {
    kind: 'release',
    label: 'v6.15',
    text: 'current: pages idle at refcount 0, mappings hold references, dax_break_layout(_final), holder protocol',
    device: {
      claimsPgmap: false,
      releaseChecksNull: false,
      holder: true,
      killNotifies: 'preRemove',
      dcssblkRemovesHost: true,
      dcssblkUnloadsFirst: true,
      xfsMetadataRecord: 'defer',
      xfsNotifyAfterUnmount: 'emptyWalk',
      xfsClosesBdevBeforeHolderPut: false,
      fsdaxTypeAtAttach: true,
      keyTwoStep: false,
      keyAtomic: false,
      privateChecksAlive: true,
      daxSupportedChecksType: true,
      fsDaxLimited: false,
    },
    page: {
      idleRefs: 0,
      putHook: 'freeFolio',
      breakLayouts: 'breakLayout',
      truncateBreaksLayouts: { xfs: 'breakLayout', ext4: 'breakLayout', ext2: 'none' },
      breakRescanNeedsSleep: false,
      associates: true,
      disassociateWarnsBusy: false,
      evictBreaksLayouts: { xfs: true, ext4: true, ext2: false },
      follPin: true,
      gupTryGetFailsAtZero: true,
      memunmap: 'refOnly',
      putRoutes: { put_page: 'hook', unpin_user_page: 'hook', release_pages: 'hook' },
      gupFastPmdRecheck: true,
      gupFastSkipsDaxPmd: true,
      pmdUnit: 'largeFolio',
      getAtZero: 'warnFails',
    },
  },
};

/** What `daxspec list` and the docs print for each revision. */
export const REVISION_TEXT = Object.fromEntries(REVISIONS.map((r) => [r, ERAS[r].text])) as Readonly<Record<Revision, string>>;

/** The name every output shows for a revision: "v8 series" for a patch-series posting, the release name otherwise. */
export const REVISION_LABEL = Object.fromEntries(REVISIONS.map((r) => [r, ERAS[r].label])) as Readonly<Record<Revision, string>>;

/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h, 5.6+). */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** The wait_var_event key truncate sleeps on and put_page wakes: the same address in each era. */
export function idleKey(rev: Revision, page: string): string {
  return ERAS[rev].page.idleRefs === 0 ? page : `${page}._refcount`;
}
