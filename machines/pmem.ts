import { assign, enqueueActions, not, setup } from 'xstate';
import { call, reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS } from './eras.ts';
import { m, withStateMeta, type StateDocs } from './kit/meta.ts';
import { killDaxActions, KILL_DAX_ENV, KILL_DAX_GUARDS, killDaxDocs, killDaxEntry, killDaxStates } from './killDax.ts';
import { fnOf } from './kernelFunctions.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * The pmem driver's probe and remove (drivers/nvdimm/pmem.c: pmem_attach_disk and
 * the devm actions that undo it, in reverse order), or a dcssblk device
 * (drivers/s390/block/dcssblk.c: FS_DAX_LIMITED, no struct pages, no pgmap).
 *
 * Probe: [v4.18 dev_pagemap_get_ops: counter step, enable step] -> devm_memremap_pages
 *        (v4.18+: type FS_DAX + page_free first; v5.10: static_branch_inc inside) -> alloc_dax + add_disk.
 * Remove (pmem_release_disk, then devm_memremap_pages_release, then pmem_release_pgmap_ops):
 *        [v6.15 dax_remove_host] -> kill_dax steps -> put_dax + del_gendisk -> then, by era
 *        (eras.ts PageEra.memunmap):
 *        4.16..4.18: percpu_ref_kill (pmem_freeze_queue) -> put_page() on every pfn ->
 *                    arch_remove_memory -> [v4.18 dev_pagemap_put_ops: counter step, disable step] ->
 *                    blk_cleanup_queue() waits for the references;
 *        5.10: memunmap_pages: percpu_ref_kill + put_page() on every pfn -> wait for the pgmap
 *              references -> arch_remove_memory + static_branch_dec;
 *        6.15: memunmap_pages: percpu_ref_kill + percpu_ref_put_many (pages untouched) -> wait ->
 *              pageunmap_range.
 */
export interface PmemInput {
  readonly dax: string;
  /** null for dcssblk (FS_DAX_LIMITED): no dev_pagemap. */
  readonly pgmap: string | null;
  readonly srcu: string;
  /** devmap_managed_key actor, or null: the scenario leaves the key out. */
  readonly key: string | null;
  /** Probed before the scenario starts. */
  readonly probed?: boolean;
  /**
   * Page-half edit (machines/page.ts): the struct page actors of this device's pfns.
   * devm_memremap_pages() brings them to life (memmap_init), so no fault or GUP can
   * reach a page of a device that is not probed yet. Empty when the scenario has none.
   */
  readonly pages?: readonly string[];
}

/** Fairness (docs/authoring.md): binding and unbinding a device is an administrator's (or udev's) choice. */
const ADMIN_BINDS = {
  fairness: 'none',
  why: "whether a namespace is bound (probe) or unbound (remove) is an administrator's choice",
} as const;
/** Once the driver core called probe or remove, the driver's code runs to its end. */
const PROBE_RUNS = { fairness: 'weak', why: 'pmem_attach_disk(), once called by the driver core, keeps running to its end' } as const;
const REMOVE_RUNS = { fairness: 'weak', why: 'the devm release actions of an unbind run one after the other to their end' } as const;
/** A sleeper whose condition became true is woken by the put that made it true and runs. */
const WOKEN = {
  fairness: 'weak',
  why: 'once the last reference is dropped, complete() wakes wait_for_completion() and the woken task runs (it cannot be re-armed: the ref is killed)',
} as const;

export const PMEM_ENV = {
  probe: [{}],
  static_branch_enable: [{}],
  devm_memremap_pages: [{}],
  alloc_dax: [{}],
  remove: [{}],
  ...KILL_DAX_ENV,
  dcss_kill_dax: [{}],
  put_dax: [{}],
  percpu_ref_kill: [{}],
  wait_for_completion: [{}],
  memunmap_pages: [{}],
  dev_pagemap_put_ops: [{}],
  static_branch_disable: [{}],
  put_page_base: [{}],
} as const;

interface Ctx {
  dax: string;
  pgmap: string | null;
  srcu: string;
  key: string | null;
  probed: boolean;
  pages: string[];
  /** The holder whose notify_failure handler kill_dax() is running (holderNotify.ts), or null. */
  notified: string | null;
  /**
   * dcssblk only (no pgmap): dev_info->use_count, the opens of its disk (dcssblk_open / dcssblk_release), which
   * dcssblk_remove_store() refuses to remove under. pmem keeps 0: its unbind does not look at opens.
   */
  opens: number;
}

type Ev = { type: string; from?: string; value?: number };

const SRC = 'drivers/nvdimm/pmem.c';
const DCSS_SRC = 'drivers/s390/block/dcssblk.c (4.16, 6.0, 6.8)';

/** The disk can be opened in this state (it is added and not yet deleted). */
function diskOpen(rev: Revision) {
  return {
    actions: ['replyDisk', 'countOpen'],
    description: 'blkdev_get(): the disk exists',
    meta: m(fnOf(rev, 'blkdev_get_by_dev', 'bdev_open_by_dev', 'bdev_file_open_by_dev'), 'infer'),
  } as const;
}

/** kill_dax runs before del_gendisk: the disk stays openable throughout. */
type WithDisk<S> = { [K in keyof S]: S[K] & { readonly on: { readonly blkdev_get: ReturnType<typeof diskOpen> } } };
function withDisk<S extends Record<string, { readonly on: object }>>(rev: Revision, states: S): WithDisk<S> {
  return Object.fromEntries(
    Object.entries(states).map(([k, v]) => [k, { ...v, on: { ...v.on, blkdev_get: diskOpen(rev) } }]),
  ) as WithDisk<S>;
}

/** What each state of probe and remove stands for in the kernel (docs/authoring.md); kill_* states are killDax.ts's. */
function pmemDocs(rev: Revision): StateDocs {
  const driver = fnOf(rev, 'device_release_driver');
  return {
    ...killDaxDocs(rev),
    boot: { condition: 'system start: whether the namespace is already bound to the pmem driver is not yet chosen' },
    absent: { condition: 'the namespace is not bound: no struct pmem_device, no disk, no dax_device', fn: 'pmem_attach_disk' },
    gotOps: { condition: 'dev_pagemap_get_ops(): atomic_inc_return(&devmap_enable) evaluated within the step' },
    enableKey: { condition: 'devmap_enable counted; static_branch_enable(&devmap_managed_key) not yet called' },
    memremap: { condition: 'pmem->pgmap set up (range, ref, type); its struct pages not yet created' },
    allocDax: { condition: 'struct pages online, pgmap ref live; pmem->dax_dev == NULL' },
    allocating: { condition: 'alloc_dax() called, returning within the step' },
    up: { condition: 'bound: disk added, dax_dev published with DAXDEV_ALIVE set, pages online', fn: 'pmem_attach_disk' },
    oopsSegmentGone: { condition: "a racing mount's first read faulted on the unloaded segment (the oops)" },
    dcssUnlisted: {
      condition: 'dcssblk_remove_store() past its use_count check (device unlisted); kill_dax() not yet called',
      fn: 'dcssblk_remove_store',
    },
    putDax: { condition: 'kill_dax(pmem->dax_dev) returned; the driver still holds its dax_dev reference', fn: 'pmem_release_disk' },
    pgmapKill: { condition: 'the disk is deleted; the pgmap ref is still live (not killed)' },
    putBase: { condition: 'percpu_ref_kill(pgmap->ref) done; every page still holds its base reference' },
    pgmapDrain: { condition: 'the pgmap ref is dead; waiting until every page reference on it is dropped' },
    unmap: { condition: 'every page reference on the pgmap dropped; struct pages still mapped' },
    putOps: { condition: 'struct pages gone; pmem_release_pgmap_ops() (dev_pagemap_put_ops) not yet run' },
    putOpsCount: { condition: 'dev_pagemap_put_ops(): atomic_dec_and_test(&devmap_enable) evaluated within the step' },
    disableKey: { condition: 'devmap_enable counted down to 0; static_branch_disable(&devmap_managed_key) not yet called' },
    queueDrain: { condition: 'struct pages gone; blk_cleanup_queue() waits for q_usage_counter (the pgmap ref) to drain' },
    done: { condition: 'unbound: disk, dax_device, pgmap and struct pages released', fn: driver },
  };
}

export const pmemMachine = oncePer(function pmemMachine(rev: Revision) {
  const era = ERAS[rev].device;
  const twoStepKey = (c: Ctx) => era.keyTwoStep && c.key !== null;
  const atomicKey = (c: Ctx) => era.keyAtomic && c.key !== null;

  const afterTeardown = 'putDax';
  const order = ERAS[rev].page.memunmap;
  // Before 5.0 the wait for the references comes last (blk_cleanup_queue), after the pages are gone.
  const afterUnmap = order === 'removeThenDrain' ? 'queueDrain' : 'done';
  return withStateMeta(
    setup({
      types: {} as { context: Ctx; events: Ev; input: PmemInput },
      guards: {
        /** A dcssblk disk nobody holds open: dcssblk_remove_store() goes on (pmem's unbind does not look at opens). */
        dcssClosed: ({ context }) => context.pgmap === null && context.opens === 0,
        isPmem: ({ context }) => context.pgmap !== null,
        ...KILL_DAX_GUARDS,
        probed: ({ context }) => context.probed,
        twoStepKey: ({ context }) => twoStepKey(context),
        atomicKey: ({ context }) => atomicKey(context),
        countIsOne: ({ event }) => event.value === 1,
        countIsZero: ({ event }) => event.value === 0,
        hasPgmap: ({ context }) => context.pgmap !== null,
        hasPages: ({ context }) => context.pages.length > 0,
      },
      actions: {
        ...killDaxActions(rev),
        keyInc: call('devmap_managed_key', ({ context }) => context.key, { type: 'devmap_enable_inc' }),
        keyEnable: call('devmap_managed_key', ({ context }) => context.key, { type: 'static_key_slow_inc' }),
        keyDec: call('devmap_managed_key', ({ context }) => context.key, { type: 'devmap_enable_dec' }),
        keyDisable: call('devmap_managed_key', ({ context }) => context.key, { type: 'static_key_slow_dec' }),
        setupFsdax: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'setup_pagemap_fsdax' }),
        memremap: call(
          'dev_pagemap',
          ({ context }) => context.pgmap,
          ({ context }) => ({ type: 'devm_memremap_pages', pages: context.pages.length }),
        ),
        branchInc: call('devmap_managed_key', ({ context }) => context.key, { type: 'static_branch_inc' }),
        branchDec: call('devmap_managed_key', ({ context }) => context.key, { type: 'static_branch_dec' }),
        allocDax: call('dax_device', ({ context }) => context.dax, { type: 'alloc_dax' }),
        removeHost: call('dax_device', ({ context }) => context.dax, { type: 'dax_remove_host' }),
        putDax: call('dax_device', ({ context }) => context.dax, { type: 'put_dax' }),
        refKill: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'percpu_ref_kill' }),
        waitDrained: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'pgmap_wait_drained' }),
        memunmap: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'memunmap_pages' }),
        noop: assign({}),
        replyDisk: reply({ type: 'blkdev', ok: true }),
        /** dcssblk_open(): atomic_inc(&dev_info->use_count); pmem counts nothing. */
        countOpen: assign(({ context }) => ({ opens: context.pgmap === null ? context.opens + 1 : context.opens })),
        countClose: assign(({ context }) => ({ opens: context.pgmap === null && context.opens > 0 ? context.opens - 1 : context.opens })),
        replyNoDisk: reply({ type: 'blkdev', ok: false }),
        // Page-half edit: memmap_init_zone_device() creates the struct pages of the range.
        initPages: enqueueActions(({ context, enqueue }) => {
          for (const p of context.pages) enqueue(call('page', p, { type: 'memmap_init' }));
        }),
        /** The pgmap's ref is killed: get_dev_pagemap() for these pfns fails from now on (what GUP of a devmap PTE asks). */
        pagesDead: enqueueActions(({ context, enqueue }) => {
          for (const p of context.pages) enqueue(call('page', p, { type: 'pgmap_dead' }));
        }),
        /** for_each_device_pfn(): put_page(pfn_to_page(pfn)), the base reference devm_memremap_pages() gave each page. */
        putBasePages: enqueueActions(({ context, enqueue }) => {
          for (const p of context.pages) enqueue(call('page', p, { type: 'put_page', refs: 1, base: true }));
        }),
        /** arch_remove_memory() / pageunmap_range(): the struct pages of the range go. */
        removePages: enqueueActions(({ context, enqueue }) => {
          for (const p of context.pages) enqueue(call('page', p, { type: 'arch_remove_memory' }));
        }),
      },
    }).createMachine({
      id: 'pmem',
      description: 'the pmem (or dcssblk) driver: probe publishes pages and a dax_device, remove tears them down',
      meta: m('pmem_attach_disk', SRC),
      context: ({ input }) => ({
        dax: input.dax,
        pgmap: input.pgmap,
        srcu: input.srcu,
        key: input.key,
        probed: !!input.probed,
        pages: [...(input.pages ?? [])],
        notified: null,
        opens: 0,
      }),
      initial: 'boot',
      // The gendisk exists from device_add_disk() (the alloc_dax step) until del_gendisk()
      // (the put_dax step): only then can a mount open it. Open counts do not hold off pmem's removal; dcssblk's they do.
      on: {
        blkdev_get: {
          actions: 'replyNoDisk',
          description: 'open of a disk that does not exist (not probed yet, or deleted): -ENXIO',
          meta: m(fnOf(rev, 'blkdev_get_by_dev', 'bdev_open_by_dev', 'bdev_file_open_by_dev'), 'infer'),
        },
        blkdev_put: {
          actions: 'countClose',
          description: 'the last close of the disk: nothing the driver waits for (dcssblk_release: atomic_dec(&dev_info->use_count))',
          meta: m(fnOf(rev, 'blkdev_put', 'bdev_fput', 'bdev_release'), 'infer'),
        },
      },
      states: {
        boot: {
          description: 'scenario set-up: probed already or not',
          meta: m('pmem_attach_disk', 'infer'),
          always: [
            {
              guard: 'probed',
              target: 'up',
              description: 'the device was probed before the scenario starts',
              meta: m('pmem_attach_disk', SRC),
            },
            { target: 'absent', description: 'not probed yet', meta: m('pmem_attach_disk', 'infer') },
          ],
        },
        absent: {
          description: 'no device: the namespace is not bound to the pmem driver',
          on: {
            probe: [
              {
                guard: not('hasPgmap'),
                target: 'allocDax',
                description: 'dcssblk_add_store(): FS_DAX_LIMITED, no struct pages to map',
                meta: m('dcssblk_add_store', 'seed 001', ADMIN_BINDS),
              },
              {
                guard: 'twoStepKey',
                target: 'gotOps',
                actions: 'keyInc',
                description: 'setup_pagemap_fsdax() -> dev_pagemap_get_ops(): atomic_inc_return(&devmap_enable)',
                meta: m('dev_pagemap_get_ops', 'seed 001', ADMIN_BINDS),
              },
              { target: 'memremap', description: 'pmem_attach_disk() begins', meta: m('pmem_attach_disk', SRC, ADMIN_BINDS) },
            ],
          },
        },
        gotOps: {
          description: 'waiting for the counter (within the same step)',
          on: {
            devmap_count: [
              {
                guard: 'countIsOne',
                target: 'enableKey',
                description: 'atomic_inc_return() == 1: this probe must enable the key',
                meta: m('dev_pagemap_get_ops', 'seed 001'),
              },
              {
                target: 'memremap',
                description: 'the counter was already positive: the key is (or will be) on',
                meta: m('dev_pagemap_get_ops', 'seed 001'),
              },
            ],
          },
        },
        enableKey: {
          description: 'dev_pagemap_get_ops(): between the counter increment and static_branch_enable()',
          on: {
            static_branch_enable: {
              target: 'memremap',
              actions: 'keyEnable',
              description: 'static_branch_enable(&devmap_managed_key)',
              meta: m('dev_pagemap_get_ops', 'seed 001', PROBE_RUNS),
            },
          },
        },
        memremap: {
          description: era.fsdaxTypeAtAttach
            ? 'about to set MEMORY_DEVICE_FS_DAX and map the pages'
            : 'about to map the pages (type MEMORY_DEVICE_HOST)',
          on: {
            devm_memremap_pages: [
              {
                guard: 'atomicKey',
                target: 'allocDax',
                actions: ['setupFsdax', 'memremap', 'branchInc', 'initPages'],
                description: 'memremap_pages(): type FS_DAX, static_branch_inc(&devmap_managed_key), struct pages created',
                meta: m(fnOf(rev, 'memremap_pages', 'devm_memremap_pages'), 'infer: v5.10 mm/memremap.c', PROBE_RUNS),
              },
              {
                target: 'allocDax',
                actions: era.fsdaxTypeAtAttach ? ['setupFsdax', 'memremap', 'initPages'] : ['memremap', 'initPages'],
                description: era.fsdaxTypeAtAttach
                  ? 'pgmap->type = MEMORY_DEVICE_FS_DAX, page_free = generic_dax_pagefree; devm_memremap_pages()'
                  : 'devm_memremap_pages(): struct pages of type MEMORY_DEVICE_HOST',
                meta: m('devm_memremap_pages', era.fsdaxTypeAtAttach ? 'seed 001' : SRC, PROBE_RUNS),
              },
            ],
          },
        },
        allocDax: {
          description: 'pages mapped, no dax_device yet',
          on: {
            alloc_dax: {
              target: 'allocating',
              actions: 'allocDax',
              description: era.holder
                ? 'alloc_dax(pmem, &pmem_dax_ops); dax_add_host(dax_dev, disk); device_add_disk()'
                : era.claimsPgmap
                  ? 'alloc_dax_devmap(pmem, disk_name, &pmem_dax_ops, &pmem->pgmap); device_add_disk()'
                  : 'alloc_dax(pmem, disk_name, &pmem_dax_ops); device_add_disk()',
              meta: m('alloc_dax', era.claimsPgmap ? 'seed 000' : 'seed 002', PROBE_RUNS),
            },
          },
        },
        allocating: {
          description: 'waiting for alloc_dax() (within the same step)',
          on: {
            dax_allocated: { target: 'up', description: 'the disk and its dax_device are published', meta: m('device_add_disk', SRC) },
          },
        },
        up: {
          description: 'bound: the disk and its dax_device are published, pages live',
          on: {
            blkdev_get: diskOpen(rev),
            remove: [
              {
                guard: 'dcssClosed',
                target: 'dcssUnlisted',
                description:
                  'dcssblk_remove_store(): use_count is 0 (while the disk is open the write fails with -EBUSY and nothing changes): ' +
                  'list_del() (6.8: segment_unload() too); the disk is still openable, the dax_device still alive and, until ' +
                  "kill_dax or (6.8) dax_remove_host, found by a mount's lookup",
                meta: m('dcssblk_remove_store', DCSS_SRC, ADMIN_BINDS),
              },
              {
                guard: 'isPmem',
                target: killDaxEntry(rev),
                actions: era.holder ? 'removeHost' : 'noop',
                description: era.holder
                  ? 'pmem_release_disk(): dax_remove_host(disk), then kill_dax'
                  : 'pmem_release_disk(): kill_dax(pmem->dax_dev)',
                meta: m('pmem_release_disk', SRC, ADMIN_BINDS),
              },
            ],
          },
        },
        dcssUnlisted: {
          description: 'dcssblk_remove_store(): past the use_count check, before kill_dax(): nothing holds off a new open',
          on: {
            blkdev_get: era.dcssblkUnloadsFirst
              ? {
                  target: 'oopsSegmentGone',
                  description:
                    'blkdev_get() succeeds (dcssblk_open counts the opener), and the opener (a mount, or blkid and udev) reads at once through ' +
                    'dcssblk_submit_bio(), which copies from the segment the remove unloaded (the read fails cleanly only once del_gendisk() ran)',
                  meta: m('dcssblk_submit_bio', DCSS_SRC),
                }
              : diskOpen(rev),
            dcss_kill_dax: {
              target: killDaxEntry(rev),
              actions: era.holder && era.dcssblkRemovesHost ? 'removeHost' : 'noop',
              description:
                era.holder && era.dcssblkRemovesHost
                  ? 'dcssblk_remove_store(): dax_remove_host(), then kill_dax()'
                  : 'dcssblk_remove_store(): kill_dax() (no dax_remove_host on this path)',
              meta: m('dcssblk_remove_store', DCSS_SRC, REMOVE_RUNS),
            },
          },
        },
        ...withDisk(rev, killDaxStates(rev, afterTeardown)),
        putDax: {
          description: 'kill_dax() returned; the driver still holds its reference',
          on: {
            blkdev_get: diskOpen(rev),
            put_dax: [
              {
                guard: 'hasPgmap',
                target: 'pgmapKill',
                actions: 'putDax',
                description: 'pmem_release_disk(): put_dax(pmem->dax_dev); del_gendisk()',
                meta: m('pmem_release_disk', SRC, REMOVE_RUNS),
              },
              {
                target: 'done',
                actions: 'putDax',
                description: 'put_dax(); del_gendisk(): nothing else to undo for FS_DAX_LIMITED',
                meta: m('dcssblk_remove_store', 'infer', REMOVE_RUNS),
              },
            ],
          },
        },
        pgmapKill: {
          description: 'the disk is gone; the pages are still live',
          on: {
            percpu_ref_kill:
              order === 'removeThenDrain'
                ? [
                    {
                      guard: 'hasPages',
                      target: 'putBase',
                      actions: ['refKill', 'pagesDead'],
                      description: 'pmem_freeze_queue(): blk_freeze_queue_start() kills q_usage_counter, which is pgmap->ref',
                      meta: m('pmem_freeze_queue', 'infer: 4.18 drivers/nvdimm/pmem.c', REMOVE_RUNS),
                    },
                    {
                      target: 'unmap',
                      actions: 'refKill',
                      description: 'pmem_freeze_queue(): percpu_ref_kill(pgmap->ref); the scenario models none of its pages',
                      meta: m('pmem_freeze_queue', 'infer: 4.18 drivers/nvdimm/pmem.c', REMOVE_RUNS),
                    },
                  ]
                : order === 'putWaitRemove'
                  ? {
                      target: 'pgmapDrain',
                      actions: ['refKill', 'pagesDead', 'putBasePages'],
                      description:
                        'memunmap_pages(): dev_pagemap_kill() (percpu_ref_kill), then put_page() on every pfn: each page gives back the base ' +
                        'reference memremap_pages() gave it',
                      meta: m('memunmap_pages', 'infer: 5.10 mm/memremap.c memunmap_pages', REMOVE_RUNS),
                    }
                  : {
                      target: 'pgmapDrain',
                      actions: ['refKill', 'pagesDead'],
                      description:
                        'memunmap_pages(): percpu_ref_kill(), then percpu_ref_put_many() of the base references the pgmap took for its pfns; no ' +
                        'page is touched',
                      meta: m('memunmap_pages', 'infer: 6.15 mm/memremap.c memunmap_pages', REMOVE_RUNS),
                    },
          },
        },
        putBase: {
          description: 'devm_memremap_pages_release(): the ref is killed, the pages still hold their base references',
          on: {
            put_page_base: {
              target: 'unmap',
              actions: 'putBasePages',
              description:
                'devm_memremap_pages_release(): put_page() on every pfn, the base reference each page got at devm_memremap_pages()',
              meta: m('devm_memremap_pages_release', 'infer: 4.18 kernel/memremap.c devm_memremap_pages_release', REMOVE_RUNS),
            },
          },
        },
        pgmapDrain: {
          tags: ['waiting'],
          description: 'waiting for every page reference on the pgmap to drop',
          on: {
            wait_for_completion: {
              target: 'unmap',
              actions: 'waitDrained',
              description: 'wait_for_completion(): the pgmap references are gone',
              meta: m('memunmap_pages', 'seed 001', WOKEN),
            },
          },
        },
        unmap: {
          description: 'references drained, pages still mapped',
          on: {
            memunmap_pages: [
              {
                guard: 'twoStepKey',
                target: 'putOps',
                actions: ['memunmap', 'removePages'],
                description:
                  'percpu_ref_tryget_live() fails (the ref is killed); arch_remove_memory(): the struct pages are gone, whether or not references ' +
                  'remain',
                meta: m('devm_memremap_pages_release', 'infer: 4.18 kernel/memremap.c devm_memremap_pages_release', REMOVE_RUNS),
              },
              {
                guard: 'atomicKey',
                target: 'done',
                actions: ['memunmap', 'removePages', 'branchDec'],
                description: 'memunmap_pages(): arch_remove_memory(): pages removed, then static_branch_dec(&devmap_managed_key)',
                meta: m(fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'), 'infer: v5.10 mm/memremap.c', REMOVE_RUNS),
              },
              {
                target: afterUnmap,
                actions: ['memunmap', 'removePages'],
                description:
                  order === 'removeThenDrain'
                    ? 'arch_remove_memory(): the struct pages are gone, whether or not references ' + 'remain'
                    : 'memunmap_pages(): pages removed',
                meta: m(
                  fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'),
                  order === 'removeThenDrain' ? 'infer: 4.17 kernel/memremap.c devm_memremap_pages_release' : 'seed 001',
                  REMOVE_RUNS,
                ),
              },
            ],
          },
        },
        putOps: {
          description: 'pmem_release_pgmap_ops() runs last (its devm action was registered before devm_memremap_pages)',
          on: {
            dev_pagemap_put_ops: {
              target: 'putOpsCount',
              actions: 'keyDec',
              description: 'dev_pagemap_put_ops(): atomic_dec_and_test(&devmap_enable)',
              meta: m('dev_pagemap_put_ops', 'seed 001', REMOVE_RUNS),
            },
          },
        },
        putOpsCount: {
          description: 'waiting for the counter (within the same step)',
          on: {
            devmap_count: [
              {
                guard: 'countIsZero',
                target: 'disableKey',
                description: 'the counter reached 0: this remove must disable the key',
                meta: m('dev_pagemap_put_ops', 'seed 001'),
              },
              { target: afterUnmap, description: 'other users remain', meta: m('dev_pagemap_put_ops', 'seed 001') },
            ],
          },
        },
        disableKey: {
          description: 'dev_pagemap_put_ops(): between the counter decrement and static_branch_disable()',
          on: {
            static_branch_disable: {
              target: afterUnmap,
              actions: 'keyDisable',
              description: 'static_branch_disable(&devmap_managed_key)',
              meta: m('dev_pagemap_put_ops', 'seed 001', REMOVE_RUNS),
            },
          },
        },
        queueDrain: {
          tags: ['waiting'],
          description: 'the pages are gone; pmem_release_queue() waits for every reference on q_usage_counter (the pgmap ref) to drop',
          on: {
            wait_for_completion: {
              target: 'done',
              actions: 'waitDrained',
              description: 'pmem_release_queue() -> blk_cleanup_queue(): q_usage_counter reached zero',
              meta: m('pmem_release_queue', 'infer: 4.18 drivers/nvdimm/pmem.c', WOKEN),
            },
          },
        },
        oopsSegmentGone: {
          tags: ['violation'],
          description:
            "BUG: unable to handle kernel paging request in dcssblk_submit_bio(): an opener (here a mount) that opened the disk after the remove's " +
            'use_count check reads from the DCSS segment that dcssblk_remove_store() unloaded before kill_dax() (6.8)',
          meta: { fn: 'dcssblk_submit_bio', src: DCSS_SRC, unaccepted: 'call after the kernel fault', severity: 'oops' },
        },
        done: { type: 'final', description: 'unbound: the driver released everything it set up' },
      },
    }),
    SRC,
    pmemDocs(rev),
  );
});
