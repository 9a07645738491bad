import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { call } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS, GUP_PIN_COUNTING_BIAS, type PutRoute } from './eras.ts';
import { fnOf } from './kernelFunctions.ts';
import { withStateMeta, type StateDocs } from './kit/meta.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * A process that mmaps a DAX file and hands the mapping to a device for DMA
 * (O_DIRECT to another disk, a NIC): get_user_pages() pins the page, the device
 * writes into it, put_page()/unpin_user_page() drops the pin.
 *
 * GUP has two ways in: the slow path walks the page tables under the PTE lock
 * (faulting the page in under the filesystem's mmap lock when the PTE is gone);
 * GUP-fast reads the PTE locklessly, takes its references, then must re-read the
 * PTE and give the references back if it changed. Long-term pins of FS-DAX are
 * refused (get_user_pages_longterm since 4.15; FOLL_LONGTERM later), so the pins
 * modelled are transient. A pfn without struct page (FS_DAX_LIMITED) cannot be
 * pinned: the page answers -EFAULT.
 *
 * A DAX fault reaches the pfn through the dax_device, in every era: dax_iomap_pte_fault()
 * -> dax_iomap_pfn() (4.17..5.x) / dax_fault_iter() -> dax_iomap_direct_access() (6.x)
 * take dax_read_lock(), call dax_direct_access(), which returns -ENXIO once ALIVE is
 * clear (drivers/dax/super.c dax_direct_access: `if (!dax_alive(dax_dev)) return -ENXIO`;
 * read in 4.17 and 6.15), then dax_read_unlock(); -ENXIO becomes VM_FAULT_SIGBUS
 * (dax_fault_return -> vmf_error), and for GUP's faultin_page -EFAULT. Only then is the entry
 * inserted (dax_insert_mapping_entry / dax_insert_entry, then vmf_insert_mixed /
 * vmf_insert_page_mkwrite), outside the SRCU section: so a fault that passed
 * dax_direct_access() before kill_dax() cleared ALIVE may install its PTE after kill_dax()
 * returned. The model has the three steps: (1) dax_read_lock + dax_direct_access, (2)
 * dax_read_unlock, (3) the insert. dax_direct_access()'s own ALIVE test and the driver's
 * dax_get_private() test are one step here: the race between them is kill-dax-readers'.
 * A scenario without a dax_device actor (`dax` null) has a device that stays alive
 * throughout, and the fault is one step as before.
 *
 * How the driver gives the pin back is its own choice (`release`, eras.ts PutRoute): the pin's
 * own put (put_page() for get_user_pages(), unpin_user_page() for pin_user_pages()), or
 * release_pages() over the array of get_user_pages() references, as GPU userptr code and KVM
 * SEV's sev_unpin_memory() did; each era's mm code decides whether that route reaches the idle
 * hook. GUP-fast giving back the references of a changed PTE always goes through the pin's own
 * put (4.17 put_page(head), 5.10 put_compound_head(), 6.x gup_put_folio()).
 *
 * A PMD entry (`entryPages`: the subpages of the one 2 MiB entry, two of them standing for its
 * 512): one fault maps them all (dax_iomap_pmd_fault), munmap zaps them all, and GUP takes
 * references only on the subpage it is asked for (gup_huge_pmd: the pfns in [addr, end)).
 * GUP-fast re-reads the PMD where the era does (eras.ts gupFastPmdRecheck); 4.17's
 * __gup_device_huge_pmd() keeps its references without looking again.
 */
export interface PinnerContext {
  file: string;
  page: string;
  block: string;
  aspace: string;
  mmaplock: string;
  /** References one pin takes: 1 for FOLL_GET, GUP_PIN_COUNTING_BIAS for FOLL_PIN. */
  refs: number;
  /** Pins this process may still take (bounds the model). */
  rounds: number;
  longterm: boolean;
  munmapWhilePinned: boolean;
  recheck: boolean;
  /** The dax_device the fault goes through (dax_direct_access), or null: alive throughout. */
  dax: string | null;
  /** Ghost: the references of the pin held now were taken after a busy scan had found the page idle (I10). */
  pinAfterScan: boolean;
  srcu: string | null;
  /** The route the driver's release takes (eras.ts PutRoute). */
  route: PutRoute;
  /** The pages one fault maps and one munmap zaps: the subpages of a PMD entry, or this one page. */
  entryPages: string[];
}

export interface PinnerInput {
  file: string;
  page: string;
  block: string;
  aspace: string;
  mmaplock: string;
  /** Use pin_user_pages() (FOLL_PIN), where the revision has it. */
  follPin?: boolean;
  rounds?: number;
  /** Also offer a long-term pin attempt (RDMA memory registration). */
  longterm?: boolean;
  /** Offer munmap() while the DMA is still in flight (the pin outlives the mapping). */
  munmapWhilePinned?: boolean;
  /**
   * Counterfactual when false: GUP-fast keeps its references without re-reading the
   * PTE, to show what the re-check protects (I10). The kernel always re-checks.
   */
  recheck?: boolean;
  /** The dax_device the file's blocks are on and the dax_srcu domain; absent: the device stays alive throughout. */
  dax?: string | null;
  srcu?: string | null;
  /** 'release_pages': the driver batch-releases get_user_pages() references (FOLL_GET: follPin has no effect). */
  release?: 'own' | 'release_pages';
  /** The subpages of the PMD entry `page` belongs to; absent: a PTE entry of `page` alone. */
  entryPages?: string[];
}

export type PinnerEvent =
  | { type: 'mmap' }
  | { type: 'fault' }
  | { type: 'gup_fast' }
  | { type: 'gup_fast_grab' }
  | { type: 'gup_fast_recheck' }
  | { type: 'gup_slow' }
  | { type: 'gup_longterm' }
  | { type: 'dma_write' }
  | { type: 'unpin' }
  | { type: 'munmap' }
  | { type: 'dax_read_unlock' }
  | { type: 'dax_insert_mapping' }
  | { type: 'dax_alive'; value: boolean; from?: string }
  | { type: 'iomap'; mapped: boolean; from?: string }
  | { type: 'pte'; present: boolean; from?: string }
  | { type: 'grabbed'; ok: boolean; afterIdleScan?: boolean; from?: string }
  | { type: 'follow'; ok: boolean; special: boolean; efault?: boolean; afterIdleScan?: boolean; from?: string };

const GUP = 'infer: mm/gup.c';
/** A device's DMA is no kernel function: the pin reaches it as a bio, which submit_bio() issues. */
const DMA_SRC = 'infer: the pin is handed to a device as a bio (O_DIRECT to another disk); the device writes until the bio completes';
const RELEASE_PAGES = 'infer: 4.17 / 5.10 / 6.8 mm/swap.c release_pages, 6.15 folios_put_refs; c5d6c45e90c4 (5.3)';
const FAULT = 'infer: fs/dax.c dax_iomap_pte_fault, fs/xfs/xfs_file.c __xfs_filemap_fault';
const DIRECT =
  'infer: 4.17 fs/dax.c dax_iomap_pfn, 6.15 fs/dax.c dax_iomap_direct_access; drivers/dax/super.c dax_direct_access (-ENXIO when !dax_alive)';
/** Fairness (docs/authoring.md): what the process chooses to do is never assumed to happen. */
const USER_CHOICE = { fairness: 'none', why: 'a user process may never mmap, touch, pin or munmap: that is its choice' } as const;
/** How often the device writes is its own business; only the end of the transfer is assumed. */
const DEVICE_WRITES = { fairness: 'none', why: 'a device may write any number of times, or none, while it holds the pin' } as const;
const DMA_COMPLETES = { fairness: 'weak', why: 'a DMA in flight eventually completes and the driver unpins the page' } as const;

/** A transition that exists only in the eras where the kernel has the code. */
const only = <const T>(cond: boolean, t: T): T[] => (cond ? [t] : []);

type PinnerAction = 'insertMapping' | 'unlockShared' | 'follow' | 'useRound';

/**
 * The three steps of a DAX fault after iomap_begin() found the block, as `<prefix>Accessing`
 * (dax_direct_access() answered within the step), `<prefix>GotPfn` (still inside the SRCU
 * section) and `<prefix>Inserting` (section left, entry not yet inserted). `done` is where an
 * inserted fault goes with `inserted`; a dead device sends it back to `vma` with `failed`.
 */
function faultThroughDax(
  prefix: 'fault' | 'slowFault',
  done: 'vma' | 'slowFollowing',
  inserted: readonly PinnerAction[],
  failed: readonly PinnerAction[],
  sigbus: string,
) {
  const fn = prefix === 'fault' ? 'dax_iomap_pte_fault' : 'faultin_page';
  return {
    [`${prefix}Accessing`]: {
      description: 'inside dax_read_lock(): dax_direct_access() tests ALIVE (within the same step)',
      on: {
        dax_alive: [
          {
            guard: 'alive',
            target: `${prefix}GotPfn`,
            description: 'ALIVE: ops->direct_access() returns the pfn',
            meta: { fn: 'dax_direct_access', src: DIRECT },
          },
          {
            target: 'vma',
            actions: ['daxReadUnlock', ...failed],
            description: `!dax_alive(): dax_direct_access() returns -ENXIO; dax_read_unlock(); ${sigbus}`,
            meta: { fn: 'dax_direct_access', src: DIRECT },
          },
        ],
      },
    },
    [`${prefix}GotPfn`]: {
      description: 'dax_direct_access() returned the pfn; still inside the SRCU read-side section',
      on: {
        dax_read_unlock: {
          target: `${prefix}Inserting`,
          actions: 'daxReadUnlock',
          description: 'dax_read_unlock(): the section ends before the entry and the PTE are inserted',
          meta: { fn: 'dax_read_unlock', src: DIRECT },
        },
      },
    },
    [`${prefix}Inserting`]: {
      description: 'holds the pfn, outside the SRCU section: kill_dax() no longer waits for this fault',
      on: {
        dax_insert_mapping: {
          target: done,
          actions: inserted,
          description:
            prefix === 'fault'
              ? 'dax_insert_mapping_entry() / dax_insert_entry(), then the PTE: vmf_insert_mixed() (6.15: vmf_insert_page_mkwrite())'
              : 'the fault installs the entry and the PTE; the GUP loop retries follow_page',
          meta: { fn, src: prefix === 'fault' ? FAULT : GUP },
        },
      },
    },
  } as const;
}

/** What each state of the pinning process stands for in the kernel (docs/authoring.md), in each era's function names. */
function pinnerDocs(rev: Revision): StateDocs {
  const grab = fnOf(rev, 'try_grab_folio_fast', 'try_grab_page', 'gup_pte_range');
  const fastWalk = fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range');
  const fault = (prefix: 'fault' | 'slowFault', fn: string, src: string): StateDocs => ({
    [`${prefix}Accessing`]: {
      condition: 'dax_read_lock() held; dax_direct_access() tests dax_alive() within the step',
      fn: 'dax_direct_access',
      src: DIRECT,
    },
    [`${prefix}GotPfn`]: { condition: 'dax_read_lock() held; the pfn from dax_direct_access() in hand', fn, src },
    [`${prefix}Inserting`]: {
      condition: 'dax_read_unlock() done; the pfn in hand, neither the DAX entry nor the PTE inserted yet',
      fn,
      src,
    },
  });
  return {
    noVma: { condition: 'the file is open; no VMA of this mm maps it', fn: 'mmap_region', src: 'infer: mm/mmap.c' },
    vma: { condition: 'a VMA maps the file (MAP_SHARED); the PTE present or not', fn: 'mmap_region', src: 'infer: mm/mmap.c' },
    faulting: {
      condition: 'in the DAX fault handler: mmap_lock and the filesystem mmap lock held shared',
      fn: 'dax_iomap_pte_fault',
      src: FAULT,
    },
    ...fault('fault', 'dax_iomap_pte_fault', FAULT),
    fastReading: { condition: 'GUP-fast, interrupts off: the PTE read, not yet tested', fn: fastWalk, src: GUP },
    fastSawPte: { condition: 'GUP-fast, interrupts off: pte_present(pte), no reference taken yet', fn: fastWalk, src: GUP },
    fastGrabbing: { condition: 'GUP-fast, interrupts off: taking the page references within the step', fn: grab, src: GUP },
    fastGrabbed: { condition: 'GUP-fast, interrupts off: references held, the PTE not yet read again', fn: fastWalk, src: GUP },
    fastRechecking: { condition: 'GUP-fast, interrupts off: pte_val(pte) != pte_val(*ptep) being tested', fn: fastWalk, src: GUP },
    gupSlowNeeded: {
      condition: 'GUP-fast gave up (interrupts on again); the slow path not yet entered',
      fn: 'get_user_pages_fast',
      src: GUP,
    },
    slowFollowing: { condition: 'mmap_lock held for read: follow_page_mask() under the PTE lock', fn: '__get_user_pages', src: GUP },
    slowFaulting: {
      condition: 'mmap_lock read and the filesystem mmap lock held shared: a DAX fault for GUP',
      fn: 'faultin_page',
      src: GUP,
    },
    ...fault('slowFault', 'faultin_page', GUP),
    pinned: {
      condition: 'the page pinned (its refcount raised by the pin) and handed to a device, which may be writing',
      fn: 'submit_bio',
      src: DMA_SRC,
    },
    pinnedNoVma: { condition: 'the VMA unmapped (munmap done); the device still holds the pin', fn: 'submit_bio', src: DMA_SRC },
    done: { condition: 'no VMA, no pin: the process is done with the file', fn: 'do_munmap', src: 'infer: mm/mmap.c' },
  };
}

/** How the machine is built: the driver's release route and the entry size (one machine for every pinner of a configuration). */
// A type, not an interface: a machine factory's arguments must be plain data (kit/oncePer.ts), which an interface does not promise.
export type PinnerShape = {
  readonly release?: 'own' | 'release_pages';
  readonly pmd?: boolean;
};

export const dmaPinnerMachine = oncePer(function dmaPinnerMachine(rev: Revision, shape: PinnerShape = {}) {
  const era = ERAS[rev].page;
  const pmd = shape.pmd ?? false;
  const batch = shape.release === 'release_pages';
  /** 4.17 __gup_device_huge_pmd(): the references are kept without re-reading the PMD. */
  const keepsWithoutRecheck = pmd && !era.gupFastPmdRecheck;
  const ownPut = era.follPin ? 'unpin_user_page' : 'put_page';
  const unpinFn = batch ? 'release_pages' : ownPut;
  const unpinText = batch
    ? era.putRoutes.release_pages === 'skipsHook'
      ? 'release_pages(): put_page_testzero() only, FS-DAX pages are not special-cased: the 2->1 drop reaches no hook'
      : 'release_pages(): a ZONE_DEVICE page goes through the idle hook (put_devmap_managed_page / free_zone_device_folio)'
    : 'put_page() / unpin_user_page()';
  const fastPmdFn = pmd
    ? era.pmdUnit === 'largeFolio'
      ? 'gup_fast_pmd_leaf'
      : '__gup_device_huge_pmd'
    : fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range');
  return withStateMeta(
    setup({
      types: {} as { context: PinnerContext; events: PinnerEvent; input: PinnerInput },
      guards: {
        roundsLeft: ({ context }) => context.rounds > 0,
        munmapWhilePinned: ({ context }) => context.munmapWhilePinned,
        /** Counterfactual: the grab succeeded and GUP-fast keeps it without re-reading the PTE. */
        grabbedNoRecheck: ({ context, event }) => {
          assertEvent(event, 'grabbed');
          return !context.recheck && event.ok;
        },
        offersLongterm: ({ context }) => context.longterm && context.rounds > 0,
        /** 4.17's PMD path: the grab succeeded and is kept without a re-check (the era's code, not a counterfactual). */
        grabbedKeptByEra: ({ event }) => {
          assertEvent(event, 'grabbed');
          return keepsWithoutRecheck && event.ok;
        },
        mapped: ({ event }) => {
          assertEvent(event, 'iomap');
          return event.mapped;
        },
        /** The block is the file's and the fault must ask the dax_device for the pfn. */
        mappedViaDax: ({ context, event }) => {
          assertEvent(event, 'iomap');
          return event.mapped && context.dax !== null;
        },
        alive: ({ event }) => {
          assertEvent(event, 'dax_alive');
          return event.value;
        },
        present: ({ event }) => {
          assertEvent(event, 'pte');
          return event.present;
        },
        ok: ({ event }) => {
          assertEvent(event, ['grabbed', 'follow']);
          return event.ok;
        },
        special: ({ event }) => {
          assertEvent(event, 'follow');
          return event.special;
        },
        efault: ({ event }) => {
          assertEvent(event, 'follow');
          return !!event.efault;
        },
      },
      actions: {
        mmapVma: call('address_space', ({ context }) => context.aspace, { type: 'mmap' }),
        munmapVma: call('address_space', ({ context }) => context.aspace, { type: 'munmap' }),
        zapPte: enqueueActions(({ context, enqueue }) => {
          for (const p of context.entryPages) enqueue(call('page', p, { type: 'zap_pte' }));
        }),
        daxReadLock: call('dax_srcu', ({ context }) => context.srcu, { type: 'dax_read_lock' }),
        daxReadUnlock: call('dax_srcu', ({ context }) => context.srcu, { type: 'dax_read_unlock' }),
        askAlive: call('dax_device', ({ context }) => context.dax, { type: 'dax_alive' }),
        lockShared: call('rwsem', ({ context }) => context.mmaplock, { type: 'down_read' }),
        unlockShared: call('rwsem', ({ context }) => context.mmaplock, { type: 'up_read' }),
        iomapBegin: call(
          'block',
          ({ context }) => context.block,
          ({ context }) => ({ type: 'iomap_begin', file: context.file }),
        ),
        insertMapping: enqueueActions(({ context, enqueue }) => {
          for (const p of context.entryPages) enqueue(call('page', p, { type: 'dax_insert_mapping', file: context.file }));
        }),
        readPte: call('page', ({ context }) => context.page, { type: 'gup_fast_pte' }),
        // local_irq_save()/local_irq_restore() around the lockless walk: the CPU the walker runs on
        // answers no TLB-flush IPI meanwhile (the address space decides whether a flush waits for it).
        irqOff: call('address_space', ({ context }) => context.aspace, { type: 'gup_fast_irq_off' }),
        irqOn: call('address_space', ({ context }) => context.aspace, { type: 'gup_fast_irq_on' }),
        grab: call(
          'page',
          ({ context }) => context.page,
          ({ context }) => ({ type: 'gup_fast_grab', refs: context.refs, pmd }),
        ),
        recheck: call('page', ({ context }) => context.page, { type: 'gup_fast_recheck' }),
        follow: call(
          'page',
          ({ context }) => context.page,
          ({ context }) => ({ type: 'follow_page', refs: context.refs }),
        ),
        /** GUP-fast giving back what it took: the pin's own put. */
        putRefs: call(
          'page',
          ({ context }) => context.page,
          ({ context }) => ({ type: 'put_page', refs: context.refs, route: context.refs > 1 ? 'unpin_user_page' : 'put_page' }),
        ),
        /** The driver's release of a pin after the DMA, by the route it uses. */
        releasePin: call(
          'page',
          ({ context }) => context.page,
          ({ context }) => ({ type: 'put_page', refs: context.refs, route: context.route }),
        ),
        dmaWrite: call(
          'block',
          ({ context }) => context.block,
          ({ context }) => ({ type: 'dma_write', file: context.file }),
        ),
        useRound: assign({ rounds: ({ context }) => context.rounds - 1 }),
        notePinTime: assign({
          pinAfterScan: ({ event }) => {
            assertEvent(event, ['grabbed', 'follow']);
            return !!event.afterIdleScan;
          },
        }),
        forgetPinTime: assign({ pinAfterScan: false }),
      },
    }).createMachine({
      id: 'dma_pinner',
      description: 'a process that mmaps the DAX file and lets a device DMA into the mapping through get_user_pages()',
      meta: { fn: 'get_user_pages', src: GUP },
      context: ({ input }) => ({
        file: input.file,
        page: input.page,
        block: input.block,
        aspace: input.aspace,
        mmaplock: input.mmaplock,
        refs: input.follPin && era.follPin && input.release !== 'release_pages' ? GUP_PIN_COUNTING_BIAS : 1,
        rounds: input.rounds ?? 1,
        longterm: input.longterm ?? false,
        munmapWhilePinned: input.munmapWhilePinned ?? false,
        recheck: input.recheck ?? true,
        dax: input.dax ?? null,
        srcu: input.dax ? (input.srcu ?? null) : null,
        pinAfterScan: false,
        route: input.release === 'release_pages' ? 'release_pages' : input.follPin && era.follPin ? 'unpin_user_page' : 'put_page',
        entryPages: input.entryPages ?? [input.page],
      }),
      initial: 'noVma',
      states: {
        noVma: {
          description: 'the file is open, not mapped',
          meta: { fn: 'mmap_region', src: 'infer', condition: 'no VMA of the process maps the file' },
          on: {
            mmap: {
              target: 'vma',
              actions: 'mmapVma',
              description: 'mmap(MAP_SHARED) of the DAX file: a VMA, no PTE yet',
              meta: { fn: 'mmap_region', src: 'infer', ...USER_CHOICE },
            },
          },
        },
        vma: {
          description: 'the file is mapped; the PTE may or may not be present',
          meta: { fn: 'handle_mm_fault', src: 'infer', condition: 'a VMA maps the file (VM_SHARED); no pin held by this process' },
          on: {
            fault: {
              target: 'faulting',
              actions: ['lockShared', 'iomapBegin'],
              description: 'the process touches the page: DAX fault under the filesystem mmap lock (shared), iomap_begin() finds the block',
              meta: { fn: 'xfs_filemap_fault', src: FAULT, ...USER_CHOICE },
            },
            gup_fast: {
              guard: 'roundsLeft',
              target: 'fastReading',
              actions: ['irqOff', 'readPte'],
              description: pmd
                ? 'get_user_pages_fast(): local_irq_save(), then read the PMD, no lock'
                : 'get_user_pages_fast(): local_irq_save(), then read the PTE, no lock',
              meta: {
                fn: pmd ? fnOf(rev, 'gup_pmd_range', 'gup_fast_pmd_range') : fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'),
                src: GUP,
                ...USER_CHOICE,
              },
            },
            gup_slow: {
              guard: 'roundsLeft',
              target: 'slowFollowing',
              actions: 'follow',
              description: 'get_user_pages(): walk the page tables under mmap_lock and the PTE lock',
              meta: { fn: '__get_user_pages', src: GUP, ...USER_CHOICE },
            },
            gup_longterm: {
              guard: 'offersLongterm',
              actions: 'useRound',
              description: 'a long-term pin (RDMA registration) of an FS-DAX VMA: -EOPNOTSUPP, nothing is pinned',
              meta: {
                fn: 'get_user_pages_longterm',
                src: 'infer: mm/gup.c vma_is_fsdax check (4.15+), check_vma_flags FOLL_LONGTERM',
                ...USER_CHOICE,
              },
            },
            munmap: {
              target: 'done',
              actions: ['zapPte', 'munmapVma'],
              description: 'munmap(): the PTE and the VMA go; the process is done with the file',
              meta: { fn: 'do_munmap', src: 'infer', ...USER_CHOICE },
            },
          },
        },
        faulting: {
          description: 'in the DAX fault handler, filesystem mmap lock held shared',
          meta: { fn: 'dax_iomap_pte_fault', src: FAULT, condition: 'XFS_MMAPLOCK_SHARED held; iomap_begin() asked for the block' },
          on: {
            iomap: [
              {
                guard: 'mappedViaDax',
                target: 'faultAccessing',
                actions: ['daxReadLock', 'askAlive'],
                description: "the block is the file's: dax_read_lock(), dax_direct_access() on the dax_device for the pfn",
                meta: { fn: 'dax_direct_access', src: DIRECT },
              },
              {
                guard: 'mapped',
                target: 'vma',
                actions: ['insertMapping', 'unlockShared'],
                description: "dax_iomap_pte_fault(): the block is the file's: install the PTE",
                meta: { fn: 'dax_iomap_pte_fault', src: FAULT },
              },
              {
                target: 'vma',
                actions: 'unlockShared',
                description: 'the offset is a hole now (truncated): VM_FAULT_SIGBUS, nothing mapped',
                meta: { fn: 'dax_iomap_pte_fault', src: FAULT },
              },
            ],
          },
        },
        ...faultThroughDax('fault', 'vma', ['insertMapping', 'unlockShared'], ['unlockShared'], 'VM_FAULT_SIGBUS, nothing mapped'),
        fastReading: {
          description: 'GUP-fast has read the PTE',
          on: {
            pte: [
              {
                guard: 'present',
                target: 'fastSawPte',
                description: pmd ? 'the PMD maps the entry (pmd_devmap / a large folio)' : 'the PTE maps the page',
                meta: {
                  fn: pmd ? fnOf(rev, 'gup_pmd_range', 'gup_fast_pmd_range') : fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'),
                  src: GUP,
                },
              },
              {
                target: 'gupSlowNeeded',
                actions: 'irqOn',
                description: 'no PTE: GUP-fast gives up on this page (local_irq_restore()), the slow path takes over',
                meta: { fn: 'get_user_pages_fast', src: GUP },
              },
            ],
          },
        },
        fastSawPte: {
          description: 'GUP-fast saw the PTE and has not yet taken a reference (the page can be unmapped meanwhile)',
          on: {
            gup_fast_grab: {
              target: 'fastGrabbing',
              actions: 'grab',
              description: 'try_grab_page(): take the references',
              meta: { fn: fnOf(rev, 'try_grab_folio_fast', 'try_grab_page', 'gup_pte_range'), src: GUP },
            },
          },
        },
        fastGrabbing: {
          description: 'GUP-fast is taking its references',
          on: {
            grabbed: [
              ...only(keepsWithoutRecheck, {
                guard: 'grabbedKeptByEra',
                target: 'pinned',
                actions: ['useRound', 'notePinTime', 'irqOn'],
                description:
                  '__gup_device_huge_pmd(): get_dev_pagemap() and get_page() on the subpage, and return: the PMD is not read again',
                meta: {
                  fn: '__gup_device_huge_pmd',
                  src: 'infer: 4.17 mm/gup.c __gup_device_huge_pmd (re-check added by a9b6de77b1a3, 4.18)',
                },
              }),
              {
                guard: 'grabbedNoRecheck',
                target: 'pinned',
                actions: ['useRound', 'notePinTime', 'irqOn'],
                description: 'counterfactual: references taken and kept without re-reading the PTE',
                meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: 'counterfactual' },
              },
              {
                guard: 'ok',
                target: 'fastGrabbed',
                actions: 'notePinTime',
                description: 'references taken',
                meta: { fn: fnOf(rev, 'try_grab_folio_fast', 'try_grab_page', 'gup_pte_range'), src: GUP },
              },
              {
                target: 'gupSlowNeeded',
                actions: 'irqOn',
                description: 'the page cannot be grabbed here: local_irq_restore(), the slow path takes over',
                meta: { fn: fnOf(rev, 'try_grab_folio_fast', 'try_grab_page', 'gup_pte_range'), src: GUP },
              },
            ],
          },
        },
        fastGrabbed: {
          description: 'GUP-fast holds references it has not validated yet',
          on: {
            gup_fast_recheck: {
              target: 'fastRechecking',
              actions: 'recheck',
              description: pmd
                ? `${fastPmdFn}(): re-read the PMD: pmd_val(orig) == pmd_val(*pmdp)?`
                : 'gup_pte_range(): re-read the PTE: unchanged?',
              meta: { fn: fastPmdFn, src: GUP },
            },
          },
        },
        fastRechecking: {
          description: 'GUP-fast re-reading the PTE',
          on: {
            pte: [
              {
                guard: 'present',
                target: 'pinned',
                actions: ['useRound', 'irqOn'],
                description: pmd
                  ? 'the PMD is unchanged: the pin stands (local_irq_restore())'
                  : 'the PTE is unchanged: the pin stands (local_irq_restore())',
                meta: { fn: fastPmdFn, src: GUP },
              },
              {
                target: 'gupSlowNeeded',
                actions: ['putRefs', 'forgetPinTime', 'irqOn'],
                description:
                  'the PTE changed under us (zapped by truncate): put the references back, local_irq_restore(), fall back to the slow path',
                meta: { fn: 'gup_put_folio', src: GUP },
              },
            ],
          },
        },
        gupSlowNeeded: {
          description: 'GUP-fast fell back; get_user_pages() slow path pending',
          on: {
            gup_slow: {
              target: 'slowFollowing',
              actions: 'follow',
              description: '__get_user_pages(): follow_page_mask() under the PTE lock',
              meta: { fn: '__get_user_pages', src: GUP },
            },
          },
        },
        slowFollowing: {
          description: 'GUP slow path: follow_page under the PTE lock',
          on: {
            follow: [
              {
                guard: 'ok',
                target: 'pinned',
                actions: ['useRound', 'notePinTime'],
                description: 'follow_page_pte() took the references: the page is pinned',
                meta: { fn: 'follow_page_pte', src: GUP },
              },
              {
                guard: 'efault',
                target: 'vma',
                actions: 'useRound',
                description: 'the device is going away (pgmap killed or removed): GUP fails with -EFAULT, the DMA is not started',
                meta: { fn: '__get_user_pages', src: 'infer: mm/gup.c follow_page_pte get_dev_pagemap, faultin_page VM_FAULT_SIGBUS' },
              },
              {
                guard: 'special',
                target: 'vma',
                actions: 'useRound',
                description: 'no struct page behind the PTE: GUP fails with -EFAULT, the DMA is not started',
                meta: { fn: 'follow_page_pte', src: 'seed 001' },
              },
              {
                target: 'slowFaulting',
                actions: ['lockShared', 'iomapBegin'],
                description: 'no PTE: faultin_page() -> handle_mm_fault(): DAX fault under the filesystem mmap lock (shared)',
                meta: { fn: 'faultin_page', src: GUP },
              },
            ],
          },
        },
        slowFaulting: {
          description: 'GUP slow path faulting the page in under the filesystem mmap lock',
          on: {
            iomap: [
              {
                guard: 'mappedViaDax',
                target: 'slowFaultAccessing',
                actions: ['daxReadLock', 'askAlive'],
                description: "faultin_page(): the block is the file's: dax_read_lock(), dax_direct_access() on the dax_device for the pfn",
                meta: { fn: 'dax_direct_access', src: DIRECT },
              },
              {
                guard: 'mapped',
                target: 'slowFollowing',
                actions: ['insertMapping', 'unlockShared', 'follow'],
                description: 'the fault installs the PTE; the GUP loop retries follow_page',
                meta: { fn: 'faultin_page', src: GUP },
              },
              {
                target: 'vma',
                actions: ['unlockShared', 'useRound'],
                description: 'the offset is a hole (truncated): the fault fails, GUP returns -EFAULT',
                meta: { fn: 'faultin_page', src: GUP },
              },
            ],
          },
        },
        ...faultThroughDax(
          'slowFault',
          'slowFollowing',
          ['insertMapping', 'unlockShared', 'follow'],
          ['unlockShared', 'useRound'],
          'VM_FAULT_SIGBUS: faultin_page() fails, GUP returns -EFAULT, the DMA is not started',
        ),
        pinned: {
          tags: ['pinned'],
          description: 'the page is pinned and handed to a device for DMA',
          meta: { fn: 'get_user_pages', src: GUP, condition: 'the GUP references of this pin are held; the VMA is mapped' },
          on: {
            dma_write: {
              actions: 'dmaWrite',
              description: 'the device writes into the pinned pfn',
              meta: { fn: 'submit_bio', src: DMA_SRC, ...DEVICE_WRITES },
            },
            unpin: {
              target: 'vma',
              actions: ['releasePin', 'forgetPinTime'],
              description: `DMA complete: ${unpinText}`,
              meta: { fn: unpinFn, src: batch ? RELEASE_PAGES : GUP, ...DMA_COMPLETES },
            },
            munmap: {
              guard: 'munmapWhilePinned',
              target: 'pinnedNoVma',
              actions: ['zapPte', 'munmapVma'],
              description: 'munmap() while the DMA is in flight: the PTE and VMA go, the pin stays',
              meta: { fn: 'do_munmap', src: 'infer', ...USER_CHOICE },
            },
          },
        },
        pinnedNoVma: {
          tags: ['pinned'],
          description: 'the mapping is gone but the device still holds the pin',
          meta: { fn: 'do_munmap', src: 'infer', condition: 'the GUP references of this pin are held; no VMA maps the file' },
          on: {
            dma_write: {
              actions: 'dmaWrite',
              description: 'the device writes into the pinned pfn',
              meta: { fn: 'submit_bio', src: DMA_SRC, ...DEVICE_WRITES },
            },
            unpin: {
              target: 'done',
              actions: ['releasePin', 'forgetPinTime'],
              description: `DMA complete: the last reference of this process goes: ${unpinText}`,
              meta: { fn: unpinFn, src: batch ? RELEASE_PAGES : GUP, ...DMA_COMPLETES },
            },
          },
        },
        done: { type: 'final', description: 'the process is done with the file' },
      },
    }),
    GUP,
    pinnerDocs(rev),
  );
});
