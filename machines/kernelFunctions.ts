import { ERAS } from './eras.ts';
import type { Revision } from './kit/revision.ts';

/**
 * The kernel functions the machines name (in a state's or a transition's `meta.fn`, or a machine's), with
 * the releases each exists in: `docs --lint` refuses a function a machine names in a revision whose kernel
 * does not have it (a name from another era, a structure, prose). A new function a machine names is a new
 * entry here; a new revision needs nothing here (a release's functions follow from its number, a series'
 * from the release it was posted against plus the functions it adds).
 *
 * Each entry was read in the trees below (a definition at column 0 in fs, mm, include, kernel, block, lib,
 * drivers/{dax,nvdimm,md,s390/block}, arch/x86/mm), which `read` records; the rest come from the release
 * history or the postings, which `src` names:
 * - 4.17: SaumyaSachdev/linux-4.17 (4.17.0), 5.10: Rtoax/linux-5.10.13 at 098b5116^ (its drivers/dax/super.c
 *   and drivers/nvdimm/pmem.c are absent), 6.8: vivo50kff/linux-6.8 (6.8.0), 6.15: hanskoetjing/cxlshm-linux-6.15.4.
 */
export interface FunctionSpan {
  /** The first mainline release that has it; absent: older than every revision modelled (4.16). */
  readonly since?: string;
  /** The first mainline release that no longer has it (removed or renamed); absent: still there in 6.15. */
  readonly until?: string;
  /** Also in the patch series (v8, v9 postings), although no release before `since` has it (the series adds it). */
  readonly series?: true;
  /** No mainline release has it: only the postings (`series`) or a later out-of-tree series name it. */
  readonly unmerged?: true;
  /** Releases between `since` and `until` that lack it (renamed away and back). */
  readonly gap?: { readonly since: string; readonly until: string };
  /** The trees above in which its definition was read. */
  readonly read?: readonly ('4.17' | '5.10' | '6.8' | '6.15')[];
  /** Where it is known from when no tree above shows it. */
  readonly src?: string;
}

const ALL = ['4.17', '5.10', '6.8', '6.15'] as const;
const FROM_5_10 = ['5.10', '6.8', '6.15'] as const;
const FROM_6_8 = ['6.8', '6.15'] as const;
const TO_5_10 = ['4.17', '5.10'] as const;
const SERIES = 'posting: the dma-vs-truncate series v8/v9 (seed 004, seed 000); never merged as such';
const V418 = 'commit 5fac7408d828 and the v10/v11 series as merged in 4.18 (fidelity brief, section 1)';

/** Every kernel function a machine names, by name. */
export const KERNEL_FUNCTIONS: Readonly<Record<string, FunctionSpan>> = {
  // Waiting and waking (kernel/sched/wait_bit.c, 4.16: 6b2bb7265f0b "sched/wait: Introduce wait_var_event()").
  ___wait_var_event: { since: '4.16', read: ALL },
  wake_up_var: { since: '4.16', read: ALL },
  schedule: { read: ALL },
  wait_for_completion: { read: ALL },
  synchronize_srcu: { read: ALL },
  down_read: { read: ALL },
  down_write: { read: ALL },
  up_read: { read: ALL },
  up_write: { read: ALL },
  // Static keys (include/linux/jump_label.h).
  static_branch_enable: { read: ALL },
  static_branch_disable: { read: ALL },
  static_branch_inc: { read: ALL },
  static_branch_dec: { read: ALL },
  static_branch_unlikely: { read: ALL },
  static_key_enabled: { read: ALL },
  // percpu_ref (include/linux/percpu-refcount.h).
  percpu_ref_kill: { read: ALL },
  percpu_ref_put: { read: ALL },
  percpu_ref_tryget_live: { read: ALL },
  // The dax_device (drivers/dax/super.c).
  alloc_dax: { read: ALL },
  put_dax: { read: ALL },
  kill_dax: { read: ALL },
  dax_read_lock: { read: ALL },
  dax_read_unlock: { read: ALL },
  dax_alive: { read: ['4.17', '6.8', '6.15'], src: 'drivers/dax/super.c is absent from the 5.10 tree' },
  dax_direct_access: { read: ALL },
  dax_destroy_inode: { read: ['4.17', '6.8', '6.15'], src: 'drivers/dax/super.c is absent from the 5.10 tree' },
  dax_get_private: { read: ['4.17', '6.8', '6.15'], src: 'drivers/dax/super.c is absent from the 5.10 tree' },
  dax_get_by_host: { until: '5.17', read: TO_5_10, src: 'removed with the host list (dax_remove_host added in 5.17)' },
  fs_dax_get_by_host: { until: '5.3', read: ['4.17'] },
  dax_remove_host: { since: '5.17', read: FROM_6_8 },
  dax_holder: { since: '6.0', read: FROM_6_8 },
  dax_holder_notify_failure: { since: '6.0', read: FROM_6_8 },
  fs_dax_get_by_bdev: { read: ALL },
  fs_put_dax: { read: ALL },
  fs_dax_get: { unmerged: true, src: 'famfs postings (2025): fs_dax_get() in drivers/dax/super.c, in no release modelled' },
  __bdev_dax_supported: { until: '5.3', read: ['4.17'] },
  bdev_dax_supported: { until: '5.16', read: TO_5_10 },
  __generic_fsdax_supported: { since: '5.3', until: '5.16', read: ['5.10'] },
  // The dma-vs-truncate series as posted (v8/v9): the claim protocol, never merged.
  fs_dax_claim: { series: true, unmerged: true, src: SERIES },
  fs_dax_claim_bdev: { series: true, unmerged: true, src: SERIES },
  fs_dax_release: { series: true, unmerged: true, src: SERIES },
  __fs_dax_release: { series: true, unmerged: true, src: SERIES },
  dm_dax_iterate: { series: true, unmerged: true, src: SERIES },
  dm_dax_dev_claim: { series: true, unmerged: true, src: SERIES },
  dm_dax_dev_release: { series: true, unmerged: true, src: SERIES },
  dm_dax_fs_claim: { series: true, unmerged: true, src: SERIES },
  dm_dax_fs_release: { series: true, unmerged: true, src: SERIES },
  generic_dax_pagefree: { series: true, unmerged: true, src: SERIES },
  fsdax_pagefree: {
    since: '4.18',
    until: '5.1',
    src: 'drivers/nvdimm/pmem.c: wake_up_var(&page->_refcount) (read in the diff that renames it)',
  },
  pmem_pagemap_page_free: {
    since: '5.1',
    until: '6.8',
    src: 'drivers/nvdimm/pmem.c: the dev_pagemap_ops page_free (read in the diffs that add and change it; absent from the 6.8 tree)',
  },
  // The page hook and the pgmap (kernel/memremap.c, mm/memremap.c since 5.0).
  dev_pagemap_get_ops: { since: '4.18', until: '5.3', series: true, src: V418 },
  dev_pagemap_put_ops: { since: '4.18', until: '5.3', series: true, src: V418 },
  setup_pagemap_fsdax: {
    since: '4.18',
    until: '5.3',
    series: true,
    src: 'drivers/nvdimm/pmem.c: dev_pagemap_get_ops(), type = MEMORY_DEVICE_FS_DAX (read in the diffs that change and remove it)',
  },
  devmap_managed_enable_get: { since: '5.3', read: FROM_5_10 },
  devmap_managed_enable_put: { since: '5.3', read: FROM_5_10 },
  put_devmap_managed_page: { since: '4.18', until: '6.15', series: true, read: ['5.10', '6.8'], src: V418 },
  __put_devmap_managed_page: { since: '4.18', until: '5.9', series: true, src: V418 },
  free_devmap_managed_page: { since: '5.9', until: '5.18', read: ['5.10'] },
  put_devmap_managed_page_refs: { since: '6.4', until: '6.15', read: ['6.8'] },
  free_zone_device_folio: { since: '6.15', read: ['6.15'] },
  folio_put_refs: { since: '6.0', read: FROM_6_8 },
  __put_devmap_managed_page_refs: {
    since: '6.0',
    until: '6.15',
    read: ['6.8'],
    src: 'mm/memremap.c: page_ref_sub_return() == 1 -> wake_up_var() ("mm: fix missing wake-up event for FSDAX pages")',
  },
  put_page: { read: ALL },
  handle_mm_fault: { read: ALL },
  // Batch release and huge entries (put branch, issue 14): named from the fidelity brief, not read in the trees above.
  release_pages: { src: 'mm/swap.c release_pages (4.17 .. 6.8 as read by the put branch; 6.15 folios_put_refs)' },
  folios_put_refs: { since: '6.9', src: 'mm/swap.c (the folio batch put that replaced release_pages inside)' },
  gup_pmd_range: { until: '6.10', src: 'mm/gup.c, renamed gup_fast_pmd_range in 6.10' },
  gup_fast_pmd_range: { since: '6.10', src: 'mm/gup.c' },
  __gup_device_huge_pmd: { until: '6.15', src: 'mm/gup.c (4.17 without the PMD re-check; a9b6de77b1a3 adds it in 4.18)' },
  gup_fast_pmd_leaf: { since: '6.10', src: 'mm/gup.c (a PMD leaf as one large folio)' },
  __put_page: { until: '6.0', read: TO_5_10 },
  put_page_testzero: { read: ALL },
  get_dev_pagemap: { read: ALL },
  put_dev_pagemap: { read: ALL },
  devm_memremap_pages: { read: ALL },
  devm_memremap_pages_release: { read: ALL },
  memremap_pages: { since: '5.3', read: FROM_5_10 },
  memunmap_pages: { since: '5.3', read: FROM_5_10 },
  pageunmap_range: { since: '5.10', read: FROM_5_10 },
  memmap_init_zone_device: { since: '5.0', read: FROM_5_10 },
  arch_remove_memory: { read: ALL },
  memory_failure: { read: ALL },
  memory_failure_dev_pagemap: { since: '5.0', read: FROM_5_10 },
  pmem_pagemap_memory_failure: { since: '6.0', read: FROM_6_8 },
  // The pmem and dcssblk drivers, the block layer.
  pmem_attach_disk: { read: ['4.17', '6.8', '6.15'], src: 'drivers/nvdimm/pmem.c is absent from the 5.10 tree' },
  pmem_release_disk: { read: ['4.17', '6.8', '6.15'], src: 'drivers/nvdimm/pmem.c is absent from the 5.10 tree' },
  pmem_release_queue: { until: '5.16', read: ['4.17'], src: 'drivers/nvdimm/pmem.c until the queue became the disk’s (5.16)' },
  pmem_freeze_queue: {
    until: '5.1',
    read: ['4.17'],
    src: 'drivers/nvdimm/pmem.c; replaced by dev_pagemap_ops .kill = pmem_pagemap_kill (read in that diff)',
  },
  dcssblk_add_store: { read: ['4.17', '6.8', '6.15'], src: 'drivers/s390/block/dcssblk.c is absent from the 5.10 tree' },
  dcssblk_submit_bio: { since: '5.9', src: 'drivers/s390/block/dcssblk.c (dcssblk_make_request before the 5.9 submit_bio conversion)' },
  dcssblk_remove_store: { read: ['4.17', '6.8', '6.15'], src: 'drivers/s390/block/dcssblk.c is absent from the 5.10 tree' },
  device_add_disk: { read: ALL },
  device_release_driver: { read: ALL, src: 'drivers/base/dd.c (read there with git grep: outside the folders of the definition scan)' },
  submit_bio: { read: ALL },
  del_gendisk: { read: ALL },
  blk_cleanup_queue: { until: '6.0', read: TO_5_10 },
  blkdev_get: { until: '5.11', read: TO_5_10 },
  blkdev_get_by_dev: { until: '6.8', read: TO_5_10 },
  blkdev_put: { until: '6.7', read: TO_5_10 },
  bdev_open_by_dev: { since: '6.7', until: '6.9', read: ['6.8'] },
  bdev_file_open_by_dev: { since: '6.9', read: ['6.15'] },
  bdev_release: { since: '6.7', read: FROM_6_8 },
  bdev_fput: { since: '6.9', read: ['6.15'] },
  // device-mapper (drivers/md/dm.c, dm-table.c, dm-ioctl.c).
  alloc_dev: { read: ALL },
  dm_create: { read: ALL },
  __dm_destroy: { read: ALL },
  cleanup_mapped_device: { read: ALL },
  open_table_device: { read: ALL },
  close_table_device: { read: ALL },
  dm_get_device: { read: ALL },
  dm_put_device: { read: ALL },
  dm_swap_table: { read: ALL },
  dm_table_add_target: { read: ALL },
  dm_table_destroy: { read: ALL },
  dm_blk_open: { read: ALL },
  dm_blk_close: { read: ALL },
  table_load: { read: ALL },
  dev_remove: { read: ALL },
  // Filesystems: mount and unmount.
  mount_bdev: { read: ALL },
  generic_shutdown_super: { read: ALL },
  ext4_fill_super: { read: ALL },
  ext4_put_super: { read: ALL },
  xfs_fs_fill_super: {
    gap: { since: '5.5', until: '5.11' },
    read: ['4.17', '6.8', '6.15'],
    src: 'xfs_fc_fill_super while xfs used the fs_context names (5.5 mount-api conversion until after 5.10)',
  },
  xfs_fc_fill_super: { since: '5.5', until: '5.11', read: ['5.10'] },
  xfs_fs_put_super: { read: ALL },
  xfs_free_buftarg: { read: ALL },
  xfs_dax_notify_failure: { since: '6.0', read: FROM_6_8 },
  xfs_dax_notify_ddev_failure: { since: '6.0', read: FROM_6_8 },
  xfs_kill_sb: {
    since: '6.6',
    src: 'fs/xfs/xfs_super.c, 2a9311adb87c "xfs: free the xfs_mount in ->kill_sb" (6.6); read in 6.8 and 6.15 by a kernel review',
  },
  // The superblock's life (fs/super.c, in every release modelled).
  deactivate_super: { src: 'fs/super.c' },
  kill_block_super: { src: 'fs/super.c' },
  thaw_super: { src: 'fs/super.c' },
  xfs_force_shutdown: { read: ALL, src: 'fs/xfs/xfs_mount.h: a function-like macro for xfs_do_force_shutdown()' },
  xfs_read_iomap_begin: { since: '5.8', read: FROM_6_8, src: 'fs/xfs/xfs_iomap.c (split from xfs_file_iomap_begin)' },
  mf_dax_kill_procs: { since: '6.0', read: FROM_6_8 },
  // Inodes, mappings, truncate.
  iput: { read: ALL },
  iput_final: { read: ALL },
  evict: { read: ALL },
  mapping_mapped: { read: ALL },
  unmap_mapping_pages: { read: ALL },
  truncate_pagecache: { read: ALL },
  truncate_inode_pages: { read: ALL },
  truncate_inode_pages_final: { read: ALL },
  xfs_vn_setattr: { read: ALL },
  xfs_vn_setattr_size: { read: ALL },
  xfs_setattr_size: { read: ALL },
  xfs_ilock: { read: ALL },
  xfs_inactive: { read: ALL },
  xfs_itruncate_extents: { read: ALL },
  xfs_bmapi_read: { read: ALL },
  xfs_bmapi_write: { read: ALL },
  xfs_file_write_iter: { read: ALL },
  xfs_break_layouts: { read: ALL },
  xfs_break_dax_layouts: { since: '4.18', series: true, read: FROM_5_10, src: V418 },
  xfs_wait_dax_page: { since: '4.18', series: true, read: FROM_5_10, src: V418 },
  ext4_setattr: { read: ALL },
  ext4_truncate: { read: ALL },
  ext4_break_layouts: { since: '4.19', read: FROM_5_10 },
  ext4_wait_dax_page: { since: '4.19', read: FROM_5_10 },
  ext2_setsize: { read: ALL },
  __ext2_truncate_blocks: { read: ALL },
  // fs/dax.c.
  dax_iomap_fault: { read: ALL },
  dax_iomap_pte_fault: { read: ALL },
  dax_iomap_pfn: { until: '5.16', read: TO_5_10 },
  dax_iomap_direct_access: { since: '5.16', read: FROM_6_8 },
  dax_insert_mapping_entry: { until: '5.0', read: ['4.17'] },
  dax_insert_entry: { since: '5.0', read: FROM_5_10 },
  dax_associate_entry: { since: '4.17', read: ALL },
  dax_disassociate_entry: { since: '4.17', read: ALL },
  dax_delete_mapping_entry: { read: ALL },
  dax_layout_busy_page: { since: '4.18', series: true, read: FROM_5_10, src: V418 },
  dax_layout_busy_page_range: { since: '5.10', read: FROM_5_10 },
  dax_busy_page: { since: '4.18', series: true, read: FROM_5_10, src: V418 },
  dax_break_layout: { since: '6.15', read: ['6.15'] },
  dax_break_layout_inode: { since: '6.15', read: ['6.15'] },
  dax_break_layout_final: { since: '6.15', read: ['6.15'] },
  dax_delete_mapping_range: { since: '6.15', read: ['6.15'] },
  wait_page_idle_uninterruptible: { since: '6.15', read: ['6.15'] },
  // Memory: mmap, faults, GUP (mm/gup.c, mm/memory.c, mm/mmap.c).
  mmap_region: { read: ALL },
  do_munmap: { read: ALL },
  unmap_region: { read: ALL },
  zap_pte_range: { read: ALL },
  flush_tlb_mm_range: { read: ALL },
  xfs_filemap_fault: { read: ALL },
  __xfs_filemap_fault: { until: '6.10', read: ['4.17', '5.10', '6.8'] },
  vmf_insert_mixed: { read: ALL },
  vmf_insert_page_mkwrite: { since: '6.15', read: ['6.15'] },
  get_user_pages: { read: ALL },
  get_user_pages_fast: { read: ALL },
  gup_fast: { since: '6.10', read: ['6.15'] },
  get_user_pages_longterm: { until: '5.2', read: ['4.17'] },
  __get_user_pages: { read: ALL },
  faultin_page: { read: ALL },
  follow_page_mask: { read: ALL },
  follow_page_pte: { read: ALL },
  gup_pte_range: { until: '6.10', read: ['4.17', '5.10', '6.8'], src: 'renamed gup_fast_pte_range in 6.10' },
  gup_fast_pte_range: { since: '6.10', read: ['6.15'] },
  try_grab_page: { since: '5.8', until: '6.10', read: ['5.10', '6.8'] },
  try_grab_folio: { since: '6.0', read: FROM_6_8 },
  try_grab_folio_fast: { since: '6.11', read: ['6.15'] },
  gup_put_folio: { since: '6.0', read: FROM_6_8 },
  unpin_user_page: { since: '5.6', read: FROM_5_10 },
};

/** The release a revision's kernel is, as `major.minor`; a series is read as the release it was posted against. */
const SERIES_BASE = '4.17';

function releaseOf(rev: Revision): { release: string; series: boolean } {
  const era = ERAS[rev];
  return era.kind === 'series' ? { release: SERIES_BASE, series: true } : { release: era.label.replace(/^v/, ''), series: false };
}

/** -1, 0, 1 as release `a` is older than, the same as or newer than `b` (`4.18` < `4.19` < `5.0`). */
function compareRelease(a: string, b: string): number {
  const [x, y] = [a, b].map((r) => r.split('.').map(Number));
  return x[0] - y[0] || x[1] - y[1];
}

/** Whether the kernel of `rev` has the function: false for a name the list does not declare. */
export function hasKernelFunction(rev: Revision, fn: string): boolean {
  const span = Object.hasOwn(KERNEL_FUNCTIONS, fn) ? KERNEL_FUNCTIONS[fn] : undefined;
  if (!span) return false;
  const { release, series } = releaseOf(rev);
  if (series && span.series) return true;
  if (span.unmerged) return false;
  const afterStart = span.since === undefined || compareRelease(release, span.since) >= 0;
  const beforeEnd = span.until === undefined || compareRelease(release, span.until) < 0;
  const inGap = !!span.gap && compareRelease(release, span.gap.since) >= 0 && compareRelease(release, span.gap.until) < 0;
  return afterStart && beforeEnd && !inGap;
}

/**
 * The first of `names` that the kernel of `rev` has: how a machine names a function that was renamed or
 * replaced (`fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range')`). With no revision (a revision-independent
 * build) or no match, the first name: the lint then reports it.
 */
export function fnOf(rev: Revision | undefined, ...names: [string, ...string[]]): string {
  return (rev && names.find((n) => hasKernelFunction(rev, n))) || names[0];
}
