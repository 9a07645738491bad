import type { Revision } from './kit/revision.ts';

/**
 * What each revision does on the device/ownership side (DOMAIN.md, "Revisions to model").
 * Machines ask these questions instead of comparing revision names, so a reader sees
 * the behaviour a branch stands for.
 */
export interface DeviceEra {
  /** v8/v9: filesystems claim the pgmap with fs_dax_claim_bdev / release it with fs_dax_release [seed 004, seed 000]. */
  readonly claimsPgmap: boolean;
  /** v9: fs_dax_release checks for NULL before reading dax_dev->ops. */
  readonly releaseChecksNull: boolean;
  /** v6.15: fs_dax_get_by_bdev(bdev, holder, ops) cmpxchg's holder_data; kill_dax notifies the holder. */
  readonly holder: boolean;
  /** v4.18+: pmem sets MEMORY_DEVICE_FS_DAX and page_free at attach [seed 001]. */
  readonly fsdaxTypeAtAttach: boolean;
  /** v4.18: dev_pagemap_get_ops/put_ops: a counter step, then a separate enable/disable step [seed 001]. */
  readonly keyTwoStep: boolean;
  /** v5.10: memremap_pages/memunmap_pages take static_branch_inc/dec, one atomic step each. */
  readonly keyAtomic: boolean;
  /**
   * dax_get_private() returns NULL once ALIVE is clear: in current drivers/dax/super.c and
   * already in a ~v5.3 snapshot (AnghaBench's extract of super.c); not known for v4.18.
   */
  readonly privateChecksAlive: boolean;
  /** v4.18+: mount -o dax asks get_dev_pagemap for MEMORY_DEVICE_FS_DAX [seed 001]; before, pfn_t_devmap sufficed. */
  readonly daxSupportedChecksType: boolean;
}

export function deviceEra(rev: Revision): DeviceEra {
  const claim = rev === 'v8' || rev === 'v9';
  return {
    claimsPgmap: claim,
    releaseChecksNull: rev === 'v9',
    holder: rev === 'v6.15',
    fsdaxTypeAtAttach: rev === 'v4.18' || rev === 'v5.10' || rev === 'v6.15',
    keyTwoStep: rev === 'v4.18',
    keyAtomic: rev === 'v5.10',
    privateChecksAlive: rev === 'v5.10' || rev === 'v6.15',
    daxSupportedChecksType: rev === 'v4.18' || rev === 'v5.10' || rev === 'v6.15',
  };
}

/** `{ fn, src }` for a state or transition's meta. */
export const m = (fn: string, src: string, extra: Record<string, unknown> = {}) => ({ fn, src, ...extra });

type Meta = { fn?: string; src?: string; [k: string]: unknown };

/**
 * Gives every state of a built machine a `meta` with `src` (and `fn` where it has none):
 * a state stands in the kernel function its own transitions belong to, so both come from
 * its first transition that says; `src` falls back to the machine's source file. Meta
 * written on a state wins. Runs once per factory call, on the machine's own state nodes.
 */
export function withStateMeta<M extends { root: unknown }>(machine: M, src: string): M {
  const visit = (node: any): void => {
    const ts: any[] = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    const first = ts.find((t) => t?.meta)?.meta as Meta | undefined;
    const meta: Meta = { ...(node.meta ?? {}) };
    if (!meta.src) meta.src = first?.src ?? src;
    if (!meta.fn && first?.fn) meta.fn = first.fn;
    node.meta = meta;
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  return machine;
}
