/**
 * The kernel revisions daxspec models. A revision is a name for a set of behaviours;
 * each machine factory takes one and builds that era (DOMAIN.md, "Revisions to model").
 */
export const REVISIONS = ['v4.17', 'v8', 'v9', 'v4.18', 'v5.10', 'v6.15'] as const;
export type Revision = (typeof REVISIONS)[number];

export const REVISION_TEXT: Readonly<Record<Revision, string>> = {
  'v4.17': 'before the dma-vs-truncate series: truncate frees blocks without looking at page references',
  v8: 'seed v8 10/18 + 11/18: filesystems claim the pgmap (fs_dax_claim_bdev / fs_dax_release), dm claims its members',
  v9: 'v8 with a NULL check in fs_dax_release',
  'v4.18': 'seed v10 as merged: no claim, MEMORY_DEVICE_FS_DAX set by pmem, devmap_managed_key counter then enable/disable in two steps, truncate waits for idle pages',
  'v5.10': 'v4.18 with atomic static_branch_inc/dec on devmap_managed_key',
  'v6.15': 'current: pages idle at refcount 0, mappings hold references, dax_break_layout(_final), holder protocol',
};

export function isRevision(s: string): s is Revision {
  return (REVISIONS as readonly string[]).includes(s);
}
