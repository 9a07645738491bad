/**
 * drivers/dax/super.c as the seeds show it: the dax_device lifecycle (seed 002), the v8 claim and
 * release of the dev_pagemap (seed 004, v8 10/18), and the lookup by block device (seed 000 before
 * v8 11/18, which v4.18 keeps). One function per kernel function, same names, same control flow.
 */
import {
  Oops,
  WARN_ON,
  WouldSleep,
  kasan_check,
  type DaxDevice,
  type DaxOperations,
  type DevPagemap,
  type Kernel,
  type MappedDevice,
  type PmemDevice,
} from './kernel.ts';
import type { Step } from './codePath.ts';
import { get_dev_pagemap, put_dev_pagemap } from './memremap.ts';

/** srcu_read_lock(&dax_srcu): the current task enters a read-side section. */
export function dax_read_lock(k: Kernel): string {
  k.dax_srcu.inside.add(k.current);
  return k.current;
}

export function dax_read_unlock(k: Kernel, id: string): void {
  k.dax_srcu.inside.delete(id);
  // a grace period waits only for readers that were inside when it began
  for (const waiting of k.dax_srcu.gp.values()) waiting.delete(id);
}

export function dax_alive(k: Kernel, dax_dev: DaxDevice | null): boolean {
  // lockdep_assert_held(&dax_srcu)
  if (!k.dax_srcu.inside.has(k.current)) k.warnings.push('lockdep: dax_alive() outside dax_read_lock()');
  return dax_dev!.alive;
}

/**
 * synchronize_srcu(&dax_srcu), in the two halves a concurrent reader can tell apart: the grace
 * period begins (the readers inside now are the ones to wait for), then it ends once they left.
 */
export function* synchronize_srcu(k: Kernel): Step {
  yield 'synchronize_srcu';
  k.dax_srcu.gp.set(k.current, new Set(k.dax_srcu.inside));
  yield 'srcu_grace_period_end';
  if (k.dax_srcu.gp.get(k.current)!.size > 0)
    throw new WouldSleep('synchronize_srcu: readers that entered before the grace period are still inside');
  k.dax_srcu.gp.delete(k.current);
}

/** kill_dax(): clear ALIVE, wait for the readers that may have seen it set, then tear down. */
export function* kill_dax(k: Kernel, dax_dev: DaxDevice | null): Step {
  if (!dax_dev) return;
  yield 'clear_bit_alive';
  kasan_check(dax_dev, 'kill_dax').alive = false;
  yield* synchronize_srcu(k);
  yield 'kill_dax_teardown';
  // hlist_del_init(&dax_dev->list): later lookups by host do not find it
  kasan_check(dax_dev, 'kill_dax').hashed = false;
  k.hosts.delete(dax_dev.host);
  dax_dev.private = null;
}

/** alloc_dax(): a new inode with ALIVE set; the driver holds its one reference. */
export function alloc_dax(k: Kernel, priv: PmemDevice | MappedDevice, host: string, ops: DaxOperations): DaxDevice {
  const dax_dev: DaxDevice = { host, i_count: 1, alive: true, private: priv, ops, pgmap: null, hashed: true, freed: false };
  k.hosts.set(host, dax_dev);
  return dax_dev;
}

/** v8 11/18: alloc_dax_devmap() records the pgmap the filesystem will claim. */
export function alloc_dax_devmap(k: Kernel, priv: PmemDevice, host: string, ops: DaxOperations): DaxDevice {
  const dax_dev = alloc_dax(k, priv, host, ops);
  dax_dev.pgmap = priv.pgmap;
  return dax_dev;
}

/** The inode's final iput: dax_destroy_inode() warns when kill_dax() was never called. */
function dax_destroy_inode(k: Kernel, dax_dev: DaxDevice): void {
  WARN_ON(k, dax_dev.alive, 'WARN_ONCE in dax_destroy_inode: kill_dax() must be called before final iput()');
  dax_dev.freed = true;
}

function iput(k: Kernel, dax_dev: DaxDevice): void {
  if (dax_dev.freed) throw new Oops('use after free: iput on a freed dax_device inode');
  if (--dax_dev.i_count === 0) dax_destroy_inode(k, dax_dev);
}

function igrab(dax_dev: DaxDevice): DaxDevice | null {
  if (dax_dev.freed || dax_dev.i_count === 0) return null;
  dax_dev.i_count++;
  return dax_dev;
}

export function put_dax(k: Kernel, dax_dev: DaxDevice | null): void {
  if (!dax_dev) return;
  iput(k, dax_dev);
}

export function dax_get_private(dax_dev: DaxDevice): PmemDevice | MappedDevice | null {
  return dax_dev.private;
}

/** dax_get_by_host(): under dax_read_lock, the first live device of that host, with a reference. */
export function dax_get_by_host(k: Kernel, host: string | null): DaxDevice | null {
  if (!host) return null;
  const id = dax_read_lock(k);
  let found: DaxDevice | null = null;
  const dax_dev = k.hosts.get(host);
  if (dax_dev && dax_dev.hashed && dax_alive(k, dax_dev)) found = igrab(dax_dev);
  dax_read_unlock(k, id);
  return found;
}

export const fs_dax_get_by_host = dax_get_by_host;

/** A block device as the filesystem sees it: its queue's DAX flag and its disk's name. */
export interface BlockDevice {
  readonly queue_dax: boolean;
  readonly disk_name: string;
}

/** fs_dax_get_by_bdev() (v4.18 and before v8 11/18): a referenced dax_device, or NULL. */
export function fs_dax_get_by_bdev(k: Kernel, bdev: BlockDevice): DaxDevice | null {
  if (!bdev.queue_dax) return null;
  return fs_dax_get_by_host(k, bdev.disk_name);
}

export function fs_put_dax(k: Kernel, dax_dev: DaxDevice | null): void {
  put_dax(k, dax_dev);
}

/** The pgmap behind the pfns dax_direct_access() returns: pmem's own, a dm device's member's. */
function pfn_pgmap(dax_dev: DaxDevice): DevPagemap | null {
  const priv = dax_get_private(dax_dev);
  if (!priv) return null;
  if ('pgmap' in priv) return priv.pgmap;
  const member = priv.table_devices?.[priv.targets[0]] ?? null;
  return member ? pfn_pgmap(member) : null;
}

/** v8: the pgmap's page_free callback installed by the claim ("TODO: wakeup page-idle waiters"). */
export function generic_dax_pagefree_v8(): void {}

/** v8 fs_dax_claim(): make the owner the pgmap's one filesystem, under devmap_lock. */
export function fs_dax_claim(k: Kernel, dax_dev: DaxDevice, owner: string): DaxDevice | null {
  if (!dax_dev.pgmap) return dax_dev;
  const pgmap = kasan_check(dax_dev.pgmap, 'fs_dax_claim');
  // mutex_lock(&devmap_lock): one step here, nothing else runs in between
  if (pgmap.data && pgmap.data === owner) {
    // dm might try to claim the same device more than once...
    return dax_dev;
  } else if (pgmap.page_free || pgmap.type !== 'MEMORY_DEVICE_HOST') {
    put_dax(k, dax_dev);
    return null;
  }
  pgmap.type = 'MEMORY_DEVICE_FS_DAX';
  pgmap.page_free = generic_dax_pagefree_v8;
  pgmap.data = owner;
  return dax_dev;
}

/** v8 fs_dax_claim_bdev(): look the device up by host, then claim through its ops. */
export function fs_dax_claim_bdev(k: Kernel, bdev: BlockDevice, owner: string): DaxDevice | null {
  if (!bdev.queue_dax) return null;
  const dax_dev = fs_dax_get_by_host(k, bdev.disk_name);
  // the lookup may return NULL; v8 reads dax_dev->ops regardless
  if (dax_dev!.ops.fs_claim) return dax_dev!.ops.fs_claim(k, dax_dev!, owner);
  return fs_dax_claim(k, dax_dev!, owner);
}

/** v8 __fs_dax_release(): drop the reference, then revert the claim. */
export function __fs_dax_release(k: Kernel, dax_dev: DaxDevice | null, owner: string): void {
  const pgmap = dax_dev ? dax_dev.pgmap : null;
  put_dax(k, dax_dev);
  if (!pgmap) return;
  if (!kasan_check(pgmap, '__fs_dax_release').data) return;
  WARN_ON(k, pgmap.data !== owner, 'WARN_ON(pgmap->data != owner) in __fs_dax_release');
  pgmap.type = 'MEMORY_DEVICE_HOST';
  pgmap.page_free = null;
  pgmap.data = null;
}

/** v8 fs_dax_release(): no NULL check before dax_dev->ops (the oops of seed 000/003). */
export function fs_dax_release(k: Kernel, dax_dev: DaxDevice | null, owner: string): void {
  if (dax_dev!.ops.fs_release) dax_dev!.ops.fs_release(k, dax_dev!, owner);
  else __fs_dax_release(k, dax_dev, owner);
}

/**
 * __bdev_dax_supported() as v4.18 has it (seed 001): FS_DAX_LIMITED special pfns pass; devmap
 * pfns pass only when their pgmap is MEMORY_DEVICE_FS_DAX. v8 asks only whether the pfn is devmap.
 */
export function __bdev_dax_supported(k: Kernel, dax_dev: DaxDevice | null): boolean {
  if (!dax_dev) return false;
  if (dax_dev.ops.name === 'dcssblk') return true; // pfn_t_special(pfn) under FS_DAX_LIMITED
  const pfnPgmap = pfn_pgmap(dax_dev);
  if (k.rev === 'v8') return !!pfnPgmap;
  const pgmap = get_dev_pagemap(k, pfnPgmap);
  if (pgmap && pgmap.type === 'MEMORY_DEVICE_FS_DAX') {
    put_dev_pagemap(k, pgmap);
    return true;
  }
  put_dev_pagemap(k, pgmap);
  return false;
}
