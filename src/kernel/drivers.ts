/**
 * The callers of the DAX functions, as far as they matter to the lifecycle: the pmem and dcssblk
 * drivers' probe and remove (drivers/nvdimm/pmem.c, seed 001 and seed 000), a filesystem's
 * fill_super / put_super (ext2/ext4/xfs, seed 000) and a dax_device reader (seed 002). Each is a
 * code path (codePath.ts) that yields before every action another CPU can interleave with.
 */
import type { Step } from './codePath.ts';
import {
  WARN_ON,
  WouldSleep,
  type DaxDevice,
  type DaxOperations,
  type DevPagemap,
  type GenDisk,
  type Kernel,
  type MappedDevice,
  type PmemDevice,
} from './kernel.ts';
import {
  blk_cleanup_queue,
  dev_pagemap_get_ops,
  dev_pagemap_put_ops,
  devm_memremap_pages,
  devm_memremap_pages_release,
  generic_dax_pagefree,
} from './memremap.ts';
import {
  __bdev_dax_supported,
  alloc_dax,
  alloc_dax_devmap,
  dax_alive,
  __fs_dax_release,
  dax_get_by_host,
  dax_get_private,
  fs_dax_claim,
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
  direct_access: (_k, dax_dev) => (dax_get_private(dax_dev) as PmemDevice | null)!.phys_addr,
};

/** dcssblk: FS_DAX_LIMITED, no struct pages, no pgmap. */
export const dcssblk_dax_ops: DaxOperations = {
  name: 'dcssblk',
  direct_access: (_k, dax_dev) => (dax_get_private(dax_dev) as PmemDevice | null)!.phys_addr,
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

/**
 * Driver unbind: pmem_release_disk() (kill_dax, put_dax), then the devm actions in reverse order. A dcssblk device (no
 * pgmap) is removed by dcssblk_remove_store(): -EBUSY while its disk is open (use_count), else list_del() and, as a step
 * of its own (a mount may open the disk in between), kill_dax(); no release of 4.18 or v8 calls dax_remove_host there.
 */
export function* pmem_remove(k: Kernel, pmem: PmemDevice, withOps: boolean): Step {
  if (!pmem.pgmap) {
    if (pmem.open_count > 0) throw new WouldSleep('dcssblk remove: the disk is open (-EBUSY)');
    yield 'dcss_kill_dax';
  }
  yield* kill_dax(k, pmem.dax_dev);
  yield 'put_dax';
  put_dax(k, pmem.dax_dev);
  // del_gendisk()
  pmem.disk_present = false;
  if (!pmem.pgmap) return;
  yield* devm_memremap_pages_release(k, pmem.pgmap);
  // pmem_release_pgmap_ops() was registered before devm_memremap_pages, so it runs last
  if (k.rev === 'v4.18' && withOps) yield* dev_pagemap_put_ops(k);
  // pmem_release_queue() was registered first, so it runs after everything else
  yield* blk_cleanup_queue(k, pmem.pgmap);
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
function blkdev_get(disk: GenDisk): boolean {
  if (!disk.disk_present) return false;
  disk.open_count++;
  return true;
}

function blkdev_put(disk: GenDisk): void {
  disk.open_count--;
}

/** mount_bdev(): open the block device, then fill_super; a failed open fails the mount before it. */
export function* mount_bdev(k: Kernel, sb: Superblock, disk: GenDisk | null): Step {
  if (disk && !blkdev_get(disk)) return;
  yield* fill_super(k, sb);
  if (disk) blkdev_put(disk);
}

// ---------------------------------------------------------------------------------------------
// device-mapper (drivers/md/dm.c) with the v8 ->fs_claim / ->fs_release of seed 004

/** v8 dm_dax_dev_claim(): claim one target's member; a failure is a kernel bug worth a WARN. */
function dm_dax_dev_claim(k: Kernel, dev: DaxDevice | null, owner: string): number {
  if (fs_dax_claim(k, dev!, owner)) return 0;
  WARN_ON(k, true, 'WARN_ON_ONCE(1) in dm_dax_dev_claim: a member refused the claim');
  return -6; // -ENXIO
}

function dm_dax_dev_release(k: Kernel, dev: DaxDevice | null, owner: string): number {
  __fs_dax_release(k, dev, owner);
  return 0;
}

/** dm_dax_iterate(): call `fn` on every target's member device of the live table. */
function dm_dax_iterate(
  k: Kernel,
  dax_dev: DaxDevice,
  fn: (k: Kernel, dev: DaxDevice | null, owner: string) => number,
  owner: string,
): DaxDevice {
  const md = dax_get_private(dax_dev) as MappedDevice;
  for (const t of md.targets) fn(k, md.table_devices![t], owner);
  return dax_dev;
}

export const dm_dax_ops: DaxOperations = {
  name: 'dm',
  fs_claim: (k, dax_dev, owner) => dm_dax_iterate(k, dax_dev, dm_dax_dev_claim, owner),
  fs_release: (k, dax_dev, owner) => void dm_dax_iterate(k, dax_dev, dm_dax_dev_release, owner),
  direct_access: () => 0,
};

/** v4.18 has no ->fs_claim / ->fs_release. */
export const dm_dax_ops_v418: DaxOperations = { name: 'dm', direct_access: () => 0 };

/**
 * A mapped device's life: dm create (alloc_dev -> alloc_dax), table load (open_table_device looks
 * every member up by host, one reference per table device), dm remove (__dm_destroy: close the
 * table devices, then kill_dax and put_dax of the device's own dax_device).
 */
export function* dm_device(k: Kernel, md: MappedDevice, memberHosts: readonly (string | null)[]): Step {
  md.dax_dev = alloc_dax(k, md, md.name, k.rev === 'v8' ? dm_dax_ops : dm_dax_ops_v418);
  for (;;) {
    const ev = yield md.table_devices ? ['dm_remove'] : ['table_load', 'dm_remove'];
    if (ev.type === 'dm_remove') {
      if (md.open_count > 0) throw new WouldSleep('dm remove: the mapped device is open (-EBUSY)');
      break;
    }
    // table load: dm_get_device() for every target opens each distinct member once
    const opened: (DaxDevice | null)[] = [];
    let failed = false;
    for (const host of memberHosts) {
      if (host === null) {
        opened.push(null);
        continue;
      }
      const dax_dev = dax_get_by_host(k, host);
      if (!dax_dev) {
        failed = true;
        break;
      }
      opened.push(dax_dev);
    }
    if (failed) {
      for (const d of opened) put_dax(k, d);
      continue;
    }
    md.table_devices = opened;
    md.disk_present = true;
  }
  // __dm_destroy(): dm_table_destroy() -> close_table_device() -> put_dax(td->dm_dev.dax_dev)
  md.disk_present = false;
  for (const d of md.table_devices ?? []) put_dax(k, d);
  md.table_devices = null;
  yield* kill_dax(k, md.dax_dev);
  yield 'put_dax';
  put_dax(k, md.dax_dev);
  md.dax_dev = null;
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
