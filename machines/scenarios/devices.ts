import type { ActorDecl, EnvEvents, Scenario, SystemDecl } from '../kit/types.ts';
import { rwsemMachine } from '../rwsem.ts';
import { defineScenario } from '../kit/scenario.ts';
import { REVISIONS, type Revision } from '../kit/revision.ts';
import { ERAS } from '../eras.ts';
import { daxDeviceMachine, type DaxDeviceInput } from '../daxDevice.ts';
import { devPagemapMachine, type DevPagemapInput } from '../devPagemap.ts';
import { dmTableMachine, DM_TABLE_ENV, type DmTableInput } from '../dmTable.ts';
import { filesystemMachine, FILESYSTEM_ENV, type FilesystemInput } from '../filesystem.ts';
import { invariantsFor, livenessFor } from '../invariants.ts';
import { pmemMachine, PMEM_ENV, type PmemInput } from '../pmem.ts';
import { srcuMachine, srcuReaderMachine, SRCU_READER_ENV, type SrcuReaderInput } from '../daxSrcu.ts';

/**
 * The device/ownership scenarios: who mounts what on which device, which drivers come
 * and go. Each builds a system from the machines of one revision; no scenario says
 * what should go wrong.
 */

/**
 * What the environment gives a filesystem that mounts once, fill_super succeeding, and unmounts: the unmount's steps
 * (put_super, the block device's release where it comes before fs_put_dax, fs_put_dax and its clearing of holder_ops)
 * are each a step of their own (machines/filesystem.ts).
 */
const MOUNT_ONCE: EnvEvents = {
  mount: [{}],
  fill_super: [{ ok: true }],
  umount: [{}],
  kill_block_super: [{}],
  free_buftarg: [{}],
  fs_put_dax_clear_ops: [{}],
};

const SRCU = 'dax_srcu';

/** Builders of one actor each: the name is the actor's identity in traces. */
const srcu = (rev: Revision): ActorDecl => ({ name: SRCU, machine: srcuMachine(rev), kind: 'object' });

const daxDevice = (rev: Revision, name: string, input: DaxDeviceInput): ActorDecl => ({
  name,
  machine: daxDeviceMachine(rev),
  input,
  kind: 'object',
});

const pgmap = (rev: Revision, name: string, input: DevPagemapInput): ActorDecl => ({
  name,
  machine: devPagemapMachine(rev),
  input,
  kind: 'object',
});

/**
 * A pmem device: driver, dax_device, pgmap. `probed`: bound before the scenario starts.
 * `removable`: the scenario unbinds it (then the driver is a code path that must finish;
 * otherwise it only holds what it set up).
 */
function pmemDevice(rev: Revision, name: string, opts: { probed: boolean; removable: boolean; key?: string | null }): ActorDecl[] {
  const input: PmemInput = { dax: `${name}.dax`, pgmap: `${name}.pgmap`, srcu: SRCU, key: opts.key ?? null, probed: opts.probed };
  const env: EnvEvents = opts.removable
    ? PMEM_ENV
    : opts.probed
      ? {}
      : { probe: [{}], static_branch_enable: [{}], devm_memremap_pages: [{}], alloc_dax: [{}] };
  return [
    { name, machine: pmemMachine(rev), input, kind: opts.removable ? 'path' : 'object', env },
    daxDevice(rev, `${name}.dax`, { ops: 'pmem', pgmap: `${name}.pgmap`, allocatedBy: opts.probed ? name : null }),
    pgmap(rev, `${name}.pgmap`, { live: opts.probed }),
  ];
}

function filesystem(rev: Revision, name: string, input: Omit<FilesystemInput, 'name'>, env: EnvEvents = FILESYSTEM_ENV): ActorDecl {
  return { name, machine: filesystemMachine(rev), input: { ...input, name } satisfies FilesystemInput, kind: 'path', env };
}

const system = (actors: ActorDecl[], extra: Partial<SystemDecl> = {}): SystemDecl => ({
  actors,
  invariants: invariantsFor(actors),
  liveness: livenessFor(actors),
  ...extra,
});

const need = (rev: Revision | undefined): Revision => {
  if (!rev) throw new Error('this scenario needs a revision');
  return rev;
};

const FS_TYPES = ['ext4', 'ext2', 'xfs'] as const;
const fsType = (sizes: { readonly fstype: number }) => FS_TYPES[sizes.fstype] ?? 'ext4';
const FSTYPE_SIZE = {
  name: 'fstype',
  description: 'filesystem: 0 ext4, 1 ext2, 2 xfs',
  default: 0,
  min: 0,
  max: 2,
  labels: FS_TYPES,
} as const;
/** Every filesystem, the default (ext4) first: they differ in claims, holders and error paths. */
const ALL_FS = [0, 1, 2] as const;
const DAXOPT_SIZE = {
  name: 'dax_option',
  description: '1: mount -o dax (ext2/ext4 fail the mount without DAX, xfs turns it off)',
  default: 0,
  min: 0,
  max: 1,
} as const;

/** Root mount on a disk whose queue is not DAX: the root mount tries ext4 first, and it fails (-EINVAL). */
const rootNonDax = defineScenario({
  name: 'root-nondax',
  description: 'boot: mount_block_root tries ext4 on a non-DAX root disk; ext4_fill_super fails and takes its error path',
  revisions: REVISIONS,
  sizes: [FSTYPE_SIZE],
  space: { fstype: ALL_FS },
  build(rev, sizes) {
    const r = need(rev);
    return system([filesystem(r, 'root', { fstype: fsType(sizes), dax: null, unit: 'sda' }, { mount: [{}], fill_super: [{ ok: false }] })]);
  },
});

/** Mount and unmount of a filesystem on a plain, non-DAX disk. */
const nonDaxMountUmount = defineScenario({
  name: 'nondax-mount-umount',
  description: 'mount and unmount of ext4/ext2/xfs on a disk without DAX: the lookup returns NULL, unmount releases it',
  revisions: REVISIONS,
  sizes: [FSTYPE_SIZE],
  space: { fstype: ALL_FS },
  build(rev, sizes) {
    const r = need(rev);
    return system([
      filesystem(r, 'fs0', { fstype: fsType(sizes), dax: null, unit: 'sda' }, { mount: [{}], fill_super: [{ ok: true }], umount: [{}] }),
    ]);
  },
});

/** N partitions of one pmem, each mounted by its own filesystem. */
const partitions = defineScenario({
  name: 'pmem-partitions',
  description: 'one pmem device split into partitions, each mounted by its own filesystem and unmounted again',
  revisions: REVISIONS,
  sizes: [
    { name: 'partitions', description: 'partitions of pmem0, one filesystem each', default: 2, min: 1, max: 4 },
    FSTYPE_SIZE,
    { name: 'failures', description: '1: fill_super may also fail after the lookup (error paths)', default: 0, min: 0, max: 1 },
    DAXOPT_SIZE,
  ],
  space: { partitions: [2, 1], fstype: ALL_FS, failures: [0, 1], dax_option: [0, 1] },
  build(rev, sizes) {
    const r = need(rev);
    const n = sizes.partitions;
    const env: EnvEvents = { ...MOUNT_ONCE, fill_super: sizes.failures ? [{ ok: true }, { ok: false }] : [{ ok: true }] };
    const fss = Array.from({ length: n }, (_, i) =>
      filesystem(
        r,
        `fs${i}`,
        { fstype: fsType(sizes), dax: 'pmem0.dax', unit: `pmem0p${i + 1}`, daxOption: sizes.dax_option === 1, bdev: 'pmem0' },
        env,
      ),
    );
    // Not symmetric: each filesystem owns a different partition (its unit), which I5 compares.
    return system([srcu(r), ...pmemDevice(r, 'pmem0', { probed: true, removable: false }), ...fss]);
  },
});

/** A dm device with T linear targets over P pmem devices (round robin), mounted, then torn down. */
const dmTargets = defineScenario({
  name: 'dm-targets-one-pmem',
  description:
    'a dm device whose table has several targets on the same pmem (or spread over several); a filesystem mounts it and unmounts; then dm remove ' +
    'and pmem remove',
  revisions: REVISIONS,
  sizes: [
    { name: 'targets', description: 'dm targets', default: 2, min: 1, max: 3 },
    { name: 'pmems', description: 'pmem devices the targets are spread over (target i on pmem i mod pmems)', default: 1, min: 1, max: 2 },
    FSTYPE_SIZE,
    DAXOPT_SIZE,
  ],
  space: { targets: [2, 1], pmems: [1, 2], fstype: ALL_FS },
  build(rev, sizes) {
    const r = need(rev);
    const t = sizes.targets;
    const p = Math.min(sizes.pmems, t);
    const pmems = Array.from({ length: p }, (_, i) => `pmem${i}`);
    const dm: DmTableInput = {
      name: 'dm0',
      dax: 'dm0.dax',
      srcu: SRCU,
      members: pmems.map((n) => `${n}.dax`),
      memberPgmaps: pmems.map((n) => `${n}.pgmap`),
      targets: Array.from({ length: t }, (_, i) => i % p),
    };
    const actors: ActorDecl[] = [
      srcu(r),
      ...pmems.flatMap((n) => pmemDevice(r, n, { probed: true, removable: true })),
      { name: 'dm0', machine: dmTableMachine(r), input: dm, kind: 'path', env: DM_TABLE_ENV },
      // dax_direct_access through dm returns the first member's pfns: that is the pgmap -o dax asks about.
      daxDevice(r, 'dm0.dax', { ops: 'dm', table: 'dm0', pgmap: null, pfnPgmap: 'pmem0.pgmap' }),
      filesystem(
        r,
        'fs0',
        { fstype: fsType(sizes), dax: 'dm0.dax', unit: 'dm0', bdev: 'dm0', daxOption: sizes.dax_option === 1 },
        MOUNT_ONCE,
      ),
    ];
    return system(actors);
  },
});

/**
 * One pmem shared by a direct mount and a dm device: fs0 mounts pmem0p1 itself, dm0 maps pmem0p2
 * (a linear target over pmem0) and fs1 mounts dm0. Who owns what differs by era: v8/v9 both
 * claim pmem0's one pgmap (fs0 directly, fs1 through dm_dax_fs_claim() with fs1 as owner), so
 * either can release a claim it does not own; 4.16..5.18 take plain references; 5.19+ fs0 (xfs)
 * holds pmem0's dax_device, dm's table device opens it with a NULL holder
 * (drivers/md/dm.c open_table_device) and fs1 (xfs) holds dm0's own dax_device.
 */
const dmAndDirect = defineScenario({
  name: 'dm-and-direct-one-pmem',
  description:
    'one pmem: a filesystem mounts partition pmem0p1 directly, a dm device maps pmem0p2 and a second filesystem mounts it; both mount and unmount, ' +
    'then dm remove',
  revisions: REVISIONS,
  sizes: [FSTYPE_SIZE],
  space: { fstype: ALL_FS },
  build(rev, sizes) {
    const r = need(rev);
    const dm: DmTableInput = {
      name: 'dm0',
      dax: 'dm0.dax',
      srcu: SRCU,
      members: ['pmem0.dax'],
      memberPgmaps: ['pmem0.pgmap'],
      targets: [0],
    };
    const env: EnvEvents = MOUNT_ONCE;
    const actors: ActorDecl[] = [
      srcu(r),
      ...pmemDevice(r, 'pmem0', { probed: true, removable: false }),
      { name: 'dm0', machine: dmTableMachine(r), input: dm, kind: 'path', env: DM_TABLE_ENV },
      daxDevice(r, 'dm0.dax', { ops: 'dm', table: 'dm0', pgmap: null, pfnPgmap: 'pmem0.pgmap' }),
      filesystem(r, 'fs0', { fstype: fsType(sizes), dax: 'pmem0.dax', unit: 'pmem0p1', bdev: 'pmem0' }, env),
      filesystem(r, 'fs1', { fstype: fsType(sizes), dax: 'dm0.dax', unit: 'dm0', bdev: 'dm0' }, env),
    ];
    return system(actors);
  },
});

/** kill_dax (pmem remove) against SRCU readers of the device. */
const killDaxReaders = defineScenario({
  name: 'kill-dax-readers',
  description: 'pmem remove runs kill_dax while readers (fault handlers, dax_direct_access) use the dax_device under dax_read_lock',
  revisions: REVISIONS,
  sizes: [
    { name: 'readers', description: 'SRCU readers of pmem0.dax', default: 2, min: 1, max: 6 },
    { name: 'sections', description: 'read-side sections per reader', default: 1, min: 1, max: 3 },
  ],
  space: { readers: [2, 1], sections: [1, 2] },
  build(rev, sizes) {
    const r = need(rev);
    const n = sizes.readers;
    const reader = srcuReaderMachine(r);
    const readers: ActorDecl[] = Array.from({ length: n }, (_, i) => ({
      name: `reader${i}`,
      machine: reader,
      input: { dax: 'pmem0.dax', srcu: SRCU, sections: sizes.sections } satisfies SrcuReaderInput,
      kind: 'path',
      env: SRCU_READER_ENV,
    }));
    const [driver, , pg] = pmemDevice(r, 'pmem0', { probed: true, removable: true });
    // The readers run on behalf of a mounted filesystem, whose reference keeps the
    // dax_device (not its liveness) around after the driver's put.
    const dax = daxDevice(r, 'pmem0.dax', { ops: 'pmem', pgmap: 'pmem0.pgmap', allocatedBy: 'pmem0', extraRefs: { mnt: 1 } });
    // Not declared symmetric: dax_srcu records readers by name, which a permutation of the
    // reader actors alone would not rename.
    return system([srcu(r), driver, dax, pg, ...readers]);
  },
});

/** pmem probe and remove while a filesystem mounts and unmounts on it. */
const probeRemoveMounted = defineScenario({
  name: 'pmem-remove-mounted',
  description: 'pmem probe, a filesystem mounts it, and pmem remove races the unmount (6.0+: kill_dax notifies the holder)',
  revisions: REVISIONS,
  sizes: [
    { ...FSTYPE_SIZE, default: 2 },
    { name: 'probe', description: '1: the scenario starts with the probe', default: 0, min: 0, max: 1 },
  ],
  space: { fstype: ALL_FS, probe: [0, 1] },
  build(rev, sizes) {
    const r = need(rev);
    const actors = [
      srcu(r),
      ...pmemDevice(r, 'pmem0', { probed: !sizes.probe, removable: true }),
      filesystem(r, 'fs0', { fstype: fsType(sizes), dax: 'pmem0.dax', unit: 'pmem0', bdev: 'pmem0' }, MOUNT_ONCE),
    ];
    return system(actors);
  },
});

const MF_MUTEX = 'mf_mutex';

/** memory_failure() notifying the holder of a pmem device while the holder unmounts (6.0+ holder protocol). */
const holderNotifyUmount = defineScenario({
  name: 'holder-notify-umount',
  description:
    'a media error on pmem0: memory_failure -> dax_holder_notify_failure reaches the xfs holder while it unmounts (and, optionally, while pmem0 ' +
    'is removed)',
  revisions: REVISIONS.filter((r) => ERAS[r].device.holder),
  sizes: [
    {
      name: 'remove',
      description: '1: pmem0 is also removed (kill_dax notifies the holder: flags 0 before 6.8, MF_MEM_PRE_REMOVE after)',
      default: 0,
      min: 0,
      max: 1,
    },
    { name: 'notifiers', description: 'concurrent memory_failure() notifications', default: 1, min: 1, max: 2 },
  ],
  space: { remove: [0, 1], notifiers: [1, 2] },
  build(rev, sizes) {
    const r = need(rev);
    const notifier = srcuReaderMachine(r);
    const notifiers: ActorDecl[] = Array.from({ length: sizes.notifiers }, (_, i) => ({
      name: `mf${i}`,
      machine: notifier,
      input: { dax: 'pmem0.dax', srcu: SRCU, use: 'holder', pgmap: 'pmem0.pgmap', mfMutex: MF_MUTEX } satisfies SrcuReaderInput,
      kind: 'path',
      env: SRCU_READER_ENV,
    }));
    const actors = [
      srcu(r),
      ...pmemDevice(r, 'pmem0', { probed: true, removable: sizes.remove === 1 }),
      filesystem(r, 'fs0', { fstype: 'xfs', dax: 'pmem0.dax', unit: 'pmem0', bdev: 'pmem0' }, MOUNT_ONCE),
      ...notifiers,
      // memory_failure() runs under mf_mutex: two notifications take turns (6.x mm/memory-failure.c).
      { name: MF_MUTEX, kind: 'object' as const, machine: rwsemMachine(), input: { what: 'mf_mutex' } },
    ];
    return system(actors);
  },
});

/** A dcssblk device (FS_DAX_LIMITED: no struct pages) mounted with -o dax. */
const dcssblk = defineScenario({
  name: 'dcssblk-mount',
  description: 's390 dcssblk (FS_DAX_LIMITED, no struct pages, no pgmap): mount -o dax and unmount, then remove',
  // FS_DAX_LIMITED went away with pfn_t (2025); the page half's dcssblk scenario stops at v5.10 too.
  revisions: REVISIONS.filter((r) => ERAS[r].device.fsDaxLimited),
  sizes: [FSTYPE_SIZE],
  space: { fstype: ALL_FS },
  build(rev, sizes) {
    const r = need(rev);
    const input: PmemInput = { dax: 'dcss0.dax', pgmap: null, srcu: SRCU, key: null, probed: true };
    const actors: ActorDecl[] = [
      srcu(r),
      { name: 'dcss0', machine: pmemMachine(r), input, kind: 'path', env: PMEM_ENV },
      daxDevice(r, 'dcss0.dax', { ops: 'dcssblk', pgmap: null, allocatedBy: 'dcss0' }),
      filesystem(r, 'fs0', { fstype: fsType(sizes), dax: 'dcss0.dax', unit: 'dcssblk0', daxOption: true, bdev: 'dcss0' }, MOUNT_ONCE),
    ];
    return system(actors);
  },
});

export const deviceScenarios: Scenario<Revision>[] = [
  rootNonDax,
  nonDaxMountUmount,
  partitions,
  dmTargets,
  dmAndDirect,
  killDaxReaders,
  probeRemoveMounted,
  holderNotifyUmount,
  dcssblk,
];
