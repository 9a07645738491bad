/**
 * The callers of the DAX functions, as far as they matter to the lifecycle: the pmem and dcssblk
 * drivers' probe and remove (drivers/nvdimm/pmem.c, seed 001 and seed 000), a filesystem's
 * fill_super / put_super (ext2/ext4/xfs, seed 000) and a dax_device reader (seed 002). Each is a
 * code path (codePath.ts) that yields before every action another CPU can interleave with.
 */
import type { Step } from './codePath.ts';
import type { DaxDevice, DaxOperations, DevPagemap, Kernel, PmemDevice } from './kernel.ts';
import { dev_pagemap_get_ops, dev_pagemap_put_ops, devm_memremap_pages, devm_memremap_pages_release, generic_dax_pagefree } from './memremap.ts';
import {
  __bdev_dax_supported,
  alloc_dax,
  alloc_dax_devmap,
  dax_alive,
  dax_get_private,
  dax_read_lock,
  dax_read_unlock,
  fs_dax_claim_bdev,
  fs_dax_get_by_bdev,
  fs_dax_release,
  fs_put_dax,
  kill_dax,
  put_dax,
  type BlockDevice,
} from './super.ts';

/** pmem_dax_direct_access(): the driver reads its private data. */
export const pmem_dax_ops: DaxOperations = {
  name: 'pmem',
  direct_access: (_k, dax_dev) => dax_get_private(dax_dev)!.phys_addr,
};

/** dcssblk: FS_DAX_LIMITED, no struct pages, no pgmap. */
export const dcssblk_dax_ops: DaxOperations = {
  name: 'dcssblk',
  direct_access: (_k, dax_dev) => dax_get_private(dax_dev)!.phys_addr,
};

/** v4.18 setup_pagemap_fsdax(): take the page-idle ops, then mark the pgmap FS_DAX. */
function* setup_pagemap_fsdax(k: Kernel, pgmap: DevPagemap): Step {
  yield* dev_pagemap_get_ops(k);
  pgmap.type = 'MEMORY_DEVICE_FS_DAX';
  pgmap.page_free = generic_dax_pagefree;
}

/** pmem_attach_disk(), entered by the probe. `withOps`: the devmap_managed_key is configured. */
export function* pmem_attach_disk(k: Kernel, pmem: PmemDevice, ops: DaxOperations, withOps: boolean): Step {
  if (pmem.pgmap) {
    if (k.rev === 'v4.18' && withOps) yield* setup_pagemap_fsdax(k, pmem.pgmap);
    else if (k.rev === 'v4.18') {
      pmem.pgmap.type = 'MEMORY_DEVICE_FS_DAX';
      pmem.pgmap.page_free = generic_dax_pagefree;
    }
    yield 'devm_memremap_pages';
    devm_memremap_pages(k, pmem.pgmap);
    // memmap_init_zone_device(): the struct pages exist, each at its idle refcount
    for (const page of pmem.pages) page.online = true;
  }
  yield 'alloc_dax';
  pmem.dax_dev = k.rev === 'v8' ? alloc_dax_devmap(k, pmem, pmem.name, ops) : alloc_dax(k, pmem, pmem.name, ops);
  // device_add_disk()
  pmem.disk_present = true;
}

/** Driver unbind: pmem_release_disk() (kill_dax, put_dax), then the devm actions in reverse order. */
export function* pmem_remove(k: Kernel, pmem: PmemDevice, withOps: boolean): Step {
  yield* kill_dax(k, pmem.dax_dev);
  yield 'put_dax';
  put_dax(k, pmem.dax_dev);
  // del_gendisk()
  pmem.disk_present = false;
  if (!pmem.pgmap) return;
  yield* devm_memremap_pages_release(k, pmem.pgmap);
  // pmem_release_pgmap_ops() was registered before devm_memremap_pages, so it runs last
  if (k.rev === 'v4.18' && withOps) yield* dev_pagemap_put_ops(k);
  // devm frees struct pmem_device, and with it the dev_pagemap it embeds
  pmem.pgmap.freed = true;
}

export interface Superblock {
  readonly name: string;
  readonly bdev: BlockDevice;
  readonly fstype: 'ext2' | 'ext4' | 'xfs';
  /** mount -o dax */
  readonly daxOption: boolean;
  s_daxdev: DaxDevice | null;
}

/** The filesystem's way of giving its dax_device back: v8 releases the claim, v4.18 puts. */
function release(k: Kernel, dax_dev: DaxDevice | null, sb: Superblock): void {
  if (k.rev === 'v8') fs_dax_release(k, dax_dev, sb.name);
  else fs_put_dax(k, dax_dev);
}

/** mount: fill_super looks up (v8: claims) the dax_device first; the error path and put_super give it back. */
export function* fill_super(k: Kernel, sb: Superblock): Step {
  const dax_dev = k.rev === 'v8' ? fs_dax_claim_bdev(k, sb.bdev, sb.name) : fs_dax_get_by_bdev(k, sb.bdev);
  const done = yield 'fill_super';
  let ok = (done as { ok?: boolean }).ok === true;
  if (ok && sb.daxOption && !__bdev_dax_supported(k, dax_dev)) {
    // "DAX unsupported by block device": ext2/ext4 fail the mount, xfs turns DAX off and mounts
    ok = sb.fstype === 'xfs';
  }
  if (!ok) {
    release(k, dax_dev, sb);
    return;
  }
  sb.s_daxdev = dax_dev;
  yield ['umount'];
  release(k, sb.s_daxdev, sb);
  sb.s_daxdev = null;
}

/** blkdev_get(): the open fails with -ENXIO once the disk is deleted (or before it is added). */
function blkdev_get(disk: PmemDevice): boolean {
  return disk.disk_present;
}

/** mount_bdev(): open the block device, then fill_super; a failed open fails the mount before it. */
export function* mount_bdev(k: Kernel, sb: Superblock, disk: PmemDevice | null): Step {
  if (disk && !blkdev_get(disk)) return;
  yield* fill_super(k, sb);
}

/** A reader of a dax_device holding its own reference: `sections` read-side sections. */
export function* dax_reader(k: Kernel, dax_dev: DaxDevice | null, sections: number): Step {
  for (let i = 0; i < sections; i++) {
    if (i > 0) yield 'dax_read_lock';
    const id = dax_read_lock(k);
    yield 'dax_alive';
    if (dax_alive(k, dax_dev)) {
      yield 'dax_direct_access';
      dax_dev!.ops.direct_access(k, dax_dev!);
    }
    yield 'dax_read_unlock';
    dax_read_unlock(k, id);
  }
}
