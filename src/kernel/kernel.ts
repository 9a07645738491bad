/**
 * A small imperative model of the kernel state the DAX lifecycle functions touch, written from
 * what the seed threads show the code does (seeds 001, 002, 004). It is an implementation, not a
 * spec: nothing here reads the machines. Functions that the kernel can be preempted in are
 * generators (see codePath.ts); plain functions run atomically, as one step.
 *
 * Pointers are `T | null`, and the code dereferences them where the kernel does, without a check:
 * a NULL dereference then throws a TypeError, which the caller reports as the oops it is.
 */

/** The kernel revisions this implementation follows. */
export type KernelRevision = 'v8' | 'v4.18';

/** A BUG/oops: the kernel cannot go on. */
export class Oops extends Error {}

/** A code path that must sleep here (the kernel would schedule away): the step cannot happen now. */
export class WouldSleep extends Error {}

export interface DaxOperations {
  readonly name: 'pmem' | 'dcssblk' | 'dm';
  fs_claim?: (k: Kernel, dax_dev: DaxDevice, owner: string) => DaxDevice | null;
  fs_release?: (k: Kernel, dax_dev: DaxDevice, owner: string) => void;
  direct_access: (k: Kernel, dax_dev: DaxDevice) => number;
}

/** struct dax_device: an inode of the dax pseudo-fs (i_count is its reference count). */
export interface DaxDevice {
  readonly host: string;
  i_count: number;
  alive: boolean;
  /** The driver's private data (struct pmem_device, struct mapped_device), NULL after kill_dax. */
  private: PmemDevice | MappedDevice | null;
  ops: DaxOperations;
  /** v8: alloc_dax_devmap's pgmap. */
  pgmap: DevPagemap | null;
  /** On the host hash list (dax_get_by_host finds it). */
  hashed: boolean;
  /** dax_destroy_inode ran: any further use is a use after free. */
  freed: boolean;
}

export type MemoryType = 'MEMORY_DEVICE_HOST' | 'MEMORY_DEVICE_FS_DAX';

/** struct dev_pagemap with its percpu_ref. */
export interface DevPagemap {
  type: MemoryType;
  page_free: ((k: Kernel, page: Page, data: unknown) => void) | null;
  /** v8: the claiming owner. */
  data: string | null;
  /** percpu_ref: references from get_dev_pagemap (the pages' own base references are not counted here). */
  ref: number;
  dead: boolean;
  /** devm_memremap_pages has run and memunmap_pages has not. */
  mapped: boolean;
  /** Embedded in struct pmem_device, which devm frees when the driver unbinds. */
  freed: boolean;
}

/** A gendisk as block device opens see it. */
export interface GenDisk {
  /** Added and not yet deleted (dm: a live table): the block device can be opened. */
  disk_present: boolean;
  open_count: number;
}

/** struct mapped_device with its live table: one table device per distinct member, targets over them. */
export interface MappedDevice extends GenDisk {
  readonly name: string;
  dax_dev: DaxDevice | null;
  /** td->dm_dev.dax_dev of each table device, once the table is loaded. */
  table_devices: (DaxDevice | null)[] | null;
  /** Target i maps onto table device targets[i]. */
  readonly targets: readonly number[];
}

export interface PmemDevice extends GenDisk {
  readonly name: string;
  dax_dev: DaxDevice | null;
  readonly pgmap: DevPagemap | null;
  readonly phys_addr: number;
  /** The struct pages of the device's pfns, created by devm_memremap_pages. */
  readonly pages: Page[];
}

/** struct page of an FS-DAX pfn (idle at refcount 1 in these revisions). */
export interface Page {
  readonly name: string;
  _refcount: number;
  pgmap: DevPagemap;
  /** The struct page exists (memmap_init_zone_device ran). */
  online: boolean;
  /** A PTE of the one process in these scenarios maps the pfn. */
  pte: boolean;
  /** page->mapping: the file the pfn is associated with (dax_associate_entry). */
  mapping: string | null;
}

/** A filesystem block the page's pfn stands for: whose it is, and whether DMA overwrote another file's data. */
export interface Block {
  owner: string | null;
  corrupted: boolean;
}

/** struct address_space of a DAX file: its VMAs, its pages and blocks. */
export interface AddressSpace {
  readonly file: string;
  vmas: number;
  /** Open file descriptions; munmap() here also closes the process's one. */
  opens: number;
  readonly pages: Page[];
  readonly blocks: Block[];
}

export interface Kernel {
  readonly rev: KernelRevision;
  /** The task running now: SRCU readers and grace periods are per task. */
  current: string;
  /** dax_srcu: the tasks inside a read-side section, and each grace period's snapshot of them. */
  readonly dax_srcu: { inside: Set<string>; gp: Map<string, Set<string>> };
  /** The dax host hash (dax_host_list). */
  readonly hosts: Map<string, DaxDevice>;
  /** v4.18: atomic_t devmap_enable and the static key it gates. */
  devmap_enable: number;
  devmap_managed_key: boolean;
  /** Tasks sleeping in wait_var_event, by the address they wait on. */
  readonly waiters: Map<Page, Set<string>>;
  /** WARN_ON / WARN_ONCE messages of the current step. */
  readonly warnings: string[];
}

export function newKernel(rev: KernelRevision): Kernel {
  return {
    rev,
    current: 'swapper',
    dax_srcu: { inside: new Set(), gp: new Map() },
    hosts: new Map(),
    devmap_enable: 0,
    devmap_managed_key: false,
    waiters: new Map(),
    warnings: [],
  };
}

/** What KASAN reports on an access to freed memory; the implementation checks where the kernel reads. */
export function kasan_check<T extends { freed: boolean }>(obj: T, what: string): T {
  if (obj.freed) throw new Oops(`KASAN: use-after-free in ${what}`);
  return obj;
}

export function WARN_ON(k: Kernel, cond: boolean, what: string): boolean {
  if (cond) k.warnings.push(what);
  return cond;
}
