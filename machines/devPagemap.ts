import { assign, setup } from 'xstate';
import { reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS } from './eras.ts';
import { countPartition, withPartitions } from './kit/partitions.ts';
import { m, withStateMeta, type StateDocs } from './kit/meta.ts';
import { fnOf } from './kernelFunctions.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * struct dev_pagemap of a pmem device (kernel/memremap.c, later mm/memremap.c),
 * embedded in struct pmem_device: its memory goes away with the driver.
 *
 * The v8/v9 claim (fs_dax_claim / __fs_dax_release, seed 004) is the pair
 * (type, page_free, data=owner) under devmap_lock: each call on it is one atomic step.
 */
export interface DevPagemapInput {
  /** Mapped before the scenario starts (a pre-probed pmem). */
  readonly live?: boolean;
  /** Struct pages of the range the scenario models (each holds a pgmap reference where the era has one); 0 when none. */
  readonly pages?: number;
}

/** Whether each struct page holds a pgmap reference from devm_memremap_pages() until its refcount reaches 0. */
export const pagesHoldPgmap = (rev: Revision): boolean => ERAS[rev].page.memunmap !== 'refOnly';

export interface DevPagemapContext {
  type: 'HOST' | 'FS_DAX';
  pageFree: boolean;
  /** pgmap->data: the claiming owner (v8/v9). */
  owner: string | null;
  /** References taken by get_dev_pagemap() and not yet dropped. */
  refs: number;
  /** References the struct pages hold (one each from devm_memremap_pages() until the page's refcount reaches 0; 4.x..5.17). */
  pageRefs: number;
  /** Ghost: the first caller of put_dev_pagemap() without a reference. */
  misput: string | null;
}

type Ev = { type: string; from?: string; owner?: string; pages?: number; pageRef?: boolean };

const SRC_CLAIM = 'seed 004';
const SRC_MAP = 'seed 001';
const UAF = 'use after free: the dev_pagemap is embedded in struct pmem_device, freed when the driver unbound';

/** The kernel conditions of the dev_pagemap's states (docs/authoring.md); functions and sources are on the states. */
const PGMAP_DOCS: StateDocs = {
  boot: { condition: 'system start: whether the pages are already mapped is not yet chosen' },
  embedded: { condition: 'pgmap zeroed inside struct pmem_device: type == MEMORY_DEVICE_HOST (0), no pages' },
  liveWarned: { condition: 'WARN_ON(pgmap->data != owner) fired in __fs_dax_release' },
  unmapped: { condition: 'struct pages removed while pgmap->ref may still count page references' },
  drained: { condition: 'pgmap->ref dropped to zero; the struct pages still mapped' },
  removed: { condition: 'struct pages removed and struct pmem_device (embedding the pgmap) freed' },
};

export const devPagemapMachine = oncePer(function devPagemapMachine(rev: Revision) {
  const era = ERAS[rev].device;
  const order = ERAS[rev].page.memunmap;
  const perPage = pagesHoldPgmap(rev);
  // Shared by several states.
  const claimable = {
    fs_dax_claim: [
      {
        guard: 'sameOwner',
        actions: 'replyClaimSame',
        description:
          'fs_dax_claim(): pgmap->data == owner: "dm might try to claim the same device more than once", return without taking anything',
        meta: m('fs_dax_claim', SRC_CLAIM),
      },
      {
        guard: 'taken',
        actions: 'replyClaimBusy',
        description:
          'fs_dax_claim(): page_free set or type != MEMORY_DEVICE_HOST: someone else owns it; the caller puts its dax reference and gets NULL',
        meta: m('fs_dax_claim', SRC_CLAIM),
      },
      {
        actions: ['claim', 'replyClaimed'],
        description: 'fs_dax_claim(): type = MEMORY_DEVICE_FS_DAX, page_free = generic_dax_pagefree, data = owner',
        meta: m('fs_dax_claim', SRC_CLAIM),
      },
    ],
    fs_dax_release_pgmap: [
      {
        guard: 'unowned',
        description: '__fs_dax_release(): pgmap->data is NULL: nothing to revert',
        meta: m('__fs_dax_release', SRC_CLAIM),
      },
      {
        guard: 'ownerMatches',
        actions: 'unclaim',
        description: '__fs_dax_release(): type = HOST, page_free = NULL, data = NULL',
        meta: m('__fs_dax_release', SRC_CLAIM),
      },
      {
        target: 'liveWarned',
        actions: 'unclaim',
        description: '__fs_dax_release(): WARN_ON(pgmap->data != owner), then reverts anyway',
        meta: m('__fs_dax_release', SRC_CLAIM),
      },
    ],
    put_dev_pagemap: { actions: 'put', description: 'put_dev_pagemap(): percpu_ref_put(pgmap->ref)', meta: m('put_dev_pagemap', SRC_MAP) },
  } as const;
  const liveOn = {
    ...claimable,
    get_dev_pagemap: {
      actions: ['get', 'replyFound'],
      description: 'get_dev_pagemap(pfn): found, percpu_ref_tryget_live succeeds',
      meta: m('get_dev_pagemap', SRC_MAP),
    },
    percpu_ref_kill: {
      target: 'killed',
      description: 'percpu_ref_kill(pgmap->ref): no new references',
      meta: m('devm_memremap_pages_release', SRC_MAP),
    },
  } as const;

  const machine = withStateMeta(
    setup({
      types: {} as { context: DevPagemapContext; events: Ev; input: DevPagemapInput },
      guards: {
        /** The scenario starts with the pages mapped (the context's refs say so until boot resolves it). */
        mappedAtStart: ({ context }) => context.refs < 0,
        sameOwner: ({ context, event }) => context.owner !== null && context.owner === event.owner,
        taken: ({ context }) => context.pageFree || context.type !== 'HOST',
        unowned: ({ context }) => context.owner === null,
        ownerMatches: ({ context, event }) => context.owner === event.owner,
        drained: ({ context }) => context.refs === 0 && context.pageRefs === 0,
      },
      actions: {
        replyClaimSame: reply({ type: 'fs_dax_claim', result: 'same' }),
        replyClaimBusy: reply({ type: 'fs_dax_claim', result: 'busy' }),
        replyClaimed: reply({ type: 'fs_dax_claim', result: 'claimed' }),
        startMapped: assign({ refs: 0 }),
        setupFsdax: assign({ type: 'FS_DAX', pageFree: true }),
        claim: assign(({ event }) => ({ type: 'FS_DAX' as const, pageFree: true, owner: event.owner ?? null })),
        unclaim: assign({ type: 'HOST', pageFree: false, owner: null }),
        get: assign(({ context }) => ({ refs: context.refs + 1 })),
        /** memmap_init: one pgmap reference per struct page (percpu_ref_get per pfn in 4.18, percpu_ref_get_many in 5.x). */
        pageRefs: assign(({ context, event }) => ({ pageRefs: context.pageRefs + (perPage ? (event.pages ?? 0) : 0) })),
        put: assign(({ context, event }) =>
          event.pageRef
            ? context.pageRefs === 0
              ? { misput: context.misput ?? event.from ?? 'env' }
              : { pageRefs: context.pageRefs - 1 }
            : context.refs === 0
              ? { misput: context.misput ?? event.from ?? 'env' }
              : { refs: context.refs - 1 },
        ),
        replyFound: reply(({ context }) => ({ type: 'get_dev_pagemap', ok: true, pgmapType: context.type })),
        replyNotFound: reply({ type: 'get_dev_pagemap', ok: false }),
      },
    }).createMachine({
      id: 'dev_pagemap',
      description: 'struct dev_pagemap: the struct pages of a pmem range, their type and page_free callback',
      meta: m('devm_memremap_pages', SRC_MAP),
      context: ({ input }) => ({
        // pmem attaches with MEMORY_DEVICE_FS_DAX from v4.18 on; before, the zeroed struct says HOST.
        type: input.live && era.fsdaxTypeAtAttach ? 'FS_DAX' : 'HOST',
        pageFree: !!input.live && era.fsdaxTypeAtAttach,
        owner: null,
        // A negative count marks "mapped at boot" for the boot state only; it is reset on entry.
        refs: input.live ? -1 : 0,
        pageRefs: input.live && perPage ? (input.pages ?? 0) : 0,
        misput: null,
      }),
      initial: 'boot',
      states: {
        boot: {
          description: 'scenario set-up: the pages are mapped already, or the driver has not probed yet',
          meta: m('devm_memremap_pages', 'infer'),
          always: [
            {
              guard: 'mappedAtStart',
              target: 'live',
              actions: 'startMapped',
              description: 'mapped before the scenario starts (each struct page holding its pgmap reference where the era has one)',
              meta: m('devm_memremap_pages', SRC_MAP),
            },
            { target: 'embedded', description: 'not mapped yet', meta: m('devm_memremap_pages', 'infer') },
          ],
        },
        embedded: {
          description: 'the zeroed dev_pagemap inside struct pmem_device: type MEMORY_DEVICE_HOST (0), no pages yet',
          meta: { fn: 'pmem_attach_disk', src: SRC_MAP, unaccepted: 'pgmap operation before devm_memremap_pages' },
          on: {
            setup_pagemap_fsdax: {
              actions: 'setupFsdax',
              description: 'setup_pagemap_fsdax(): type = MEMORY_DEVICE_FS_DAX, page_free = generic_dax_pagefree',
              meta: m(fnOf(rev, 'setup_pagemap_fsdax', 'pmem_attach_disk'), SRC_MAP),
            },
            devm_memremap_pages: {
              target: 'live',
              actions: 'pageRefs',
              description: perPage
                ? 'devm_memremap_pages(): struct pages created, each takes a pgmap reference; pgmap published by pfn'
                : 'devm_memremap_pages(): struct pages created (the pgmap takes its base references itself), pgmap published by pfn',
              meta: m(
                'devm_memremap_pages',
                perPage ? 'infer: 4.18 kernel/memremap.c devm_memremap_pages, 5.10 mm/memremap.c memremap_pages' : SRC_MAP,
              ),
            },
            get_dev_pagemap: {
              actions: 'replyNotFound',
              description: 'get_dev_pagemap(pfn): no pgmap covers the pfn yet',
              meta: m('get_dev_pagemap', SRC_MAP),
            },
          },
        },
        live: {
          description: 'pages live: get_dev_pagemap succeeds (percpu_ref_tryget_live)',
          meta: { fn: 'get_dev_pagemap', src: SRC_MAP, condition: 'percpu_ref live', unaccepted: 'call the live pgmap does not implement' },
          on: liveOn,
        },
        // The kernel's check is WARN_ON, not WARN_ON_ONCE: each mismatched release prints again. A second one
        // leads back here, which is no new entry, so it commits nothing: a finding is the first way to a WARN,
        // and what a repeated one would add is its count, which no property reads.
        liveWarned: {
          tags: ['violation', 'warn'],
          description: 'WARN_ON(pgmap->data != owner) in __fs_dax_release: released by someone who did not claim it',
          meta: {
            fn: '__fs_dax_release',
            src: SRC_CLAIM,
            unaccepted: 'call the live pgmap does not implement',
            violates: 'I5',
            severity: 'warn',
          },
          on: liveOn,
        },
        killed: {
          description: 'percpu_ref killed: lookups fail, existing references drain',
          meta: {
            fn: 'percpu_ref_kill',
            src: SRC_MAP,
            condition: 'percpu_ref dead',
            unaccepted: 'call the killed pgmap does not implement',
          },
          on: {
            ...claimable,
            get_dev_pagemap: {
              actions: 'replyNotFound',
              description: 'percpu_ref_tryget_live fails: NULL',
              meta: m('get_dev_pagemap', SRC_MAP),
            },
            ...(order === 'removeThenDrain'
              ? {
                  memunmap_pages: {
                    target: 'unmapped',
                    description:
                      'devm_memremap_pages_release(): arch_remove_memory() right after the put_page() loop, whether or not references remain',
                    meta: m('devm_memremap_pages_release', 'infer: 4.18 kernel/memremap.c devm_memremap_pages_release'),
                  },
                }
              : {
                  pgmap_wait_drained: {
                    guard: 'drained',
                    target: 'drained',
                    description: 'wait_for_completion(&pgmap->done): every reference dropped (sleeps until then)',
                    meta: m(fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'), SRC_MAP),
                  },
                }),
          },
        },
        unmapped: {
          description:
            'struct pages removed while the ref may still count page references; pmem waits for them only afterwards, in blk_cleanup_queue()',
          meta: {
            fn: 'devm_memremap_pages_release',
            src: 'infer: 4.18 kernel/memremap.c',
            unaccepted: 'call the unmapped pgmap does not implement',
          },
          on: {
            ...claimable,
            put_dev_pagemap: {
              actions: 'put',
              description: "put_dev_pagemap(): percpu_ref_put() on pmem's queue counter (it outlives the pages)",
              meta: m('put_dev_pagemap', SRC_MAP),
            },
            get_dev_pagemap: {
              actions: 'replyNotFound',
              description: 'no pgmap covers the pfn any more: NULL',
              meta: m('get_dev_pagemap', SRC_MAP),
            },
            pgmap_wait_drained: {
              guard: 'drained',
              target: 'removed',
              description:
                'pmem_release_queue() -> blk_cleanup_queue(): wait until q_usage_counter (the pgmap ref) is zero (sleeps until then)',
              meta: m('blk_cleanup_queue', 'infer: 4.18 drivers/nvdimm/pmem.c pmem_release_queue'),
            },
          },
        },
        drained: {
          description: 'all references dropped, pages still mapped',
          meta: {
            fn: fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'),
            src: SRC_MAP,
            unaccepted: 'call the drained pgmap does not implement',
          },
          on: {
            ...claimable,
            get_dev_pagemap: { actions: 'replyNotFound', description: 'dead ref: NULL', meta: m('get_dev_pagemap', SRC_MAP) },
            memunmap_pages: {
              target: 'removed',
              description: 'arch_remove_memory(): struct pages gone; pmem_device freed with the driver',
              meta: m(fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'), SRC_MAP),
            },
          },
        },
        removed: {
          description: 'pages removed and struct pmem_device (which embeds this pgmap) freed',
          meta: { fn: fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'), src: SRC_MAP, unaccepted: UAF },
          on: {
            get_dev_pagemap: {
              actions: 'replyNotFound',
              description: 'no pgmap covers the pfn any more: NULL',
              meta: m('get_dev_pagemap', SRC_MAP),
            },
          },
        },
      },
    }),
    SRC_MAP,
    PGMAP_DOCS,
  );
  return withPartitions(machine, [countPartition('refs', (c: DevPagemapContext) => c.refs)]);
});
