import { assign, not, setup } from 'xstate';
import { reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS } from './eras.ts';
import { fnOf } from './kernelFunctions.ts';
import { countPartition, withPartitions } from './kit/partitions.ts';
import { m, withStateMeta, type StateDocs } from './kit/meta.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * struct dax_device (drivers/dax/super.c): an inode of the "dax" pseudo-fs whose
 * inode count is the object's reference count [seed 002].
 *
 * kill_dax is not one event here: it runs in its caller's code path (pmem, dm) as
 * steps, each a call on this object (read_holder / dax_holder, kill_dax_clear_alive, the
 * SRCU grace period on dax_srcu, kill_dax_teardown): see machines/killDax.ts.
 */
export interface DaxDeviceInput {
  /** Driver that allocated the device before the system starts (a pre-probed pmem), or null. */
  readonly allocatedBy?: string | null;
  /** References held before the scenario starts by owners outside the system (a mounted filesystem). */
  readonly extraRefs?: Readonly<Record<string, number>>;
  /** The dax_operations: pmem_dax_ops, dm_dax_ops (routes to a table), dcssblk_dax_ops. */
  readonly ops: 'pmem' | 'dm' | 'dcssblk';
  /** v8 alloc_dax_devmap's dax_dev->pgmap, and the pgmap behind the device's pfns; null for none. */
  readonly pgmap?: string | null;
  /** dm: the mapped device's table actor, which dm_dax_ops route to. */
  readonly table?: string | null;
  /**
   * The pgmap of the pfns dax_direct_access() returns (what __bdev_dax_supported looks up):
   * for pmem its own, for dm the member's. Defaults to `pgmap`.
   */
  readonly pfnPgmap?: string | null;
  /** A holder registered before the system starts (an xfs mounted with fs_dax_get_by_bdev(bdev, &off, mp, ops), 6.0+). */
  readonly holder?: string | null;
}

export interface DaxDeviceContext {
  /** The inode's i_count. */
  count: number;
  /** Ghost state: who owns each reference (actor name -> count). The kernel keeps no such list. */
  refs: Record<string, number>;
  /** Ghost state: the first actor that put a reference it did not own (I3), or null. */
  misput: string | null;
  /** Published for lookups (dax_get_by_host's hash, dax_add_host's xarray). */
  hashed: boolean;
  /** holder_data (v6.15): the holder's name. */
  holder: string | null;
  /** holder_ops (v6.15): whose ops they are. */
  holderOps: string | null;
  /**
   * Ghost: the holder_data that kill_dax()'s teardown cleared (the holder still registered when the device was torn
   * down), or null. The kernel forgets it; I15 asks whether that holder was told and stopped using the device.
   */
  tornDownHolder: string | null;
  readonly ops: DaxDeviceInput['ops'];
  readonly pgmap: string | null;
  readonly pfnPgmap: string | null;
  readonly table: string | null;
  readonly allocatedBy: string | null;
}

type Ev = { type: string; from?: string; holder?: string | null; [k: string]: unknown };

const WARN_ALIVE = 'WARN_ONCE in dax_destroy_inode: kill_dax() must be called before final iput()';
const UAF = 'use after free: the dax_device inode was freed by its final iput()';

const who = (e: Ev): string => e.from ?? 'env';
/** fs_dax_get(): the famfs series (2025 postings), not merged in the revisions modelled; for famfs-like holders. */
const FAMFS = 'famfs fs_dax_get() postings, 2025 (drivers/dax/super.c)';

/** The kernel conditions of the dax_device's states (docs/authoring.md); functions and sources are on the states. */
const DAX_DEVICE_DOCS: StateDocs = {
  boot: { condition: 'system start: whether the driver has already probed is not yet chosen' },
  unallocated: { condition: 'no dax_device: alloc_dax() not yet called for this host' },
  freed: { condition: 'final iput() with DAXDEV_ALIVE clear: the inode freed after an RCU grace period' },
  freedWhileAlive: { condition: 'final iput() while DAXDEV_ALIVE is still set (kill_dax() never ran)' },
  lookupAfterFree: { condition: 'a host-list lookup returned a dax_device whose inode was freed' },
  oopsPrivate: { condition: "dax_dev->private == NULL dereferenced in the driver's direct_access" },
};

export const daxDeviceMachine = oncePer(function daxDeviceMachine(rev: Revision) {
  const era = ERAS[rev].device;
  const lookupSrc = era.holder ? 'drivers/dax/super.c (fs_dax_get_by_bdev, 6.0+)' : 'seed 004 (dax_get_by_host)';

  /** What a lookup tells its caller: the kernel reads these from dax_dev (ops, pgmap) or the pfn. */
  const found = (ok: boolean) =>
    reply(({ context }: { context: DaxDeviceContext }) => ({
      type: 'dax_ref',
      ok,
      ops: context.ops,
      pgmap: context.pgmap,
      pfnPgmap: context.pfnPgmap,
      table: context.table,
      limited: context.ops === 'dcssblk',
    }));

  const machine = withStateMeta(
    setup({
      types: {} as { context: DaxDeviceContext; events: Ev; input: DaxDeviceInput },
      guards: {
        preAllocated: ({ context }) => context.allocatedBy !== null,
        lastRef: ({ context }) => context.count === 1,
        hashed: ({ context }) => context.hashed,
        holderFree: ({ context }) => context.holder === null,
        noHolderAsked: ({ event }) => !event.holder,
        holderMatches: ({ context, event }) => !!event.holder && context.holder === event.holder,
      },
      actions: {
        allocate: assign(({ event }) => ({ count: 1, refs: { [who(event)]: 1 }, hashed: true })),
        get: assign(({ context, event }) => ({
          count: context.count + 1,
          refs: { ...context.refs, [who(event)]: (context.refs[who(event)] ?? 0) + 1 },
        })),
        put: assign(({ context, event }) => {
          const owned = context.refs[who(event)] ?? 0;
          if (owned === 0) return { count: context.count - 1, misput: context.misput ?? who(event) };
          const refs = { ...context.refs };
          if (owned === 1) delete refs[who(event)];
          else refs[who(event)] = owned - 1;
          return { count: context.count - 1, refs };
        }),
        takeHolder: assign(({ event }) => ({ holder: event.holder as string, holderOps: event.holder as string })),
        dropHolderData: assign({ holder: null }),
        noteTornDownHolder: assign(({ context }) => ({ tornDownHolder: context.holder })),
        dropHolderOps: assign({ holderOps: null }),
        unhash: assign({ hashed: false }),
        replyFound: found(true),
        replyNotFound: found(false),
        replyGetOk: reply({ type: 'fs_dax_get', rc: 0 }),
        replyGetBusy: reply({ type: 'fs_dax_get', rc: -16 }),
        replyGetNoDev: reply({ type: 'fs_dax_get', rc: -19 }),
        replyAliveTrue: reply({ type: 'dax_alive', value: true }),
        replyAliveFalse: reply({ type: 'dax_alive', value: false }),
        replyDirectAccess: reply({ type: 'dax_direct_access', rc: 0 }),
        replySwapped: reply({ type: 'holder_cmpxchg', swapped: true }),
        replyNotSwapped: reply({ type: 'holder_cmpxchg', swapped: false }),
        replyAllocated: reply({ type: 'dax_allocated' }),
        replyHolderFields: reply(({ context }) => ({ type: 'holder_fields', holder: context.holder, ops: context.holderOps })),
        replyHolder: reply(({ context }) => ({ type: 'dax_holder', holder: context.holder })),
        replyHolderOps: reply(({ context }) => ({ type: 'holder_ops', ops: context.holderOps })),
      },
    }).createMachine({
      id: 'dax_device',
      description: 'struct dax_device: inode of the dax pseudo-fs, i_count is its reference count',
      meta: m('alloc_dax', 'seed 002'),
      context: ({ input }) => {
        const refs: Record<string, number> = { ...(input.extraRefs ?? {}) };
        if (input.allocatedBy) refs[input.allocatedBy] = (refs[input.allocatedBy] ?? 0) + 1;
        return {
          count: Object.values(refs).reduce((a, b) => a + b, 0),
          refs,
          misput: null,
          hashed: !!input.allocatedBy,
          holder: input.holder ?? null,
          holderOps: input.holder ?? null,
          tornDownHolder: null,
          ops: input.ops,
          pgmap: input.pgmap ?? null,
          pfnPgmap: input.pfnPgmap !== undefined ? input.pfnPgmap : (input.pgmap ?? null),
          table: input.table ?? null,
          allocatedBy: input.allocatedBy ?? null,
        };
      },
      initial: 'boot',
      // holder_ops is stored by the old holder's release after its cmpxchg, with no lock held:
      // it can land in any state in which the object still exists.
      states: {
        boot: {
          description: 'scenario set-up: the device exists already (a driver probed before the system starts) or not yet',
          meta: m('alloc_dax', 'infer'),
          always: [
            {
              guard: 'preAllocated',
              target: 'alive',
              description: 'allocated by its driver before the scenario starts',
              meta: m('alloc_dax', 'seed 002'),
            },
            { target: 'unallocated', description: 'no driver has allocated it yet', meta: m('alloc_dax', 'infer') },
          ],
        },
        unallocated: {
          description: 'no dax_device yet: the driver has not probed; lookups by host find nothing',
          meta: { fn: 'alloc_dax', src: 'seed 002', unaccepted: 'call on a dax_device that was never allocated (wild pointer)' },
          on: {
            alloc_dax: {
              target: 'alive',
              actions: ['allocate', 'replyAllocated'],
              description: 'alloc_dax(): new inode with ALIVE set, the driver holds the one reference',
              meta: m('alloc_dax', 'seed 002'),
            },
            dax_get_by_host: {
              actions: 'replyNotFound',
              description: 'lookup by host name: not published, NULL',
              meta: m(fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev'), 'seed 004'),
            },
            fs_dax_get_by_bdev: {
              actions: 'replyNotFound',
              description: 'lookup by gendisk: not published, NULL',
              meta: m('fs_dax_get_by_bdev', lookupSrc),
            },
          },
        },
        alive: {
          description: 'ALIVE set: operations and new references allowed',
          meta: {
            fn: 'dax_alive',
            src: 'seed 002',
            condition: 'test_bit(DAXDEV_ALIVE)',
            unaccepted: 'call the live dax_device does not implement',
          },
          on: {
            dax_get_by_host: [
              {
                guard: 'hashed',
                actions: ['get', 'replyFound'],
                description: 'dax_get_by_host() / fs_dax_get_by_host(): found alive, igrab takes a reference',
                meta: m(fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev'), 'seed 004'),
              },
              {
                actions: 'replyNotFound',
                description: 'lookup after dax_remove_host(): not found, NULL',
                meta: m(fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev'), 'drivers/dax/super.c'),
              },
            ],
            fs_dax_get_by_bdev: [
              {
                guard: not('hashed'),
                actions: 'replyNotFound',
                description: 'xa_load finds no host: NULL',
                meta: m('fs_dax_get_by_bdev', lookupSrc),
              },
              {
                guard: 'noHolderAsked',
                actions: ['get', 'replyFound'],
                description: 'fs_dax_get_by_bdev(bdev, NULL): alive, igrab, no holder',
                meta: m('fs_dax_get_by_bdev', lookupSrc),
              },
              {
                guard: 'holderFree',
                actions: ['get', 'takeHolder', 'replyFound'],
                description: 'fs_dax_get_by_bdev(bdev, holder, ops): igrab, cmpxchg(holder_data, NULL, holder) wins, holder_ops = ops',
                meta: m('fs_dax_get_by_bdev', lookupSrc),
              },
              {
                actions: ['get', 'replyNotFound'],
                description:
                  'fs_dax_get_by_bdev(bdev, holder, ops): igrab succeeded, cmpxchg lost to another holder: returns NULL without iput',
                meta: m('fs_dax_get_by_bdev', lookupSrc),
              },
            ],
            fs_dax_get: [
              {
                guard: 'holderFree',
                actions: ['get', 'takeHolder', 'replyGetOk'],
                description: 'fs_dax_get(dax_dev, holder, hops): alive, igrab, cmpxchg(holder_data, NULL, holder) wins, holder_ops = hops',
                meta: m('fs_dax_get', FAMFS),
              },
              {
                actions: 'replyGetBusy',
                description: 'fs_dax_get(): another holder: iput, -EBUSY (the later postings drop the reference they took)',
                meta: m('fs_dax_get', FAMFS),
              },
            ],
            put_dax: [
              {
                guard: 'lastRef',
                target: 'freedWhileAlive',
                actions: 'put',
                description: 'put_dax(): iput drops the last reference while ALIVE is still set: dax_destroy_inode',
                meta: m('put_dax', 'seed 002'),
              },
              { actions: 'put', description: 'put_dax(): iput, references remain', meta: m('put_dax', 'seed 002') },
            ],
            dax_alive: {
              actions: 'replyAliveTrue',
              description: 'dax_alive() under dax_read_lock: true',
              meta: m('dax_alive', 'seed 002'),
            },
            dax_direct_access: {
              actions: 'replyDirectAccess',
              description: 'dax_dev->ops->direct_access(): the driver reads its private data (pmem)',
              meta: m('dax_direct_access', 'seed 002'),
            },
            dax_remove_host: {
              actions: 'unhash',
              description: 'dax_remove_host(): erase the gendisk -> dax_device entry',
              meta: m('dax_remove_host', 'drivers/nvdimm/pmem.c'),
            },
            kill_dax_clear_alive: {
              target: 'dying',
              description: 'kill_dax(): clear_bit(DAXDEV_ALIVE); readers already inside may still use ops',
              meta: m('kill_dax', 'seed 002'),
            },
            ...holderRelease(),
          },
        },
        dying: {
          description: 'ALIVE clear, synchronize_srcu not yet returned: private and ops still set',
          meta: { fn: 'kill_dax', src: 'seed 002', condition: '!DAXDEV_ALIVE', unaccepted: 'call the dying dax_device does not implement' },
          on: {
            dax_get_by_host: {
              actions: 'replyNotFound',
              description: 'lookup skips a device that is not alive: NULL',
              meta: m(fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev'), 'seed 004'),
            },
            fs_dax_get_by_bdev: {
              actions: 'replyNotFound',
              description: '!dax_alive(): NULL, no reference',
              meta: m('fs_dax_get_by_bdev', lookupSrc),
            },
            fs_dax_get: {
              actions: 'replyGetNoDev',
              description: 'fs_dax_get(): !dax_alive(): -ENODEV, no reference',
              meta: m('fs_dax_get', FAMFS),
            },
            put_dax: putAfterKill(),
            dax_alive: { actions: 'replyAliveFalse', description: 'dax_alive(): false', meta: m('dax_alive', 'seed 002') },
            dax_direct_access: era.privateChecksAlive
              ? {
                  target: 'oopsPrivate',
                  description:
                    'pmem_dax_direct_access(): dax_get_private() returns NULL once ALIVE is clear, and the driver dereferences it',
                  meta: m(
                    'dax_get_private',
                    '6.8 drivers/dax/super.c dax_get_private (test_bit(DAXDEV_ALIVE) else NULL; the 5.x form is the same), drivers/nvdimm/pmem.c pmem_dax_direct_access -> __pmem_direct_access (pmem->data_offset)',
                  ),
                }
              : {
                  actions: 'replyDirectAccess',
                  description: 'a reader that saw ALIVE before the clear: ops and private are still there',
                  meta: m('dax_direct_access', 'seed 002'),
                },
            dax_remove_host: { actions: 'unhash', description: 'dax_remove_host()', meta: m('dax_remove_host', 'drivers/nvdimm/pmem.c') },
            kill_dax_teardown: {
              target: 'dead',
              // v6.15 kill_dax leaves the host table alone: the driver erased it first (dax_remove_host).
              actions: era.holder ? ['noteTornDownHolder', 'dropHolderOps', 'dropHolderData'] : ['unhash'],
              description: era.holder
                ? 'kill_dax() after synchronize_srcu: holder_ops = NULL, holder_data = NULL'
                : 'kill_dax() after synchronize_srcu: unhash from the host list, private = NULL',
              meta: m('kill_dax', era.holder ? 'drivers/dax/super.c' : 'seed 002'),
            },
            ...holderRelease(),
          },
        },
        dead: {
          description: era.holder ? 'killed: not alive, holder cleared' : 'killed: not alive, unhashed, private = NULL',
          meta: {
            fn: 'kill_dax',
            src: 'seed 002',
            condition: '!DAXDEV_ALIVE && torn down',
            unaccepted: 'call the killed dax_device does not implement',
          },
          on: {
            dax_get_by_host: {
              actions: 'replyNotFound',
              description: 'not alive, unhashed: NULL',
              meta: m(fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev'), 'seed 004'),
            },
            fs_dax_get_by_bdev: { actions: 'replyNotFound', description: 'not alive: NULL', meta: m('fs_dax_get_by_bdev', lookupSrc) },
            fs_dax_get: {
              actions: 'replyGetNoDev',
              description: 'fs_dax_get(): !dax_alive(): -ENODEV, no reference',
              meta: m('fs_dax_get', FAMFS),
            },
            put_dax: putAfterKill(),
            dax_alive: { actions: 'replyAliveFalse', description: 'dax_alive(): false', meta: m('dax_alive', 'seed 002') },
            dax_direct_access: {
              target: 'oopsPrivate',
              description: 'the driver reads private after kill_dax set it NULL (or dax_get_private() returns NULL): NULL dereference',
              meta: m('dax_direct_access', era.privateChecksAlive ? 'drivers/dax/super.c' : 'seed 002'),
            },
            dax_remove_host: { actions: 'unhash', description: 'dax_remove_host()', meta: m('dax_remove_host', 'drivers/nvdimm/pmem.c') },
            ...holderRelease(),
          },
        },
        freed: {
          description: 'final iput with ALIVE clear: dax_destroy_inode, the inode is freed after an RCU grace period',
          meta: { fn: 'dax_destroy_inode', src: 'seed 002', unaccepted: UAF },
          on: lookupsAfterFree(),
        },
        freedWhileAlive: {
          tags: ['violation', 'warn'],
          description: WARN_ALIVE,
          meta: { fn: 'dax_destroy_inode', src: 'seed 002', unaccepted: UAF, violates: 'I2', severity: 'warn' },
          on: lookupsAfterFree(),
        },
        lookupAfterFree: {
          tags: ['violation'],
          description:
            'use after free: a lookup walks the host list and finds a dax_device that was freed without being unhashed (kill_dax never ran)',
          meta: {
            fn: fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev'),
            src: 'seed 004 (infer)',
            unaccepted: UAF,
            severity: 'corruption',
          },
        },
        oopsPrivate: {
          tags: ['violation'],
          description:
            "BUG: unable to handle kernel NULL pointer dereference in the driver's direct_access: dax_dev private used after kill_dax",
          meta: { fn: 'dax_direct_access', src: 'seed 002', unaccepted: 'call after the NULL dereference', severity: 'oops' },
        },
      },
    }),
    'drivers/dax/super.c',
    DAX_DEVICE_DOCS,
  );
  return withPartitions(machine, [countPartition('count', (c: DaxDeviceContext) => c.count)]);

  /**
   * A lookup goes through the host table, not through a pointer the caller holds:
   * an unhashed freed device is simply not found; one still hashed is read after free.
   */
  function lookupsAfterFree() {
    const t = (fn: string) =>
      [
        {
          guard: 'hashed',
          target: 'lookupAfterFree',
          description: `${fn}(): the freed device is still in the host table`,
          meta: m(fn, 'infer'),
        },
        { actions: 'replyNotFound', description: `${fn}(): no such host any more: NULL`, meta: m(fn, 'infer') },
      ] as const;
    return { dax_get_by_host: t(fnOf(rev, 'dax_get_by_host', 'fs_dax_get_by_bdev')), fs_dax_get_by_bdev: t('fs_dax_get_by_bdev') };
  }

  /** put_dax after kill_dax: the final put frees the device cleanly. */
  function putAfterKill() {
    return [
      {
        guard: 'lastRef',
        target: 'freed',
        actions: 'put',
        description: 'put_dax(): final iput after kill_dax: dax_destroy_inode, no WARN',
        meta: m('put_dax', 'seed 002'),
      },
      { actions: 'put', description: 'put_dax(): iput, references remain', meta: m('put_dax', 'seed 002') },
    ] as const;
  }

  /** fs_put_dax(dax_dev, holder) (6.0+), which runs as two stores: the cmpxchg, then holder_ops = NULL. */
  function holderRelease() {
    return {
      fs_put_dax_cmpxchg: [
        {
          guard: 'holderMatches',
          actions: ['dropHolderData', 'replySwapped'],
          description: 'fs_put_dax(): cmpxchg(holder_data, holder, NULL) == holder',
          meta: m('fs_put_dax', 'drivers/dax/super.c'),
        },
        {
          actions: 'replyNotSwapped',
          description: 'fs_put_dax(): holder_data is not ours any more (kill_dax cleared it): leave holder_ops',
          meta: m('fs_put_dax', 'drivers/dax/super.c'),
        },
      ],
      read_holder: {
        actions: 'replyHolderFields',
        description: 'kill_dax() reads holder_data; dax_holder_notify_failure() reads holder_ops (under dax_read_lock)',
        meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
      },
      read_holder_ops: {
        actions: 'replyHolderOps',
        description:
          'dax_holder_notify_failure(): dax_dev->holder_ops->notify_failure(...) loads holder_ops again (a plain load, no READ_ONCE: the compiler ' +
          'may reload it after the NULL check)',
        meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
      },
      dax_holder: {
        actions: 'replyHolder',
        description: "dax_holder(dax_dev): reads holder_data, as the holder's notify_failure does to find its mount",
        meta: m('dax_holder', 'drivers/dax/super.c'),
      },
      fs_put_dax_clear_ops: {
        actions: 'dropHolderOps',
        description: 'fs_put_dax(): holder_ops = NULL, a plain store after the cmpxchg',
        meta: m('fs_put_dax', 'drivers/dax/super.c'),
      },
    } as const;
  }
});
