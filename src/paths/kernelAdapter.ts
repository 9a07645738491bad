/**
 * The adapter from the spec's actors to src/kernel, the executable model of the kernel code: it builds
 * the kernel objects a scenario's actors stand for, runs code paths step by step and reports their
 * state in the spec's terms, naming the kernel function an exception came from.
 */
import type { EventObject } from 'xstate';
import { canonicalJson } from '../compose/events.ts';
import type { System } from '../compose/system.ts';
import type { Step } from '../kernel/codePath.ts';
import {
  dax_reader,
  dcssblk_dax_ops,
  dm_device,
  mount_bdev,
  pmem_attach_disk,
  pmem_dax_ops,
  pmem_remove,
  type Superblock,
} from '../kernel/drivers.ts';
import { evict, xfs_bmapi_write, xfs_setattr_size } from '../kernel/fsdax.ts';
import { dma_process, type DmaProcess } from '../kernel/gup.ts';
import {
  Oops,
  WouldSleep,
  newKernel,
  type AddressSpace,
  type Block,
  type DaxDevice,
  type DevPagemap,
  type Kernel,
  type GenDisk,
  type KernelRevision,
  type MappedDevice,
  type Page,
  type PmemDevice,
} from '../kernel/kernel.ts';
import { generic_dax_pagefree } from '../kernel/memremap.ts';
import type { ImplStep, ImplementationAdapter, Observation } from './adapter.ts';

/** The machines (by id) this adapter can stand an implementation in for. */
const DEVICE_SIDE = ['dax_device', 'dev_pagemap', 'pmem', 'filesystem', 'dax_srcu', 'srcu_reader', 'devmap_managed_key', 'dm_table'];
const PAGE_SIDE = ['page', 'block', 'address_space', 'rwsem', 'dma_pinner', 'truncate', 'file_writer', 'eviction'];

/** A code path of the implementation: how each actor starts, and where it stands. */
interface PathRun {
  readonly start: Readonly<Record<string, () => Step>>;
  gen?: Step;
  next: readonly string[];
  /** The generator returned (or crashed). */
  done?: boolean;
  /** The start after whose return the actor is over (pmem: remove; it may run probe first). */
  readonly last?: string;
  lastStarted?: boolean;
}

/**
 * The kernel function an exception came from: the innermost frame of the stack in src/kernel (or in
 * a copy of it), so an oops reads `in fs_dax_release` rather than as a bare TypeError.
 */
export function raisedIn(e: unknown): string | undefined {
  const stack = e instanceof Error ? (e.stack ?? '') : '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /at (?:Generator\.)?(?:Object\.)?([\w$.<>]+) \((?:file:\/\/)?[^)]*\/kernel\/\w+\.ts:/.exec(line);
    if (m && m[1] !== 'next' && m[1] !== '<anonymous>') return m[1].replace(/^.*\./, '');
  }
  return undefined;
}

/**
 * An actor's input as the scenarios declare it, every field any actor kind reads here: each kind reads
 * its own (a pmem its dax, pages and pgmap; a mount its bdev and fstype; ...). The machines type their
 * own inputs; this adapter reads them all through one shape, so a field it reads must be named here.
 */
interface Input {
  readonly live?: boolean;
  readonly online?: boolean;
  readonly limited?: boolean;
  readonly pages?: readonly string[];
  readonly pgmap?: string;
  readonly owner?: string | null;
  readonly file?: string;
  readonly opens?: number;
  readonly dax?: string | null;
  readonly ops?: string;
  readonly key?: string | null;
  readonly probed?: boolean;
  readonly targets?: readonly number[];
  readonly members?: readonly (string | null)[];
  readonly allocatedBy?: string;
  readonly extraRefs?: Readonly<Record<string, number>>;
  readonly count?: number;
  readonly on?: boolean;
  readonly bdev?: string;
  readonly unit?: string;
  readonly fstype?: 'ext2' | 'ext4' | 'xfs';
  readonly daxOption?: boolean;
  readonly aspace?: string;
  readonly page?: string;
  readonly block?: string;
  readonly blocks?: readonly string[];
  readonly rounds?: number;
  readonly munmapWhilePinned?: boolean;
  readonly sections?: number;
  readonly longterm?: boolean;
  readonly follPin?: boolean;
  readonly recheck?: boolean;
}

/** A field the adapter cannot do without: a scenario that leaves it out is a bug of the scenario, named here. */
function need<K extends keyof Input>(actor: string, i: Input, key: K): NonNullable<Input[K]> {
  const v = i[key];
  if (v === undefined || v === null) throw new Error(`kernel adapter: actor ${actor} declares no input.${key}`);
  return v as NonNullable<Input[K]>;
}

/** The kernel functions this adapter drives; a test swaps one to seed a fault. */
export interface KernelCode {
  readonly mount_bdev: typeof mount_bdev;
  readonly pmem_attach_disk: typeof pmem_attach_disk;
  readonly pmem_remove: typeof pmem_remove;
  readonly dax_reader: typeof dax_reader;
  readonly dma_process: typeof dma_process;
  readonly dm_device: typeof dm_device;
  readonly xfs_setattr_size: typeof xfs_setattr_size;
  readonly evict: typeof evict;
  readonly pmem_dax_ops: typeof pmem_dax_ops;
  readonly dcssblk_dax_ops: typeof dcssblk_dax_ops;
  readonly generic_dax_pagefree: typeof generic_dax_pagefree;
  readonly xfs_bmapi_write: typeof xfs_bmapi_write;
}

export const KERNEL_CODE: KernelCode = {
  mount_bdev,
  pmem_attach_disk,
  pmem_remove,
  dax_reader,
  dma_process,
  xfs_setattr_size,
  dm_device,
  evict,
  pmem_dax_ops,
  dcssblk_dax_ops,
  generic_dax_pagefree,
  xfs_bmapi_write,
};

/**
 * The adapter between the spec's actors and src/kernel: builds a kernel whose objects stand for
 * the scenario's object actors, runs each code-path actor's events as resumptions of the matching
 * kernel code path, and reports dax_device liveness and references, the dev_pagemap's state, type,
 * owner and references, the static key and its counter, and who is inside dax_srcu.
 */
export function kernelAdapter(rev: KernelRevision, code: KernelCode = KERNEL_CODE): ImplementationAdapter {
  let k: Kernel = newKernel(rev);
  let runs = new Map<string, PathRun>();
  /** Spec actor name -> the implementation object (or the way to find it). */
  let daxOf = new Map<string, () => DaxDevice | null>();
  let pgmaps = new Map<string, DevPagemap>();
  let keyActor: string | null = null;
  let srcuActor: string | null = null;
  let pages = new Map<string, Page>();
  let blocks = new Map<string, Block>();
  let spaces = new Map<string, AddressSpace>();
  let sleepers: string[] = [];
  /** Disks (pmem, dm) and mounts, by spec actor name. */
  let diskOf = new Map<string, GenDisk>();
  let dmDisks = new Map<string, MappedDevice>();
  let mounts: string[] = [];

  const build = (system: System): void => {
    k = newKernel(rev);
    runs = new Map();
    daxOf = new Map();
    pgmaps = new Map();
    keyActor = null;
    srcuActor = null;
    pages = new Map();
    blocks = new Map();
    spaces = new Map();
    sleepers = [];
    diskOf = new Map();
    dmDisks = new Map();
    mounts = [];
    const actors = system.decl.actors;
    const input = (name: string): Input => (actors.find((a) => a.name === name)?.input ?? {}) as Input;
    for (const a of actors) {
      if (a.machine.id !== 'dev_pagemap') continue;
      const live = !!(a.input as Input)?.live;
      const fsdax = live && rev === 'v4.18';
      pgmaps.set(a.name, {
        type: fsdax ? 'MEMORY_DEVICE_FS_DAX' : 'MEMORY_DEVICE_HOST',
        page_free: fsdax ? code.generic_dax_pagefree : null,
        data: null,
        ref: 0,
        dead: false,
        mapped: live,
        freed: false,
      });
    }
    // A page belongs to the pgmap of the pmem that lists it; a page of a device probed before the
    // scenario (no pmem actor) gets a pgmap of its own, set up as pmem would have.
    for (const a of actors) {
      if (a.machine.id !== 'page') continue;
      const i = a.input as Input;
      const owner = actors.find((x) => x.machine.id === 'pmem' && ((x.input as Input).pages ?? []).includes(a.name));
      const pgmap = owner
        ? pgmaps.get(need(owner.name, owner.input as Input, 'pgmap'))!
        : {
            type: 'MEMORY_DEVICE_FS_DAX' as const,
            page_free: code.generic_dax_pagefree,
            data: null,
            ref: 0,
            dead: false,
            mapped: true,
            freed: false,
          };
      pages.set(a.name, { name: a.name, _refcount: 1, pgmap, online: i.online ?? true, pte: false, mapping: null });
    }
    for (const a of actors) {
      const i = a.input as Input;
      if (a.machine.id === 'block') blocks.set(a.name, { owner: i.owner ?? null, corrupted: false });
      if (a.machine.id === 'address_space')
        spaces.set(a.name, { file: need(a.name, i, 'file'), vmas: 0, opens: i.opens ?? 0, pages: [], blocks: [] });
    }
    const pmems = new Map<string, PmemDevice>();
    for (const a of actors) {
      if (a.machine.id !== 'pmem') continue;
      const i = a.input as Input;
      const pmem: PmemDevice = {
        name: a.name,
        dax_dev: null,
        pgmap: i.pgmap ? (pgmaps.get(i.pgmap) ?? null) : null,
        phys_addr: 0x1000,
        disk_present: !!i.probed,
        open_count: 0,
        pages: (i.pages ?? []).map((p) => pages.get(p)!),
      };
      pmems.set(a.name, pmem);
      diskOf.set(a.name, pmem);
      const dax = need(a.name, i, 'dax');
      daxOf.set(dax, () => pmem.dax_dev);
      const ops = input(dax).ops === 'dcssblk' ? code.dcssblk_dax_ops : code.pmem_dax_ops;
      const withOps = i.key !== null && i.key !== undefined;
      runs.set(a.name, {
        start: { probe: () => code.pmem_attach_disk(k, pmem, ops, withOps), remove: () => code.pmem_remove(k, pmem, withOps) },
        next: [],
        last: 'remove',
      });
    }
    const disks = new Map<string, GenDisk>(pmems);
    for (const a of actors) {
      if (a.machine.id !== 'dm_table') continue;
      const i = a.input as Input;
      const md: MappedDevice = {
        name: a.name,
        dax_dev: null,
        table_devices: null,
        targets: need(a.name, i, 'targets'),
        disk_present: false,
        open_count: 0,
      };
      disks.set(a.name, md);
      dmDisks.set(a.name, md);
      // cleanup_mapped_device() sets md->dax_dev = NULL after the put: keep observing the object
      let last: DaxDevice | null = null;
      daxOf.set(need(a.name, i, 'dax'), () => (last = md.dax_dev ?? last));
      // a member is looked up by its disk's name: the pmem that allocates that dax_device
      const hosts = need(a.name, i, 'members').map((d) =>
        d === null ? null : ([...pmems.values()].find((p) => input(p.name).dax === d)?.name ?? d),
      );
      runs.set(a.name, { start: { dm_create: () => code.dm_device(k, md, hosts) }, next: [] });
    }
    for (const a of actors) {
      const i = (a.input ?? {}) as Input;
      switch (a.machine.id) {
        case 'dax_device': {
          if (!i.allocatedBy) break;
          const pmem = pmems.get(i.allocatedBy)!;
          const extra = Object.values(i.extraRefs ?? {}).reduce((n, x) => n + x, 0);
          const dax: DaxDevice = {
            host: pmem.name,
            i_count: 1 + extra,
            alive: true,
            private: pmem,
            ops: i.ops === 'dcssblk' ? code.dcssblk_dax_ops : code.pmem_dax_ops,
            pgmap: rev === 'v8' ? pmem.pgmap : null,
            hashed: true,
            freed: false,
          };
          pmem.dax_dev = dax;
          k.hosts.set(dax.host, dax);
          break;
        }
        case 'devmap_managed_key':
          keyActor = a.name;
          k.devmap_enable = i.count ?? 0;
          k.devmap_managed_key = !!i.on;
          break;
        case 'dax_srcu':
          srcuActor = a.name;
          break;
        case 'filesystem': {
          const host = i.dax
            ? (input(i.dax).allocatedBy ?? [...pmems.values()].find((p) => input(p.name).dax === i.dax)?.name ?? i.bdev ?? null)
            : null;
          const sb: Superblock = {
            name: a.name,
            bdev: { queue_dax: i.dax !== null && i.dax !== undefined, disk_name: host ?? need(a.name, i, 'unit') },
            fstype: need(a.name, i, 'fstype'),
            daxOption: !!i.daxOption,
            s_daxdev: null,
          };
          const disk = i.bdev ? (disks.get(i.bdev) ?? null) : null;
          runs.set(a.name, { start: { mount: () => code.mount_bdev(k, sb, disk) }, next: [] });
          mounts.push(a.name);
          break;
        }
        case 'dma_pinner': {
          const p: DmaProcess = {
            as: spaces.get(need(a.name, i, 'aspace'))!,
            page: pages.get(need(a.name, i, 'page'))!,
            block: blocks.get(need(a.name, i, 'block'))!,
            refs: 1,
            rounds: i.rounds ?? 1,
            munmapWhilePinned: !!i.munmapWhilePinned,
          };
          runs.set(a.name, { start: { mmap: () => code.dma_process(k, p) }, next: [] });
          break;
        }
        case 'truncate': {
          const as = spaces.get(need(a.name, i, 'aspace'))!;
          as.pages.push(...need(a.name, i, 'pages').map((p) => pages.get(p)!));
          as.blocks.push(...need(a.name, i, 'blocks').map((b) => blocks.get(b)!));
          sleepers.push(a.name);
          runs.set(a.name, { start: { truncate: () => code.xfs_setattr_size(k, as) }, next: [] });
          break;
        }
        case 'eviction': {
          const as = spaces.get(need(a.name, i, 'aspace'))!;
          as.pages.push(...need(a.name, i, 'pages').map((p) => pages.get(p)!));
          as.blocks.push(...need(a.name, i, 'blocks').map((b) => blocks.get(b)!));
          runs.set(a.name, { start: { evict: () => code.evict(k, as) }, next: [] });
          break;
        }
        case 'file_writer': {
          const block = blocks.get(need(a.name, i, 'block'))!;
          runs.set(a.name, {
            start: {
              // eslint-disable-next-line require-yield -- this step has no sleep point: it runs to the end at once
              allocate: function* (): Step {
                code.xfs_bmapi_write(block, need(a.name, i, 'file'));
              },
            },
            next: [],
          });
          break;
        }
        case 'srcu_reader': {
          const dax = i.dax;
          const device = () => (dax ? (daxOf.get(dax)?.() ?? null) : null);
          runs.set(a.name, { start: { dax_read_lock: () => code.dax_reader(k, device(), i.sections ?? 1) }, next: [] });
          break;
        }
      }
    }
  };

  return {
    name: `src/kernel @ ${rev}`,
    unsupported(system) {
      const pageSide = PAGE_SIDE;
      for (const a of system.decl.actors) {
        const i = (a.input ?? {}) as Input;
        if (!DEVICE_SIDE.includes(a.machine.id) && !pageSide.includes(a.machine.id))
          return `actor ${a.name} (${a.machine.id}) has no implementation${PAGE_SIDE.includes(a.machine.id) ? ` at ${rev}` : ''}`;
        if (a.machine.id === 'page' && i.limited) return `actor ${a.name}: FS_DAX_LIMITED pages are not implemented`;
        if (a.machine.id === 'page' && i.pgmap)
          return `actor ${a.name}: pmem removal of live pages (base-reference puts, arch_remove_memory under a pin) is not implemented`;
        if (a.machine.id === 'dma_pinner' && (i.longterm || i.follPin || i.recheck === false))
          return `actor ${a.name}: long-term, FOLL_PIN and no-recheck pins are not implemented`;
        if (a.machine.id === 'eviction' && rev !== 'v8' && rev !== 'v4.18')
          return `actor ${a.name}: eviction breaks layouts only from 6.15`;
        if (a.machine.id === 'truncate' && i.limited) return `actor ${a.name}: FS_DAX_LIMITED truncate is not implemented`;
        if (a.machine.id === 'srcu_reader' && (a.input as Input)?.pgmap)
          return `actor ${a.name}: memory_failure readers are not implemented`;
      }
      return undefined;
    },
    reset: build,
    // where src/kernel's code paths throw WouldSleep: the SRCU grace period, the queue cleanup's
    // wait for the pgmap references, dm remove and dcssblk remove of an open device, and the wake-up check after
    // wait_var_event (relock). Its locks (rwsems) do not sleep, so a wait the spec has on one is not compared.
    sleeps: ['srcu_grace_period_end', 'wait_for_completion', 'dm_remove', 'remove', 'relock'],
    step(actor: string, event: EventObject): ImplStep {
      const run = runs.get(actor);
      if (!run) return { outcome: 'ok', expected: [] };
      let resume: () => IteratorResult<string | readonly string[], void>;
      if (!run.gen || (run.done && run.last && !run.lastStarted)) {
        // a new code path of this actor: its first, or (pmem) the remove after the probe returned
        const start = run.start[event.type];
        if (!start) return { outcome: 'ok', expected: Object.keys(run.start) };
        const gen = start();
        run.gen = gen;
        run.done = false;
        if (event.type === run.last) run.lastStarted = true;
        resume = () => gen.next(event);
      } else {
        if (!run.next.includes(event.type)) return { outcome: 'ok', expected: run.next };
        const gen = run.gen;
        resume = () => gen.next(event);
      }
      k.current = actor;
      k.warnings.length = 0;
      try {
        const r = resume();
        run.next = r.done ? [] : typeof r.value === 'string' ? [r.value] : r.value;
        run.done = !!r.done;
      } catch (e) {
        run.next = [];
        run.done = true;
        // by name, so a copy of src/kernel (fault injection) with its own classes is read the same way
        const kind = e instanceof Error ? e.constructor.name : '';
        if (kind === WouldSleep.name) return { outcome: 'sleeps', detail: (e as Error).message };
        const fn = raisedIn(e);
        const what = kind === Oops.name ? '' : `${kind || 'exception'}: `;
        return { outcome: 'oops', detail: `${what}${(e as Error)?.message ?? String(e)}${fn ? ` (in ${fn})` : ''}` };
      }
      return k.warnings.length ? { outcome: 'warn', detail: k.warnings.join('; ') } : { outcome: 'ok' };
    },
    observe(): Observation {
      const out: Record<string, unknown> = {};
      for (const [name, get] of daxOf) {
        const d = get();
        out[name] = !d
          ? { state: 'unallocated', count: 0, hashed: false }
          : { state: d.freed ? 'freed' : d.alive ? 'alive' : d.private ? 'dying' : 'dead', count: d.i_count, hashed: d.hashed };
      }
      for (const [name, p] of pgmaps) {
        const state = p.mapped ? (p.dead ? 'dead' : 'live') : p.dead ? 'removed' : 'embedded';
        out[name] = { state, ...(state === 'embedded' ? {} : { type: p.type }), owner: p.data, refs: p.ref };
      }
      if (keyActor) out[keyActor] = { count: k.devmap_enable, on: k.devmap_managed_key };
      if (srcuActor) out[srcuActor] = { inside: [...k.dax_srcu.inside].sort() };
      for (const [name, p] of pages) out[name] = { online: p.online, refs: p._refcount, pte: p.pte, mapping: p.mapping };
      for (const [name, b] of blocks) out[name] = { owner: b.owner, corrupted: b.corrupted };
      for (const [name, as] of spaces) out[name] = { vmas: as.vmas };
      const asleep = new Set([...k.waiters.values()].flatMap((w) => [...w]));
      for (const name of sleepers) out[name] = { asleep: asleep.has(name) };
      for (const [name, disk] of diskOf) out[name] = { ...(out[name] as object), diskPresent: disk.disk_present };
      for (const [name, md] of dmDisks) out[name] = { diskPresent: md.disk_present, openers: md.open_count };
      for (const name of mounts) out[name] = { mounted: runs.get(name)!.next.includes('umount') };
      return out;
    },
    finished() {
      const out: Record<string, { done: boolean; next: readonly string[] }> = {};
      for (const [name, run] of runs)
        out[name] = {
          done: !!run.done && (!run.last || !!run.lastStarted),
          next: run.gen && !run.done ? run.next : Object.keys(run.start),
        };
      return out;
    },
    align(system: System, state: Int32Array): string | undefined {
      // Only a sleeper the spec has woken can be brought in line (the v8 wake-up nobody makes):
      // wake_up_var() on its behalf; any other difference is not one this adapter can undo.
      const spec = this.abstract(system, state);
      const impl = this.observe();
      for (const [name, want] of Object.entries(spec)) {
        if (canonicalJson(impl[name]) === canonicalJson(want)) continue;
        if (sleepers.includes(name) && (want as { asleep: boolean }).asleep === false) {
          for (const w of k.waiters.values()) w.delete(name);
          continue;
        }
        return `${name} cannot be set to the spec's ${JSON.stringify(want)}`;
      }
      return undefined;
    },
    abstract(system: System, state: Int32Array): Observation {
      const out: Record<string, unknown> = {};
      const view = system.view(state);
      for (const name of daxOf.keys()) {
        const v = view(name);
        const value = String(v.value);
        out[name] = {
          state: value === 'freedWhileAlive' ? 'freed' : value,
          count: v.context.count,
          hashed: value !== 'unallocated' && !!v.context.hashed,
        };
      }
      for (const name of pgmaps.keys()) {
        const v = view(name);
        const value = String(v.value);
        const s =
          value === 'liveWarned' ? 'live' : value === 'killed' || value === 'drained' ? 'dead' : value === 'unmapped' ? 'removed' : value;
        // An unpublished pgmap's type is seen by nobody: pmem sets it before devm_memremap_pages in
        // one step or another, and only the published value is compared.
        out[name] = {
          state: s,
          ...(s === 'embedded' ? {} : { type: `MEMORY_DEVICE_${v.context.type}` }),
          owner: v.context.owner,
          refs: v.context.refs,
        };
      }
      if (keyActor) out[keyActor] = { count: view(keyActor).context.count, on: view(keyActor).context.on };
      if (srcuActor) out[srcuActor] = { inside: [...(view(srcuActor).context.inside as string[])].sort() };
      for (const name of pages.keys()) {
        const v = view(name);
        out[name] = {
          online: typeof (v.value as Record<string, unknown>).mem === 'object',
          refs: v.context.refs,
          pte: v.context.mapcount > 0,
          mapping: v.context.mapping,
        };
      }
      for (const name of blocks.keys()) out[name] = { owner: view(name).context.owner, corrupted: view(name).value === 'corrupted' };
      for (const name of spaces.keys()) out[name] = { vmas: view(name).context.vmas };
      for (const name of sleepers) out[name] = { asleep: view(name).matches('sleeping') };
      // the gendisk exists from device_add_disk() (pmem's alloc_dax step) until del_gendisk() (its put_dax step)
      const top = (v: unknown): string => (typeof v === 'string' ? v : Object.keys(v as object)[0]);
      for (const name of diskOf.keys()) {
        const s = top(view(name).value);
        out[name] = { diskPresent: s === 'up' || s === 'dcssUnlisted' || s === 'putDax' || s.startsWith('kill_') };
      }
      for (const name of dmDisks.keys()) {
        const v = view(name);
        out[name] = { diskPresent: top(v.value) === 'live', openers: v.context.openers };
      }
      for (const name of mounts) out[name] = { mounted: top(view(name).value) === 'mounted' };
      return out;
    },
  };
}
