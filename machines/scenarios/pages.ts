import type { ActorDecl, EnvEvents, InertSize, Scenario, SizeParam, SystemDecl } from '../kit/types.ts';
import { defineScenario } from '../kit/scenario.ts';
import { addressSpaceMachine, type TlbFlush } from '../addressSpace.ts';
import { blockMachine } from '../block.ts';
import { devmapManagedKeyMachine, type DevmapKeyInput } from '../devmapManagedKey.ts';
import { dmaPinnerMachine, type PinnerInput } from '../dmaPinner.ts';
import { evictionMachine } from '../eviction.ts';
import { fileWriterMachine } from '../fileWriter.ts';
import { invariantsFor, livenessFor } from '../invariants.ts';
import { pageMachine, type PageInput } from '../page.ts';
import { ERAS, type Filesystem } from '../eras.ts';
import { filesystemMachine, type FilesystemInput } from '../filesystem.ts';
import type { MachineId } from '../views.ts';
import type { Revision } from '../kit/revision.ts';
import { REVISIONS } from '../kit/revision.ts';
import { rwsemMachine } from '../rwsem.ts';
import { daxDeviceMachine } from '../daxDevice.ts';
import { devPagemapMachine } from '../devPagemap.ts';
import { PMEM_ENV, pmemMachine } from '../pmem.ts';
import { srcuMachine } from '../daxSrcu.ts';
import { truncateMachine } from '../truncate.ts';

/**
 * The page / DMA / truncate scenarios (DOMAIN.md bugs 5-7 and what a faithful
 * model of munmap and eviction shows). Every scenario is one DAX file `A` on one
 * filesystem, its pages and the blocks under them, the two inode locks, and the
 * code paths that race: processes that pin pages for DMA, truncate, eviction,
 * and a second file `B` whose allocation may reuse a freed block.
 */

/** --fstype numbering shared with the device scenarios. */
const FSTYPES: readonly Filesystem[] = ['ext4', 'ext2', 'xfs'];

const FILE_A = 'A';
/** The filesystem file A lives on, where a scenario has it as an actor. */
const FS = 'fs0';
const FILE_B = 'B';

const size = <N extends string>(name: N, description: string, def: number, min: number, max: number): SizeParam<N> => ({
  name,
  description,
  default: def,
  min,
  max,
});

const SIZES = {
  pages: size('pages', 'DAX pages (and blocks) of file A', 1, 1, 3),
  pinners: size('pinners', 'processes that pin pages of A for DMA (process i pins page i mod pages)', 1, 1, 4),
  rounds: size('rounds', 'pins each process takes, one after another', 1, 1, 4),
  follPin: size('foll_pin', '1: pins are pin_user_pages() (FOLL_PIN, 1024 references) where the revision has it', 0, 0, 1),
  gupFast: size('gup_fast', '1: processes may use GUP-fast (lockless, re-checks the PTE) besides the slow path', 1, 0, 1),
  longterm: size('longterm', '1: processes also try a long-term pin (refused for FS-DAX)', 0, 0, 1),
  reuse: size('reuse', '1: file B allocates after the truncate and may get a freed block', 1, 0, 1),
  rmapbt: size(
    'rmapbt',
    'xfs: 1 made with rmapbt (what xfs_dax_notify_failure needs), 0 without (notify_failure returns -EOPNOTSUPP)',
    1,
    0,
    1,
  ),
  // Same name and numbering as the device scenarios' --fstype; XFS by default here, the
  // filesystem the dma-vs-truncate series fixed first.
  fs: {
    ...size(
      'fstype',
      'filesystem: 0 ext4, 1 ext2, 2 xfs (they differ in whether and since when truncate, and eviction, break layouts)',
      2,
      0,
      2,
    ),
    labels: FSTYPES,
  },
  // How the zap's TLB flush meets a GUP-fast walker (machines/addressSpace.ts): x86 bare metal by
  // default, the platform most run; nonipi is ppc64 (tlbie), arm64 (TLBI broadcast), PV x86 guests.
  // How the driver that pinned gives the references back (eras.ts putRoutes).
  putRoute: {
    ...size(
      'put_route',
      "release: 0 the pin's own put (put_page, or unpin_user_page with foll_pin), 1 release_pages() over get_user_pages() references (GPU userptr, KVM SEV; FOLL_GET, so foll_pin has no effect)",
      0,
      0,
      1,
    ),
    labels: ['own', 'release_pages'],
  },
  // DAX maps 4 KiB (PTE) and 2 MiB (PMD) entries; a PMD entry's subpages share one PMD.
  entry: {
    ...size(
      'entry',
      'DAX entry size: 0 pte (each page its own 4 KiB entry), 1 pmd (the pages are the subpages of one 2 MiB entry, standing for its 512: one fault, one zap, one PMD that GUP-fast reads)',
      0,
      0,
      1,
    ),
    labels: ['pte', 'pmd'],
  },
  arch: {
    ...size(
      'arch',
      // 6.15 arch/x86/mm/tlb.c: an mm on 4+ CPUs of a 64-bit AMD machine gets a global ASID and broadcast_tlb_flush() (INVLPGB, no IPI).
      'TLB flush: 0 x86 (an IPI that waits for GUP-fast walkers), 1 nonipi (ppc64 tlbie, arm64 TLBI broadcast, paravirtual guests, and from 6.15 AMD INVLPGB for an mm on 4+ CPUs)',
      0,
      0,
      1,
    ),
    labels: ['x86', 'nonipi'],
  },
} as const;

const TLB_FLUSH: readonly TlbFlush[] = ['ipi', 'nonipi'];

/** The machine whose instances are interchangeable up to their inputs (symmetry groups). */
const PINNER: MachineId = 'dma_pinner';

/** Scenarios without a pinners size have one process with file A open: the one pinner. */
const ONE_PINNER = 1;

/** Names of the shared objects every scenario has. */
const KEY = 'devmap_key';
const ASPACE = 'mappingA';
const IOLOCK = 'iolockA';
const MMAPLOCK = 'mmaplockA';
const SB_WRITERS = 'sbWriters';
const pageName = (i: number) => `page${i}`;
const blockName = (i: number) => `block${i}`;

interface FileOptions {
  rev: Revision;
  pages: number;
  /** Processes that have file A open when the system starts. */
  opens: number;
  waiters: string[];
  /** FS_DAX_LIMITED: the pfns have no struct page. */
  limited?: boolean;
  gupAllowsSpecial?: boolean;
  /** devmap_managed_key as the page side finds it; omitted: there is no key in this system. */
  key?: DevmapKeyInput;
  /** The pages do not exist until a driver probe sends memmap_init. */
  online?: boolean;
  /** The dev_pagemap actor the pages belong to (their base reference pins it), where the scenario has one. */
  pgmap?: string;
  /** The `arch` size: how a TLB flush meets GUP-fast (0 x86, 1 nonipi). */
  arch: number;
  /** The pages are the subpages of one PMD entry (the `entry` size). */
  pmd?: boolean;
}

/**
 * The struct pages (or folio) behind `pages` blocks of file A: one page each, except for a PMD
 * entry where the era makes it one large folio (eras.ts pmdUnit: 6.15), whose single refcount
 * every subpage's pin raises.
 */
function pageActorNames(rev: Revision, pages: number, pmd: boolean): string[] {
  const n = pmd && ERAS[rev].page.pmdUnit === 'largeFolio' ? 1 : pages;
  return Array.from({ length: n }, (_, i) => pageName(i));
}

/** Pages, blocks, the address_space and the two locks of file A (and the static key, where the era has one). */
function fileActors(o: FileOptions): ActorDecl[] {
  const era = ERAS[o.rev].page;
  const withKey = era.putHook === 'devmapKey' && o.key !== undefined && !o.limited;
  const actors: ActorDecl[] = [];
  if (withKey) actors.push({ name: KEY, kind: 'object', machine: devmapManagedKeyMachine(o.rev), input: o.key });
  const pageNames = pageActorNames(o.rev, o.pages, o.pmd ?? false);
  for (const name of pageNames) {
    const input: PageInput = {
      name,
      key: withKey ? KEY : null,
      waiters: o.waiters,
      limited: o.limited ?? false,
      gupAllowsSpecial: o.gupAllowsSpecial ?? false,
      online: o.online ?? true,
      ...(o.pgmap ? { pgmap: o.pgmap } : {}),
    };
    actors.push({ name, kind: 'object', machine: pageMachine(o.rev), input });
  }
  for (let i = 0; i < o.pages; i++) actors.push({ name: blockName(i), kind: 'object', machine: blockMachine(), input: { owner: FILE_A } });
  actors.push({
    name: ASPACE,
    kind: 'object',
    machine: addressSpaceMachine(),
    input: { file: FILE_A, opens: o.opens, tlbFlush: TLB_FLUSH[o.arch] },
  });
  actors.push({ name: IOLOCK, kind: 'object', machine: rwsemMachine(), input: { what: 'XFS_IOLOCK' } });
  actors.push({ name: MMAPLOCK, kind: 'object', machine: rwsemMachine(), input: { what: 'XFS_MMAPLOCK' } });
  return actors;
}

interface PinnerOptions {
  rev: Revision;
  pinners: number;
  pages: number;
  rounds: number;
  follPin: boolean;
  gupFast: boolean;
  longterm: boolean;
  munmapWhilePinned: boolean;
  /** false: the counterfactual GUP-fast that does not re-check the PTE. */
  recheck?: boolean;
  /** The dax_device a fault asks for the pfn (and the dax_srcu domain); absent: the device stays alive throughout. */
  dax?: { device: string; srcu: string };
  /** The driver's release: the pin's own put, or release_pages(). */
  release?: 'own' | 'release_pages';
  /** The pages are the subpages of one PMD entry. */
  pmd?: boolean;
}

function pinnerActors(o: PinnerOptions): ActorDecl[] {
  const env: Record<string, readonly Record<string, unknown>[]> = {
    mmap: [{}],
    fault: [{}],
    gup_slow: [{}],
    dma_write: [{}],
    unpin: [{}],
    munmap: [{}],
  };
  // A DAX PMD that GUP-fast leaves to the slow path (eras.ts gupFastSkipsDaxPmd) gets no GUP-fast walker.
  if (o.gupFast && !((o.pmd ?? false) && ERAS[o.rev].page.gupFastSkipsDaxPmd))
    Object.assign(env, { gup_fast: [{}], gup_fast_grab: [{}], gup_fast_recheck: [{}] });
  if (o.longterm) env.gup_longterm = [{}];
  // A fault through a device that may go away is three steps (dmaPinner.ts faultThroughDax).
  if (o.dax) Object.assign(env, { dax_read_unlock: [{}], dax_insert_mapping: [{}] });
  // One machine for all: pinners of the same page are then interchangeable (symmetry).
  const pmd = o.pmd ?? false;
  const machine = dmaPinnerMachine(o.rev, { release: o.release ?? 'own', pmd });
  const pageNames = pageActorNames(o.rev, o.pages, pmd);
  return Array.from({ length: o.pinners }, (_, i): ActorDecl => {
    const page = i % o.pages;
    const input: PinnerInput = {
      file: FILE_A,
      // A large folio (6.15 PMD): every subpage's pin raises the folio's one refcount.
      page: pageNames[page] ?? pageNames[0],
      block: blockName(page),
      ...(pmd ? { entryPages: pageNames } : {}),
      ...(o.release === 'release_pages' ? { release: 'release_pages' as const } : {}),
      aspace: ASPACE,
      mmaplock: MMAPLOCK,
      follPin: o.follPin,
      rounds: o.rounds,
      longterm: o.longterm,
      munmapWhilePinned: o.munmapWhilePinned,
      recheck: o.recheck ?? true,
      ...(o.dax ? { dax: o.dax.device, srcu: o.dax.srcu } : {}),
    };
    return { name: `dma${i}`, kind: 'path', machine, input, env: env as EnvEvents };
  });
}

function truncateActor(rev: Revision, pages: number, limited = false, fstype = 2, sbWriters: string | null = null, pmd = false): ActorDecl {
  const env: EnvEvents = {
    truncate: [{}],
    break_layouts: [{}],
    wait_var_event: [{}],
    relock: [{}],
    truncate_setsize: [{}],
    itruncate_extents: [{}],
  };
  return {
    name: 'truncate',
    kind: 'path',
    machine: truncateMachine(rev, FSTYPES[fstype] ?? 'xfs'),
    input: {
      file: FILE_A,
      aspace: ASPACE,
      pages: pageActorNames(rev, pages, pmd),
      blocks: Array.from({ length: pages }, (_, i) => blockName(i)),
      iolock: IOLOCK,
      mmaplock: MMAPLOCK,
      limited,
      sbWriters,
    },
    env,
  };
}

function evictionActor(rev: Revision, pages: number, fstype = 2): ActorDecl {
  const env: EnvEvents = {
    evict: [{}],
    dax_break_layout_final: [{}],
    wait_var_event: [{}],
    schedule_return: [{}],
    truncate_inode_pages_final: [{}],
    free_blocks: [{}],
  };
  return {
    name: 'evict',
    kind: 'path',
    machine: evictionMachine(rev, FSTYPES[fstype] ?? 'xfs'),
    input: {
      file: FILE_A,
      aspace: ASPACE,
      pages: Array.from({ length: pages }, (_, i) => pageName(i)),
      blocks: Array.from({ length: pages }, (_, i) => blockName(i)),
    },
    env,
  };
}

/** File B's write: allocates a block, and may be handed block0 once A freed it. */
function writerActor(): ActorDecl {
  return {
    name: 'writeB',
    kind: 'path',
    machine: fileWriterMachine(),
    input: { file: FILE_B, block: blockName(0) },
    env: { allocate: [{}] },
  };
}

function system(actors: ActorDecl[]): SystemDecl {
  // Pinners with the same input (same page) are interchangeable where no actor records their names (the locks count
  // readers, the page and block keep no caller). dax_srcu does: a fault's dax_read_lock puts the pinner in its
  // `inside` list (pmem-remove-pinned), so with it in the system none are declared symmetric (a permutation would
  // not rename them there, and the reduced graph grew without end).
  const byInput = new Map<string, string[]>();
  const srcuRecords = actors.some((a) => a.machine.id === 'dax_srcu');
  for (const a of actors) {
    if (a.machine.id !== PINNER || srcuRecords) continue;
    const key = JSON.stringify(a.input);
    byInput.set(key, [...(byInput.get(key) ?? []), a.name]);
  }
  const symmetric = [...byInput.values()].filter((g) => g.length > 1);
  return { actors, invariants: invariantsFor(actors), liveness: livenessFor(actors), ...(symmetric.length ? { symmetric } : {}) };
}

const revOf = (rev: Revision | undefined): Revision => rev ?? 'v4.18';

/** The static key as a running pmem device left it: probed once, key enabled. */
const KEY_ENABLED: DevmapKeyInput = { count: 1, on: true };

/**
 * The sizes of a page scenario that make no difference in a configuration (InertSize): each makes the system its
 * default makes, as the machines read them. arch decides whether the zap's TLB flush waits for GUP-fast walkers
 * (addressSpace.ts), and with GUP-fast off there are none (nor any re-check, gup_recheck); foll_pin is read only where
 * the era has FOLL_PIN and the references are the pin's own (dmaPinner.ts: release_pages() drops FOLL_GET ones);
 * rmapbt only by xfs's notify_failure, which exists from 6.0.
 */
function pageInert(revision: Revision | undefined, s: Readonly<Record<string, number>>): InertSize[] {
  const out: InertSize[] = [];
  const pmdSkipped = s.entry === 1 && ERAS[revOf(revision)].page.gupFastSkipsDaxPmd;
  if ('gup_fast' in s && pmdSkipped)
    out.push({ size: 'gup_fast', why: `at ${revision} GUP-fast finds a DAX PMD special and leaves it to the slow path (--entry pmd)` });
  if ('arch' in s && (s.gup_fast === 0 || pmdSkipped))
    out.push({
      size: 'arch',
      why: `it decides how the TLB flush meets GUP-fast walkers, and ${s.gup_fast === 0 ? 'with --gup_fast 0' : `at ${revision} with --entry pmd`} there are none`,
    });
  if ('foll_pin' in s && !ERAS[revOf(revision)].page.follPin)
    out.push({ size: 'foll_pin', why: `${revision} has no FOLL_PIN (pin_user_pages() came in 5.6): every pin is get_user_pages()` });
  else if ('foll_pin' in s && s.put_route === 1)
    out.push({
      size: 'foll_pin',
      why: 'with --put_route 1 the references are get_user_pages() ones (FOLL_GET) that release_pages() drops',
    });
  if ('rmapbt' in s && s.fstype !== 2) out.push({ size: 'rmapbt', why: 'rmapbt is an xfs mkfs option, and --fstype is not xfs' });
  else if ('rmapbt' in s && !ERAS[revOf(revision)].device.holder)
    out.push({ size: 'rmapbt', why: `${revision} has no dax holder (6.0): nothing calls xfs_dax_notify_failure(), which reads it` });
  // Process i pins page i mod pages: one process pins page 0 alone, and with 4 KiB entries the other pages are never
  // mapped or pinned, so each truncate scan passes them idle (a PMD entry maps them all with page 0: they count there).
  if ('pages' in s && (s.pinners ?? 1) === 1 && (s.entry ?? 0) === 0)
    out.push({
      size: 'pages',
      why: 'one process maps and pins page 0 only (process i pins page i mod pages): the other pages stay idle, and truncate passes them',
    });
  if ('gup_recheck' in s && (s.gup_fast === 0 || pmdSkipped))
    out.push({ size: 'gup_recheck', why: 'it is GUP-fast that re-reads the PTE, and with --gup_fast 0 no process uses GUP-fast' });
  return out;
}

export const dmaTruncateScenario = defineScenario({
  name: 'dma-truncate',
  description:
    'mmap a DAX file, pin a page for DMA (GUP slow or fast path), truncate the file while the DMA may be in flight, let file B allocate the freed block',
  revisions: REVISIONS,
  sizes: [
    SIZES.pages,
    SIZES.pinners,
    SIZES.rounds,
    SIZES.follPin,
    SIZES.gupFast,
    SIZES.longterm,
    SIZES.reuse,
    SIZES.fs,
    size('gup_recheck', '0: counterfactual: GUP-fast keeps its references without re-reading the PTE (what protects I10)', 1, 0, 1),
    SIZES.arch,
    SIZES.putRoute,
    SIZES.entry,
  ],
  // Two pages and two pinners: truncate must rescan after each waited page goes idle. The release
  // route is the driver's, whatever the TLB flush; a PMD entry differs where GUP-fast reads it
  // (its re-check, eras.ts gupFastPmdRecheck). Both at one round: a second pin adds nothing to them.
  space: {
    pages: [1, 2],
    pinners: [1, 2],
    rounds: [1, 2],
    gup_fast: [1, 0],
    arch: [0, 1],
    fstype: [2, 0, 1],
    put_route: [0, 1],
    entry: [0, 1],
  },
  spaceRequires: { arch: { gup_fast: 1 }, put_route: { arch: 0, rounds: 1 }, entry: { gup_fast: 1, rounds: 1 } },
  inert: pageInert,
  build(revision, s) {
    const rev = revOf(revision);
    const actors = [
      ...fileActors({ rev, arch: s.arch, pages: s.pages, opens: s.pinners, waiters: ['truncate'], key: KEY_ENABLED, pmd: s.entry === 1 }),
      ...pinnerActors({
        rev,
        pinners: s.pinners,
        pages: s.pages,
        rounds: s.rounds,
        follPin: s.foll_pin === 1,
        gupFast: s.gup_fast === 1,
        longterm: s.longterm === 1,
        munmapWhilePinned: false,
        recheck: s.gup_recheck !== 0,
        release: s.put_route === 1 ? 'release_pages' : 'own',
        pmd: s.entry === 1,
      }),
      truncateActor(rev, s.pages, false, s.fstype, null, s.entry === 1),
      ...(s.reuse ? [writerActor()] : []),
    ];
    return system(actors);
  },
});

export const munmapPinnedTruncateScenario = defineScenario({
  name: 'munmap-pinned-truncate',
  description:
    'pin a page for DMA, munmap while the DMA is in flight (the pin outlives the mapping), then truncate; file B may reuse the block',
  revisions: REVISIONS,
  sizes: [SIZES.pages, SIZES.rounds, SIZES.follPin, SIZES.gupFast, SIZES.reuse, SIZES.fs, SIZES.arch, SIZES.putRoute, SIZES.entry],
  space: { pages: [1, 2], rounds: [1, 2], gup_fast: [1, 0], arch: [0, 1], fstype: [2, 0, 1], put_route: [0, 1], entry: [0, 1] },
  spaceRequires: { arch: { gup_fast: 1 }, put_route: { arch: 0, rounds: 1 }, entry: { gup_fast: 1, rounds: 1 } },
  inert: pageInert,
  build(revision, s) {
    const rev = revOf(revision);
    const actors = [
      ...fileActors({ rev, arch: s.arch, pages: s.pages, opens: ONE_PINNER, waiters: ['truncate'], key: KEY_ENABLED, pmd: s.entry === 1 }),
      ...pinnerActors({
        rev,
        pinners: 1,
        pages: s.pages,
        rounds: s.rounds,
        follPin: s.foll_pin === 1,
        gupFast: s.gup_fast === 1,
        longterm: false,
        munmapWhilePinned: true,
        release: s.put_route === 1 ? 'release_pages' : 'own',
        pmd: s.entry === 1,
      }),
      truncateActor(rev, s.pages, false, s.fstype, null, s.entry === 1),
      ...(s.reuse ? [writerActor()] : []),
    ];
    return system(actors);
  },
});

export const evictPinnedScenario = defineScenario({
  name: 'evict-pinned',
  description:
    'pin a page for DMA, munmap and close with the pin held, unlink: the inode is evicted (or the fs unmounted) while the device still DMAs; file ' +
    'B may reuse the block',
  revisions: REVISIONS,
  // The filesystem decides whether eviction waits for pinned pages (6.15: xfs and ext4 do, ext2 does not).
  sizes: [SIZES.pages, SIZES.rounds, SIZES.gupFast, SIZES.reuse, SIZES.arch, SIZES.fs],
  space: { pages: [1, 2], rounds: [1, 2], gup_fast: [1, 0], arch: [0, 1], fstype: [2, 0, 1] },
  spaceRequires: { arch: { gup_fast: 1 } },
  inert: (revision, s) => {
    // Here the filesystem is only its eviction: where every filesystem evicts alike (before 6.15), it makes no difference.
    const breaks = ERAS[revOf(revision)].page.evictBreaksLayouts;
    const alike = FSTYPES.every((f) => breaks[f] === breaks.xfs);
    const fs: InertSize[] = alike
      ? [{ size: 'fstype', why: `at ${revision} every filesystem's eviction drops the entries without looking for pinned pages` }]
      : [];
    // pageInert names its sizes as strings; these are this scenario's.
    return [...pageInert(revision, s), ...fs] as InertSize<keyof typeof s>[];
  },
  build(revision, s) {
    const rev = revOf(revision);
    const actors = [
      ...fileActors({ rev, arch: s.arch, pages: s.pages, opens: ONE_PINNER, waiters: ['evict'], key: KEY_ENABLED }),
      ...pinnerActors({
        rev,
        pinners: 1,
        pages: s.pages,
        rounds: s.rounds,
        follPin: false,
        gupFast: s.gup_fast === 1,
        longterm: false,
        munmapWhilePinned: true,
      }),
      evictionActor(rev, s.pages, s.fstype),
      ...(s.reuse ? [writerActor()] : []),
    ];
    return system(actors);
  },
});

/** FS_DAX_LIMITED exists from 4.15 until 6.15 marked dcssblk DAX broken and removed it. */
const LIMITED_REVISIONS: readonly Revision[] = REVISIONS.filter((r) => ERAS[r].device.fsDaxLimited);

export const dcssblkScenario = defineScenario({
  name: 'dcssblk-limited',
  description:
    'FS_DAX_LIMITED (s390 dcssblk): DAX pfns without struct page. A process maps the file and tries to pin it for DMA while truncate runs; ' +
    'gup_special=1 is the counterfactual where GUP would hand out such a pfn, to show what the refusal protects',
  revisions: LIMITED_REVISIONS,
  sizes: [
    SIZES.pages,
    SIZES.rounds,
    SIZES.gupFast,
    SIZES.reuse,
    size('gup_special', '1: counterfactual: GUP pins pfns without struct page', 0, 0, 1),
    SIZES.arch,
  ],
  space: { pages: [1, 2], rounds: [1, 2], gup_fast: [1, 0], arch: [0, 1] },
  spaceRequires: { arch: { gup_fast: 1 } },
  inert: pageInert,
  build(revision, s) {
    const rev = revOf(revision);
    const actors = [
      ...fileActors({
        rev,
        arch: s.arch,
        pages: s.pages,
        opens: ONE_PINNER,
        waiters: ['truncate'],
        limited: true,
        gupAllowsSpecial: s.gup_special === 1,
      }),
      ...pinnerActors({
        rev,
        pinners: 1,
        pages: s.pages,
        rounds: s.rounds,
        follPin: false,
        gupFast: s.gup_fast === 1,
        longterm: false,
        munmapWhilePinned: false,
      }),
      truncateActor(rev, s.pages, true),
      ...(s.reuse ? [writerActor()] : []),
    ];
    return system(actors);
  },
});

/**
 * One pmem device, as the pmem driver code path (machines/pmem.ts) with the
 * objects it drives. `stays`: the device is not removed in this scenario, so its
 * driver is declared an object (a bound device need not finish).
 */
/**
 * A pmem device, its dax_device and its pgmap. `mounted`: the filesystem of file A is mounted on
 * it and holds the dax_device reference it took at mount (fs_dax_get_by_bdev in xfs_open_devices /
 * ext4_fill_super, put at unmount), so removal leaves the dax_device dead but not freed.
 */
function pmemActors(
  rev: Revision,
  i: number,
  o: { probed: boolean; stays: boolean; key: boolean; pages: string[]; mounted?: { fs: string; holder: boolean } },
): ActorDecl[] {
  const removeEnv = o.stays ? {} : PMEM_ENV;
  const probeEnv = { probe: [{}], static_branch_enable: [{}], devm_memremap_pages: [{}], alloc_dax: [{}] };
  return [
    {
      name: `pmem${i}`,
      kind: o.stays ? 'object' : 'path',
      machine: pmemMachine(rev),
      input: { dax: `dax${i}`, pgmap: `pgmap${i}`, srcu: 'dax_srcu', key: o.key ? KEY : null, probed: o.probed, pages: o.pages },
      env: (o.probed ? removeEnv : { ...probeEnv, ...removeEnv }) as EnvEvents,
    },
    {
      name: `dax${i}`,
      kind: 'object',
      machine: daxDeviceMachine(rev),
      input: {
        allocatedBy: o.probed ? `pmem${i}` : null,
        ops: 'pmem',
        pgmap: `pgmap${i}`,
        ...(o.mounted ? { extraRefs: { [o.mounted.fs]: 1 }, holder: o.mounted.holder ? o.mounted.fs : null } : {}),
      },
    },
    { name: `pgmap${i}`, kind: 'object', machine: devPagemapMachine(rev), input: { live: o.probed, pages: o.probed ? o.pages.length : 0 } },
  ];
}

export const staticKeyRaceScenario = defineScenario({
  name: 'static-key-race',
  description:
    'two pmem devices: pmem0 (probed) is removed while pmem1 is probed; file A lives on pmem1, a process pins one of its pages for DMA and truncate waits ' +
    'for it',
  // v8/v9 enable the key from the filesystem claim (not modelled on this side), so they are left out.
  revisions: REVISIONS.filter((r) => !ERAS[r].device.claimsPgmap),
  // GUP-fast is off by default here: its speculative-reference WARN is dma-truncate's subject,
  // and this scenario is about the key. --gup_fast 1 adds it.
  sizes: [SIZES.rounds, SIZES.follPin, { ...SIZES.gupFast, default: 0 }, SIZES.arch],
  space: { rounds: [1, 2], foll_pin: [0, 1], gup_fast: [0, 1], arch: [0, 1] },
  spaceRequires: { arch: { gup_fast: 1 } },
  inert: pageInert,
  build(revision, s) {
    const rev = revOf(revision);
    const era = ERAS[rev].page;
    const key = era.putHook === 'devmapKey';
    const pages = [pageName(0)];
    const actors = [
      ...fileActors({ rev, arch: s.arch, pages: 1, opens: 1, waiters: ['truncate'], key: key ? KEY_ENABLED : undefined, online: false }),
      { name: 'dax_srcu', kind: 'object' as const, machine: srcuMachine(rev) },
      ...pmemActors(rev, 0, { probed: true, stays: false, key, pages: [] }),
      ...pmemActors(rev, 1, { probed: false, stays: true, key, pages }),
      ...pinnerActors({
        rev,
        pinners: 1,
        pages: 1,
        rounds: s.rounds,
        follPin: s.foll_pin === 1,
        gupFast: s.gup_fast === 1,
        longterm: false,
        munmapWhilePinned: false,
      }),
      truncateActor(rev, 1),
    ];
    return system(actors);
  },
});

/**
 * pmem removal (unbind) while a page of a mounted DAX file is pinned for DMA and a truncate
 * of the file is breaking layouts. What memunmap_pages() does to the pages differs by era
 * (eras.ts PageEra.memunmap): it puts every page's base reference (4.16..5.17) or leaves
 * the page refcounts alone (5.18+), and it removes the struct pages before (4.x) or after
 * (5.x+) waiting for the pgmap references. The filesystem stays mounted and holds dax0; from
 * 6.0 an xfs is dax0's holder, and kill_dax() notifies it before clearing ALIVE (flags 0 until
 * 6.7, MF_MEM_PRE_REMOVE from 6.8): what it does then depends on rmapbt (filesystem.ts);
 * ext2/ext4 register no holder and are never told.
 */
export const pmemRemovePinnedScenario = defineScenario({
  name: 'pmem-remove-pinned',
  description:
    'file A on pmem0 is mapped and a page pinned for DMA while truncate breaks layouts; pmem0 is removed (unbind) meanwhile, under the mounted ' +
    'filesystem that holds it (6.0+ xfs: its holder, told by kill_dax): memunmap_pages() as each era has it; file B may reuse a freed block',
  revisions: REVISIONS,
  sizes: [
    SIZES.pages,
    SIZES.pinners,
    SIZES.rounds,
    SIZES.follPin,
    { ...SIZES.gupFast, default: 0 },
    SIZES.reuse,
    SIZES.fs,
    SIZES.rmapbt,
    SIZES.arch,
  ],
  space: { pages: [1, 2], pinners: [1, 2], gup_fast: [0, 1], arch: [0, 1], fstype: [2, 0, 1], rmapbt: [1, 0] },
  // rmapbt is an xfs format option, and only a holder era (6.0+) asks for it.
  spaceRequires: { arch: { gup_fast: 1 }, rmapbt: { fstype: 2 } },
  inert: pageInert,
  build(revision, s) {
    const rev = revOf(revision);
    const era = ERAS[rev].page;
    const key = era.putHook === 'devmapKey';
    const pages = Array.from({ length: s.pages }, (_, i) => pageName(i));
    const fstype = FSTYPES[s.fstype] ?? 'xfs';
    const holder = ERAS[rev].device.holder && fstype === 'xfs';
    // The mounted filesystem: it holds dax0 (and, xfs from 6.0, is its holder); its DAX file is A.
    const fs: FilesystemInput = {
      name: FS,
      fstype,
      dax: 'dax0',
      unit: 'pmem0',
      rmapbt: s.rmapbt === 1,
      mounted: true,
      // ftruncate's sb_start_write(): only a holder is ever frozen (by kill_dax's notification), but the lock is there in every era.
      sbWriters: SB_WRITERS,
      files: [{ file: FILE_A, pages, blocks: pages.map((_, i) => blockName(i)), aspace: ASPACE }],
    };
    const actors = [
      { name: FS, kind: 'object' as const, machine: filesystemMachine(rev), input: fs },
      ...fileActors({
        rev,
        arch: s.arch,
        pages: s.pages,
        opens: s.pinners,
        waiters: ['truncate'],
        key: key ? KEY_ENABLED : undefined,
        pgmap: 'pgmap0',
      }),
      { name: 'dax_srcu', kind: 'object' as const, machine: srcuMachine(rev) },
      ...pmemActors(rev, 0, { probed: true, stays: false, key, pages, mounted: { fs: FS, holder } }),
      ...pinnerActors({
        rev,
        pinners: s.pinners,
        pages: s.pages,
        rounds: s.rounds,
        follPin: s.foll_pin === 1,
        gupFast: s.gup_fast === 1,
        longterm: false,
        munmapWhilePinned: false,
        dax: { device: 'dax0', srcu: 'dax_srcu' },
      }),
      truncateActor(rev, s.pages, false, s.fstype, SB_WRITERS),
      ...(s.reuse ? [writerActor()] : []),
      { name: SB_WRITERS, kind: 'object' as const, machine: rwsemMachine(), input: { what: 'sb_writers (SB_FREEZE_WRITE)' } },
    ];
    return system(actors);
  },
});

export const pageScenarios: Scenario<Revision>[] = [
  dmaTruncateScenario,
  staticKeyRaceScenario,
  munmapPinnedTruncateScenario,
  evictPinnedScenario,
  dcssblkScenario,
  pmemRemovePinnedScenario,
];
