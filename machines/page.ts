import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import { call, reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { ERAS, idleKey, type PutRoute } from './eras.ts';
import { countPartition, withPartitions } from './kit/partitions.ts';
import { fnOf } from './kernelFunctions.ts';
import { withStateMeta, type StateDocs } from './kit/meta.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * The struct page of one FS-DAX pfn (DOMAIN.md (a) "page").
 *
 * 2018..6.14: the page is idle at refcount 1 (ZONE_DEVICE pages are never onlined,
 * the base reference stays) and busy at >= 2. A PTE adds no reference; GUP does
 * (one per get, 1024 per FOLL_PIN pin). put_page() on a devmap page asks the static
 * key devmap_managed_key; only when it is on does the drop go through
 * put_devmap_managed_page(), whose 2->1 calls pgmap->page_free() =
 * generic_dax_pagefree() = wake_up_var(&page->_refcount) [seed 001].
 * dax_associate_entry / dax_disassociate_entry bind page->mapping to a file.
 *
 * 6.15: free at 0; each PTE adds a reference and a mapcount; busy iff
 * refcount - mapcount > 0; reaching 0 runs free_zone_device_folio() -> wake_up_var(page).
 *
 * FS_DAX_LIMITED (s390 dcssblk): the pfn has no struct page at all. `limited`
 * pages keep no count; GUP refuses them (pte_special) unless the scenario asks
 * for the counterfactual `gupAllowsSpecial` to show what the refusal protects.
 *
 * Two regions: `mem` is the page itself; `warn` records a WARN_ON_ONCE the
 * kernel printed about it (the kernel goes on after a WARN, so does the model).
 */
export interface PageContext {
  name: string;
  /** The devmap_managed_key actor put_page() consults (v8..6.14), or null where there is none. */
  key: string | null;
  /** Code paths that may sleep in wait_var_event() on this page: wake_up_var() reaches them all. */
  waiters: string[];
  limited: boolean;
  gupAllowsSpecial: boolean;
  refs: number;
  /** PTEs that map the pfn (one process here). Adds references only from 6.15. */
  mapcount: number;
  /** page->mapping: the file this pfn is associated with by dax_associate_entry(), or null. */
  mapping: string | null;
  /** The device was probed (struct pages exist) when the system starts. */
  probed: boolean;
  /** The refcount of an idle page in this era (1 until 6.14, 0 from 6.15); constant. */
  idleRefs: number;
  /** The dev_pagemap actor whose reference this page holds (4.18..5.17), or null where the scenario leaves it out. */
  pgmap: string | null;
  /** Ghost: the driver's memunmap_pages() has put this page's base reference (the one devm_memremap_pages() gave it). */
  basePut: boolean;
  /** Ghost: the pgmap's percpu_ref is killed, so get_dev_pagemap() for this pfn fails (what GUP of a devmap PTE asks). */
  pgmapDead: boolean;
  /**
   * Ghost: the last dax_busy_page() scan of this page found it idle. A reference taken while
   * this holds is one the scan could not have seen (I10); a pin that existed before the scan
   * and was hidden from it (memunmap_pages() put the base reference) is not.
   */
  idleScanned: boolean;
  /**
   * Ghost: GUP took a reference while the refcount was 0 (a free page: 4.17 get_page() only has
   * VM_BUG_ON_PAGE(page_ref_count(page) <= 0), under CONFIG_DEBUG_VM). The kernel's own checks
   * keep every modelled path away from it (get_dev_pagemap() on the killed pgmap, get-unless-zero
   * in GUP-fast, try_grab_page()'s WARN); I13 states it.
   */
  refFromZero: boolean;
  /**
   * Ghost: the file's mapping has a DAX entry for this pfn (dax_insert_entry() made it; dax_delete_mapping_entry()
   * or __dax_invalidate_entry() erased it, each with dax_disassociate_entry()). The page actor also stands for its
   * slot in i_pages: a walk of the entries (dax_layout_busy_page, truncate, invalidate) never reaches a pfn whose
   * entry is gone, so it does not touch its struct page.
   */
  entry: boolean;
}

export interface PageInput {
  name: string;
  key?: string | null;
  waiters?: string[];
  limited?: boolean;
  gupAllowsSpecial?: boolean;
  /** false: the struct page does not exist until the driver's devm_memremap_pages() sends memmap_init. */
  online?: boolean;
  /** The dev_pagemap this page's base reference pins (put_dev_pagemap when the page reaches refcount 0). */
  pgmap?: string | null;
}

export type PageEvent =
  | { type: 'memmap_init'; from?: string }
  | { type: 'dax_insert_mapping'; file: string; from?: string }
  | { type: 'zap_pte'; from?: string }
  | { type: 'gup_fast_pte'; from?: string }
  | { type: 'gup_fast_grab'; refs: number; pmd?: boolean; from?: string }
  | { type: 'gup_fast_recheck'; from?: string }
  | { type: 'follow_page'; refs: number; from?: string }
  | { type: 'put_page'; refs: number; base?: boolean; route?: PutRoute; from?: string }
  | { type: 'pgmap_dead'; from?: string }
  | { type: 'arch_remove_memory'; from?: string }
  | { type: 'devmap_key'; on: boolean; from?: string }
  | { type: 'dax_busy_page'; from?: string }
  | { type: 'page_idle'; from?: string }
  | { type: 'dax_disassociate_entry'; file: string; trunc: boolean; from?: string };

/*
 * The payload of the events that carry one: XState's assertEvent narrows the event and
 * throws when a guard or action meets an event it was not written for.
 */
const refsOf = (event: PageEvent): number => {
  assertEvent(event, ['gup_fast_grab', 'follow_page', 'put_page']);
  return event.refs;
};
const baseOf = (event: PageEvent): boolean => {
  assertEvent(event, 'put_page');
  return !!event.base;
};
const routeOf = (event: PageEvent): PutRoute => {
  assertEvent(event, 'put_page');
  return event.route ?? 'put_page';
};
const keyOnOf = (event: PageEvent): boolean => {
  assertEvent(event, 'devmap_key');
  return event.on;
};
const fileOf = (event: PageEvent): string => {
  assertEvent(event, ['dax_insert_mapping', 'dax_disassociate_entry']);
  return event.file;
};
const truncOf = (event: PageEvent): boolean => {
  assertEvent(event, 'dax_disassociate_entry');
  return event.trunc;
};

/** A transition that exists only in the eras where the kernel has the code: `...only(cond, {...})`. */
const only = <const T>(cond: boolean, t: T): T[] => (cond ? [t] : []);

const SEED = 'seed 001';
const ASSOC = 'infer: 4.17 fs/dax.c dax_associate_entry / dax_disassociate_entry (d2c997c0f145, kept through 6.14)';
const GUP = 'infer: mm/gup.c gup_pte_range / follow_page_pte';
const CURRENT = 'infer: 6.15 fs/dax.c dax_busy_page, mm/memremap.c free_zone_device_folio';
const UNMAP = 'infer: 4.18 kernel/memremap.c devm_memremap_pages_release, 5.10 mm/memremap.c memunmap_pages, mm/swap.c __put_page';
const GUP_PGMAP = 'infer: 4.18/5.10 mm/gup.c gup_pte_range, follow_page_pte: pte_devmap -> get_dev_pagemap()';
const GET_AT_ZERO =
  'infer: 5.10 include/linux/mm.h try_get_page, mm/gup.c try_grab_page; 6.8 mm/gup.c try_grab_page; 6.15 try_grab_folio (4.17 get_page: VM_BUG_ON_PAGE only)';
const RELEASE_PAGES =
  'infer: 4.17 mm/swap.c release_pages (is_device_public_page only, then put_page_testzero); fixed by c5d6c45e90c4 (5.3): 5.10 mm/swap.c release_pages';
const NO_ENTRY = 'infer: 6.8 fs/dax.c dax_layout_busy_page_range (xas_for_each over the entries), __dax_invalidate_entry';
const REMOVED_UAF = 'use after free: the struct page was removed by arch_remove_memory() / pageunmap_range()';

/**
 * What each state of the page stands for in the kernel (docs/authoring.md): for an object, the function that
 * put it there, in each era's names. (mem.online.ready and the failure states say theirs on the states.)
 */
function pageDocs(rev: Revision): StateDocs {
  const folio = ERAS[rev].page.idleRefs === 0;
  const init = fnOf(rev, 'memmap_init_zone_device', 'devm_memremap_pages');
  const assoc = fnOf(rev, 'dax_associate_entry', 'dax_delete_mapping_entry');
  const warnSrc = ERAS[rev].page.associates ? ASSOC : 'infer: 4.16 fs/dax.c (no page->mapping, no WARN)';
  return {
    mem: { condition: folio ? 'the struct folio of one FS-DAX pfn' : 'the struct page of one FS-DAX pfn', fn: init, src: SEED },
    'mem.start': {
      condition: 'system start: whether the device is already probed is not yet chosen',
      fn: 'devm_memremap_pages',
      src: SEED,
    },
    'mem.offline': { condition: 'no struct page for the pfn: devm_memremap_pages() has not run' },
    'mem.online': { condition: 'the struct page exists (memmap initialised) and may be mapped, pinned or removed', fn: init, src: SEED },
    'mem.online.ready': { condition: folio ? 'folio_ref_count(folio) >= 0' : 'page_ref_count(page) >= 1', fn: init, src: SEED },
    'mem.online.putting': { condition: 'put_page() entered: static_branch_unlikely(&devmap_managed_key) asked within the step' },
    'mem.online.removed': { condition: 'no struct page behind the pfn: arch_remove_memory() / pageunmap_range() ran' },
    'mem.online.removedTouched': { condition: 'a PTE still maps a folio whose struct page was removed, and zap_pte_range() reads it' },
    'mem.online.underflow': { condition: 'the reference count dropped below its idle value' },
    warn: { condition: 'the WARN_ON_ONCE flags of this page (set once printed)', fn: assoc, src: warnSrc },
    'warn.quiet': { condition: 'no WARN_ON_ONCE printed about this page', fn: assoc, src: warnSrc },
    'warn.stillAssociated': { condition: 'page->mapping != NULL when dax_associate_entry() maps the pfn into a file' },
    'warn.truncatedBusy': { condition: 'trunc && page_ref_count(page) > 1 in dax_disassociate_entry()' },
  };
}

export const pageMachine = oncePer(function pageMachine(rev: Revision) {
  // 4.16 has no dax_disassociate_entry: truncate's dax_delete_mapping_entry() drops the entry without looking at the page.
  const DISASSOCIATE = fnOf(rev, 'dax_disassociate_entry', 'dax_delete_mapping_entry');
  const era = ERAS[rev].page;
  const base = era.idleRefs;
  const key = (name: string) => idleKey(rev, name);
  const mappingAddsRef = era.idleRefs === 0;
  /** dax_busy_page(): 6.15 folio_ref_count - folio_mapcount > 0; before, page_ref_count > 1. */
  const scanBusy = (context: PageContext): boolean =>
    !context.limited && (mappingAddsRef ? context.refs - context.mapcount > 0 : context.refs > 1);

  const machine = withStateMeta(
    setup({
      types: {} as { context: PageContext; events: PageEvent; input: PageInput },
      guards: {
        probed: ({ context }) => context.probed,
        never: () => false,
        limited: ({ context }) => context.limited,
        ptePresent: ({ context }) => context.mapcount > 0,
        /** Key on and this drop leaves the page idle (2->1): the moment the hook must wake waiters. */
        keyOnReachesIdle: ({ context, event }) => keyOnOf(event) && context.refs - 1 === base,
        /** This single drop goes below the idle count: the base reference itself is being put. */
        singlePutBelowIdle: ({ context }) => context.refs - 1 < base,
        putReachesIdle: ({ context, event }) => context.refs - refsOf(event) === base,
        putGoesBelowIdle: ({ context, event }) => context.refs - refsOf(event) < base,
        keyOn: ({ event }) => keyOnOf(event),
        /** dax_associate_entry(): WARN_ON_ONCE(page->mapping) when the pfn is still bound to another file. */
        stillAssociatedElsewhere: ({ context, event }) =>
          era.associates && !context.limited && context.mapping !== null && context.mapping !== fileOf(event),
        /** dax_disassociate_entry(): WARN_ON_ONCE(trunc && page_ref_count(page) > 1). */
        truncatingBusy: ({ context, event }) => era.disassociateWarnsBusy && !context.limited && truncOf(event) && context.refs > 1,
        /** No DAX entry for this pfn in the file's mapping: an entry walk passes it by. */
        noEntry: ({ context }) => !context.entry,
        tryGetFails: ({ context }) => era.gupTryGetFailsAtZero && context.refs === 0,
        gupRefusesSpecial: ({ context }) => context.limited && !context.gupAllowsSpecial,
        zapDropsLastRef: ({ context }) => mappingAddsRef && context.mapcount > 0 && context.refs === 1,
        /** The base reference is gone (put by memunmap_pages) and this single drop takes the count to 0. */
        lastRefAfterBase: ({ context }) => context.basePut && context.refs - 1 === 0,
        /** The same for a put without the hook (4.16, 4.17): the whole put reaches 0 once the base reference is (being) put. */
        putReachesZeroAfterBase: ({ context, event }) => (context.basePut || baseOf(event)) && context.refs - refsOf(event) === 0,
        /** GUP of a devmap PTE (4.18..6.14) asks get_dev_pagemap(), which fails once the pgmap is killed. */
        gupSeesDeadPgmap: ({ context }) => !mappingAddsRef && context.pgmapDead,
        /** This put's route (eras.ts putRoutes) only decrements: release_pages() in 4.17..5.2 (put_page_testzero()). */
        /** The GUP-fast PMD path's get (get_page / try_grab_page, not get-unless-zero) on a free page. */
        pmdGetAtZero: ({ context, event }) => {
          assertEvent(event, 'gup_fast_grab');
          return !!event.pmd && !context.limited && context.refs === 0 && !context.pgmapDead;
        },
        /** follow_page_pte()'s get on a free page that a PTE still maps. */
        followGetAtZero: ({ context }) => !context.limited && context.refs === 0 && context.mapcount > 0 && !context.pgmapDead,
        routeSkipsHook: ({ event }) => era.putRoutes[routeOf(event)] === 'skipsHook',
        /** The same route reaching 0 (the base reference already put): the page goes to the page allocator. */
        skipRouteGoesBelowIdle: ({ context, event }) =>
          era.putRoutes[routeOf(event)] === 'skipsHook' && context.refs - refsOf(event) < base,
      },
      actions: {
        mapPte: assign(({ context, event }) => ({
          mapcount: 1,
          refs: context.limited || !mappingAddsRef || context.mapcount > 0 ? context.refs : context.refs + 1,
          mapping: era.associates && !context.limited ? fileOf(event) : context.mapping,
          entry: true,
        })),
        zapPte: assign(({ context }) => ({
          mapcount: 0,
          refs: mappingAddsRef && context.mapcount > 0 ? context.refs - 1 : context.refs,
        })),
        grab: assign(({ context, event }) => ({
          refs: context.limited ? context.refs : context.refs + refsOf(event),
          refFromZero: context.refFromZero || (!context.limited && context.refs === 0),
        })),
        /** page_ref_sub(refs - 1): a multi-reference put drops all but the last reference without the hook. */
        startPut: assign(({ context, event }) => {
          const n = refsOf(event);
          return { refs: context.refs - (n - 1), basePut: context.basePut || baseOf(event) };
        }),
        markBase: assign(({ context, event }) => ({ basePut: context.basePut || baseOf(event) })),
        markPgmapDead: assign({ pgmapDead: true }),
        putPgmap: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'put_dev_pagemap', pageRef: true }),
        replyEfault: reply({ type: 'follow', ok: false, special: false, efault: true }),
        dropOne: assign(({ context }) => ({ refs: context.refs - 1 })),
        dropAll: assign({ refs: ({ context, event }) => context.refs - refsOf(event) }),
        askKey: call('devmap_managed_key', ({ context }) => context.key, { type: 'static_branch_unlikely' }),
        wakeUpVar: enqueueActions(({ context, enqueue }) => {
          for (const w of context.waiters) enqueue(call('waiter', w, { type: 'wake_up_var', key: key(context.name) }));
        }),
        disassociate: assign({ mapping: null, entry: false }),
        replyPte: reply(({ context }) => ({ type: 'pte', present: context.mapcount > 0 })),
        replyGrabbed: reply(({ context }) => ({ type: 'grabbed', ok: true, afterIdleScan: context.idleScanned })),
        replyGrabFailed: reply({ type: 'grabbed', ok: false }),
        replyFollowed: reply(({ context }) => ({ type: 'follow', ok: true, special: false, afterIdleScan: context.idleScanned })),
        replyNoPte: reply({ type: 'follow', ok: false, special: false }),
        replySpecial: reply({ type: 'follow', ok: false, special: true }),
        replyNotBusy: reply(({ context }) => ({ type: 'busy', page: context.name, busy: false })),
        replyBusy: reply(({ context }) => ({ type: 'busy', page: context.name, busy: scanBusy(context) })),
        noteScan: assign(({ context }) => ({ idleScanned: !scanBusy(context) })),
        replyIdle: reply(({ context }) => ({ type: 'idle', page: context.name, idle: context.limited || context.refs === base })),
      },
    }).createMachine({
      id: 'page',
      description:
        base === 1
          ? 'struct page of an FS-DAX pfn: idle at refcount 1, busy at >= 2; put_page() wakes waiters on 2->1 only through the devmap_managed_key hook'
          : 'struct folio of an FS-DAX pfn: free at refcount 0; each mapping holds a reference; reaching 0 wakes waiters',
      meta: { object: base === 1 ? 'struct page' : 'struct folio', src: base === 1 ? SEED : CURRENT },
      context: ({ input }) => ({
        name: input.name,
        key: input.key ?? null,
        waiters: input.waiters ?? [],
        limited: input.limited ?? false,
        gupAllowsSpecial: input.gupAllowsSpecial ?? false,
        refs: input.limited ? 0 : base,
        mapcount: 0,
        mapping: null,
        probed: input.online ?? true,
        idleRefs: base,
        pgmap: input.pgmap ?? null,
        basePut: false,
        pgmapDead: false,
        idleScanned: false,
        refFromZero: false,
        entry: false,
      }),
      type: 'parallel',
      states: {
        mem: {
          description: 'the page and its reference count',
          initial: 'start',
          states: {
            start: {
              description: 'system start: the device is probed already, or not yet',
              always: [
                {
                  guard: 'probed',
                  target: 'online',
                  description: 'the device was probed before the system starts: the struct page exists',
                  meta: { fn: 'devm_memremap_pages', src: SEED },
                },
                { target: 'offline', description: 'the device is probed during the run', meta: { fn: 'devm_memremap_pages', src: SEED } },
              ],
            },
            offline: {
              description: 'no struct page yet: the device is not probed (devm_memremap_pages has not run)',
              meta: { fn: 'devm_memremap_pages', src: SEED, unaccepted: 'use of a struct page that does not exist yet' },
              on: {
                memmap_init: {
                  target: 'online',
                  description: 'devm_memremap_pages() -> memmap_init_zone_device(): the struct page exists, refcount at its idle value',
                  meta: { fn: fnOf(rev, 'memmap_init_zone_device', 'devm_memremap_pages'), src: SEED },
                },
                '*': {
                  guard: 'never',
                  description:
                    'nothing reaches a pfn of a device that is not probed (no filesystem on it is mounted yet): the caller waits',
                  meta: { fn: 'dax_iomap_fault', src: 'infer' },
                },
              },
            },
            online: {
              description: 'the page exists',
              initial: 'ready',
              states: {
                ready: {
                  description: base === 1 ? 'refcount >= 1: idle at 1, busy above' : 'refcount >= 0: free at 0',
                  meta: { condition: base === 1 ? 'page_ref_count(page) >= 1' : 'folio_ref_count(folio) >= 0' },
                  on: {
                    dax_insert_mapping: [
                      ...only(era.associates, {
                        guard: 'stillAssociatedElsewhere',
                        target: ['ready', '#page.warn.stillAssociated'],
                        actions: 'mapPte',
                        description:
                          'dax_insert_entry() -> dax_associate_entry(): the pfn is still bound to another file: WARN_ON_ONCE(page->mapping)',
                        meta: { fn: 'dax_associate_entry', src: ASSOC },
                      }),
                      {
                        actions: 'mapPte',
                        description: mappingAddsRef
                          ? 'DAX fault: vmf_insert_page_mkwrite(): the PTE takes a reference and a mapcount; dax_associate_entry() sets folio->mapping'
                          : era.associates
                            ? 'DAX fault: insert_pfn() maps the pfn (no reference); dax_associate_entry() sets page->mapping'
                            : 'DAX fault: insert_pfn() maps the pfn; no reference is taken',
                        meta: { fn: 'dax_iomap_pte_fault', src: mappingAddsRef ? CURRENT : era.associates ? ASSOC : 'infer' },
                      },
                    ],
                    zap_pte: [
                      ...only(mappingAddsRef, {
                        guard: 'zapDropsLastRef',
                        actions: ['zapPte', 'wakeUpVar'],
                        description: 'zap_pte_range(): the mapping reference was the last: free_zone_device_folio() -> wake_up_var(page)',
                        meta: { fn: 'free_zone_device_folio', src: CURRENT },
                      }),
                      {
                        actions: 'zapPte',
                        description: mappingAddsRef
                          ? 'zap_pte_range(): the PTE and its reference go'
                          : 'zap_pte_range(): the PTE goes; no reference was held for it',
                        meta: { fn: 'unmap_mapping_pages', src: mappingAddsRef ? CURRENT : 'infer' },
                      },
                    ],
                    gup_fast_pte: {
                      actions: 'replyPte',
                      description: 'GUP-fast reads the PTE locklessly (interrupts off)',
                      meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP },
                    },
                    gup_fast_grab: [
                      // 6.15's PMD leaf takes the folio with try_grab_folio_fast() (get-unless-zero): it fails silently, below.
                      ...only(era.getAtZero === 'warnFails' && era.pmdUnit === 'subpages', {
                        guard: 'pmdGetAtZero',
                        target: ['ready', '#page.warn.refAtZero'],
                        actions: 'replyGrabFailed',
                        description:
                          'GUP-fast PMD path on a page at refcount 0: try_grab_page() / try_grab_folio(): WARN_ON_ONCE(refcount <= 0), no reference',
                        meta: { fn: 'try_grab_page', src: GET_AT_ZERO },
                      }),
                      ...only(!mappingAddsRef, {
                        guard: 'gupSeesDeadPgmap',
                        actions: 'replyGrabFailed',
                        description: 'GUP-fast: pte_devmap(): get_dev_pagemap() fails on the killed pgmap: undo, bail to the slow path',
                        meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP_PGMAP },
                      }),
                      {
                        guard: 'gupRefusesSpecial',
                        actions: 'replyGrabFailed',
                        description: 'GUP-fast: pte_special(): no struct page, bail to the slow path',
                        meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP },
                      },
                      ...only(era.gupTryGetFailsAtZero, {
                        guard: 'tryGetFails',
                        actions: 'replyGrabFailed',
                        description: 'GUP-fast: folio_try_get() fails on a free folio (refcount 0)',
                        meta: { fn: 'try_grab_folio_fast', src: CURRENT },
                      }),
                      {
                        actions: ['grab', 'replyGrabbed'],
                        description: 'GUP-fast takes its references before re-checking the PTE',
                        meta: { fn: fnOf(rev, 'try_grab_folio_fast', 'try_grab_page', 'gup_pte_range'), src: GUP },
                      },
                    ],
                    gup_fast_recheck: {
                      actions: 'replyPte',
                      description: 'GUP-fast re-reads the PTE: if it changed the references must go back',
                      meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP },
                    },
                    follow_page: [
                      ...only(era.getAtZero === 'warnFails', {
                        guard: 'followGetAtZero',
                        target: ['ready', '#page.warn.refAtZero'],
                        actions: 'replyEfault',
                        description: 'follow_page_pte() on a page at refcount 0: try_grab_page(): WARN_ON_ONCE(refcount <= 0), -ENOMEM',
                        meta: { fn: 'try_grab_page', src: GET_AT_ZERO },
                      }),
                      ...only(!mappingAddsRef, {
                        guard: 'gupSeesDeadPgmap',
                        actions: 'replyEfault',
                        description:
                          'follow_page_pte(): pte_devmap() but get_dev_pagemap() fails on the killed pgmap: no page; the refault finds the ' +
                          'dax_device dead: -EFAULT',
                        meta: { fn: 'follow_page_pte', src: GUP_PGMAP },
                      }),
                      {
                        guard: 'gupRefusesSpecial',
                        actions: 'replySpecial',
                        description:
                          'follow_page_pte(): vm_normal_page() is NULL for a special PTE: -EFAULT (FS_DAX_LIMITED cannot be pinned)',
                        meta: { fn: 'follow_page_pte', src: 'seed 001' },
                      },
                      {
                        guard: 'limited',
                        actions: 'replyFollowed',
                        description: 'counterfactual: GUP would hand out a pfn without struct page; there is no refcount to raise',
                        meta: { fn: 'follow_page_pte', src: 'counterfactual' },
                      },
                      {
                        guard: 'ptePresent',
                        actions: ['grab', 'replyFollowed'],
                        description: 'follow_page_pte() under the PTE lock: the PTE is there, take the references',
                        meta: { fn: 'follow_page_pte', src: GUP },
                      },
                      {
                        actions: 'replyNoPte',
                        description: 'follow_page_pte(): no PTE; the slow path must fault it in',
                        meta: { fn: 'follow_page_pte', src: GUP },
                      },
                    ],
                    put_page:
                      era.putHook === 'devmapKey'
                        ? [
                            {
                              guard: 'limited',
                              description: 'counterfactual put of a pfn without struct page: nothing to count',
                              meta: { fn: 'put_page', src: 'counterfactual' },
                            },
                            ...only(Object.values(era.putRoutes).includes('skipsHook'), {
                              guard: 'skipRouteGoesBelowIdle',
                              target: 'underflow',
                              actions: 'dropAll',
                              description:
                                'release_pages(): put_page_testzero() reaches 0 on a ZONE_DEVICE page: it is queued for free_unref_page_list(), the page ' +
                                'allocator gets a page it never owned',
                              meta: { fn: 'release_pages', src: RELEASE_PAGES },
                            }),
                            ...only(Object.values(era.putRoutes).includes('skipsHook'), {
                              guard: 'routeSkipsHook',
                              actions: ['markBase', 'dropAll'],
                              description:
                                'release_pages(): only device-public pages are special-cased; an FS-DAX page gets put_page_testzero(): the drop to 1 ' +
                                'reaches no ->page_free(), nobody is woken',
                              meta: { fn: 'release_pages', src: RELEASE_PAGES },
                            }),
                            {
                              target: 'putting',
                              actions: ['startPut', 'askKey'],
                              description: 'put_page() (after page_ref_sub(refs - 1) for a multi-reference put): is devmap_managed_key on?',
                              meta: { fn: 'put_page', src: SEED },
                            },
                          ]
                        : era.putHook === 'freeFolio'
                          ? [
                              {
                                guard: 'limited',
                                description: 'counterfactual put of a pfn without struct page',
                                meta: { fn: 'folio_put_refs', src: 'counterfactual' },
                              },
                              {
                                guard: 'putGoesBelowIdle',
                                target: 'underflow',
                                actions: 'dropAll',
                                description: 'folio_put_refs() below zero',
                                meta: { fn: 'folio_put_refs', src: CURRENT },
                              },
                              {
                                guard: 'putReachesIdle',
                                actions: ['dropAll', 'wakeUpVar'],
                                description: 'folio_put_refs() reaches 0: free_zone_device_folio() -> wake_up_var(page)',
                                meta: { fn: 'free_zone_device_folio', src: CURRENT },
                              },
                              {
                                actions: 'dropAll',
                                description: 'folio_put_refs(): references remain',
                                meta: { fn: 'folio_put_refs', src: CURRENT },
                              },
                            ]
                          : [
                              {
                                guard: 'limited',
                                description: 'counterfactual put of a pfn without struct page',
                                meta: { fn: 'put_page', src: 'counterfactual' },
                              },
                              {
                                guard: 'putReachesZeroAfterBase',
                                target: 'released',
                                actions: ['markBase', 'dropAll', 'putPgmap'],
                                description:
                                  'put_page() reaches 0 after memunmap_pages() put the base reference: __put_page() -> put_dev_pagemap(); nobody is ' +
                                  'told',
                                meta: { fn: '__put_page', src: UNMAP },
                              },
                              {
                                guard: 'putGoesBelowIdle',
                                target: 'underflow',
                                actions: 'dropAll',
                                description: 'put_page_testzero() reaches 0 on a page that was never onlined',
                                meta: { fn: 'put_page', src: 'infer' },
                              },
                              {
                                actions: ['markBase', 'dropAll'],
                                description: 'put_page(): MEMORY_DEVICE_HOST pages have no idle hook: the drop to 1 tells nobody',
                                meta: { fn: 'put_page', src: 'infer: 4.17 include/linux/mm.h put_page' },
                              },
                            ],
                    dax_busy_page: [
                      {
                        guard: 'noEntry',
                        actions: 'replyNotBusy',
                        description:
                          'no DAX entry at this index (never inserted, or erased): the walk of the entries does not reach the page',
                        meta: { fn: fnOf(rev, 'dax_layout_busy_page_range', 'dax_layout_busy_page'), src: NO_ENTRY },
                      },
                      {
                        actions: ['noteScan', 'replyBusy'],
                        description: mappingAddsRef
                          ? 'dax_busy_page(): folio_ref_count - folio_mapcount > 0?'
                          : 'dax_busy_page(): page_ref_count(page) > 1?',
                        meta: { fn: 'dax_busy_page', src: mappingAddsRef ? CURRENT : 'infer: 4.18 fs/dax.c dax_layout_busy_page' },
                      },
                    ],
                    page_idle: {
                      actions: 'replyIdle',
                      description: mappingAddsRef
                        ? 'dax_page_is_idle(): refcount == 0?'
                        : 'wait condition: atomic_read(&page->_refcount) == 1?',
                      meta: {
                        fn: '___wait_var_event',
                        src: mappingAddsRef ? CURRENT : 'infer: 4.18 fs/xfs/xfs_file.c xfs_break_dax_layouts',
                      },
                    },
                    pgmap_dead: {
                      actions: 'markPgmapDead',
                      description: 'percpu_ref_kill(pgmap->ref): from now on get_dev_pagemap() for this pfn fails',
                      meta: { fn: 'percpu_ref_kill', src: UNMAP },
                    },
                    arch_remove_memory: {
                      target: 'removed',
                      description:
                        base === 1
                          ? 'arch_remove_memory() while the page still has references: its struct page is gone under them'
                          : 'pageunmap_range() while the folio still has references (memunmap_pages() never looks at folio refcounts): its struct page is gone ' +
                            'under them',
                      meta: {
                        fn: base === 1 ? 'arch_remove_memory' : 'pageunmap_range',
                        src: base === 1 ? UNMAP : 'infer: 6.15 mm/memremap.c memunmap_pages',
                      },
                    },
                    dax_disassociate_entry: [
                      {
                        guard: 'noEntry',
                        description: 'no DAX entry at this index: nothing to erase, dax_disassociate_entry() is not called',
                        meta: { fn: 'dax_delete_mapping_entry', src: NO_ENTRY },
                      },
                      ...only(era.disassociateWarnsBusy, {
                        guard: 'truncatingBusy',
                        target: ['ready', '#page.warn.truncatedBusy'],
                        actions: 'disassociate',
                        description:
                          'dax_delete_mapping_entry() -> dax_disassociate_entry(trunc): WARN_ON_ONCE(trunc && page_ref_count(page) > 1)',
                        meta: { fn: DISASSOCIATE, src: ASSOC },
                      }),
                      {
                        actions: 'disassociate',
                        description: era.associates
                          ? 'dax_disassociate_entry(): page->mapping = NULL'
                          : 'the DAX entry goes; 4.16 keeps no page->mapping',
                        meta: { fn: DISASSOCIATE, src: era.associates ? ASSOC : 'infer' },
                      },
                    ],
                  },
                },
                putting: {
                  description: 'put_page() in progress: asked static_branch_unlikely(&devmap_managed_key)',
                  meta: { fn: 'put_devmap_managed_page', src: SEED, unaccepted: 'a second call into the page while its put is half done' },
                  on: {
                    devmap_key: [
                      {
                        guard: 'lastRefAfterBase',
                        target: 'released',
                        actions: ['dropOne', 'putPgmap'],
                        description:
                          'the count reaches 0 after memunmap_pages() put the base reference: __put_page() -> put_dev_pagemap(), no ->page_free(), ' +
                          'nobody is woken',
                        meta: { fn: '__put_page', src: UNMAP },
                      },
                      {
                        guard: 'keyOnReachesIdle',
                        target: 'ready',
                        actions: ['dropOne', 'wakeUpVar'],
                        description:
                          '__put_devmap_managed_page(): page_ref_dec_return() == 1 -> pgmap->page_free() = generic_dax_pagefree() -> ' +
                          'wake_up_var(&page->_refcount)',
                        meta: {
                          fn: fnOf(
                            rev,
                            'generic_dax_pagefree',
                            'fsdax_pagefree',
                            '__put_devmap_managed_page_refs',
                            'pmem_pagemap_page_free',
                          ),
                          src: SEED,
                        },
                      },
                      {
                        guard: 'singlePutBelowIdle',
                        target: 'underflow',
                        actions: 'dropOne',
                        description: 'the count reaches 0: __put_page() on a ZONE_DEVICE page that was never onlined',
                        meta: { fn: '__put_devmap_managed_page', src: SEED },
                      },
                      {
                        guard: 'keyOn',
                        target: 'ready',
                        actions: 'dropOne',
                        description: '__put_devmap_managed_page(): references remain, nothing to wake',
                        meta: { fn: '__put_devmap_managed_page', src: SEED },
                      },
                      {
                        target: 'ready',
                        actions: 'dropOne',
                        description:
                          'key off: put_page() falls through to put_page_testzero(): the count drops and nobody is told, even on 2->1',
                        meta: { fn: 'put_page_testzero', src: SEED },
                      },
                    ],
                  },
                },
                released: {
                  description:
                    'refcount 0: memunmap_pages() put the base reference and the last user let go; the pgmap reference is dropped, the struct page ' +
                    'still exists',
                  meta: {
                    fn: '__put_page',
                    src: UNMAP,
                    condition: 'page_ref_count(page) == 0',
                    unaccepted: 'use of a ZONE_DEVICE page at refcount 0',
                  },
                  on: {
                    dax_busy_page: {
                      actions: 'replyBusy',
                      description: 'dax_busy_page(): page_ref_count(page) > 1? (0: not busy)',
                      meta: { fn: 'dax_busy_page', src: 'infer: 4.18 fs/dax.c dax_layout_busy_page' },
                    },
                    page_idle: {
                      actions: 'replyIdle',
                      description: 'wait condition: atomic_read(&page->_refcount) == 1? (0: never true again)',
                      meta: { fn: '___wait_var_event', src: 'infer: 4.18 fs/xfs/xfs_file.c xfs_break_dax_layouts' },
                    },
                    zap_pte: {
                      actions: 'zapPte',
                      description: 'zap_pte_range(): a devmap PTE goes; vm_normal_page() is NULL for it, the struct page is not touched',
                      meta: { fn: 'zap_pte_range', src: 'infer: mm/memory.c vm_normal_page pte_devmap' },
                    },
                    dax_disassociate_entry: {
                      actions: 'disassociate',
                      description: 'dax_disassociate_entry(): page->mapping = NULL',
                      meta: { fn: DISASSOCIATE, src: ASSOC },
                    },
                    dax_insert_mapping: {
                      description: 'a DAX fault after kill_dax(): dax_direct_access() fails, VM_FAULT_SIGBUS',
                      meta: { fn: 'dax_iomap_pte_fault', src: 'infer: fs/dax.c dax_iomap_pfn' },
                    },
                    gup_fast_pte: {
                      actions: 'replyPte',
                      description: 'GUP-fast reads the PTE',
                      meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP },
                    },
                    gup_fast_grab: {
                      actions: 'replyGrabFailed',
                      description: 'GUP-fast: get_dev_pagemap() fails on the killed pgmap: bail',
                      meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP_PGMAP },
                    },
                    follow_page: {
                      actions: 'replyEfault',
                      description: 'follow_page_pte(): get_dev_pagemap() fails on the killed pgmap: -EFAULT',
                      meta: { fn: 'follow_page_pte', src: GUP_PGMAP },
                    },
                    arch_remove_memory: {
                      target: 'removed',
                      description: 'arch_remove_memory(): the struct page goes',
                      meta: { fn: 'arch_remove_memory', src: UNMAP },
                    },
                  },
                },
                removed: {
                  description:
                    'the struct page is gone (arch_remove_memory / pageunmap_range): only paths that never dereference it may still name the pfn',
                  meta: { fn: fnOf(rev, 'memunmap_pages', 'devm_memremap_pages_release'), src: UNMAP, unaccepted: REMOVED_UAF },
                  on: {
                    dax_busy_page: {
                      guard: 'noEntry',
                      actions: 'replyNotBusy',
                      description: 'no DAX entry for the removed pfn (erased before the removal): the walk never reaches its struct page',
                      meta: { fn: fnOf(rev, 'dax_layout_busy_page_range', 'dax_layout_busy_page'), src: NO_ENTRY },
                    },
                    dax_disassociate_entry: {
                      guard: 'noEntry',
                      description: 'no DAX entry for the removed pfn: nothing to erase, its struct page is not touched',
                      meta: { fn: 'dax_delete_mapping_entry', src: NO_ENTRY },
                    },
                    dax_insert_mapping: {
                      description: 'a DAX fault after kill_dax(): dax_direct_access() fails, VM_FAULT_SIGBUS',
                      meta: { fn: 'dax_iomap_pte_fault', src: 'infer: fs/dax.c dax_iomap_pfn' },
                    },
                    gup_fast_pte: {
                      actions: 'replyPte',
                      description: 'GUP-fast reads the PTE (page tables, not the struct page)',
                      meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP },
                    },
                    ...(mappingAddsRef
                      ? {
                          zap_pte: [
                            {
                              guard: 'ptePresent',
                              target: 'removedTouched',
                              description:
                                'zap_pte_range(): the PTE maps a folio whose struct page is gone: the rmap and refcount updates write freed memory',
                              meta: { fn: 'zap_pte_range', src: CURRENT },
                            },
                            {
                              description: 'unmap_mapping_pages(): no PTE maps the pfn, nothing touches the folio',
                              meta: { fn: 'unmap_mapping_pages', src: CURRENT },
                            },
                          ],
                          follow_page: [
                            {
                              guard: 'ptePresent',
                              target: 'removedTouched',
                              description:
                                'follow_page_pte(): the PTE still maps a folio whose struct page is gone: try_grab_folio() writes freed memory',
                              meta: { fn: 'follow_page_pte', src: GUP },
                            },
                            {
                              actions: 'replyEfault',
                              description: 'follow_page_pte(): no PTE; the fault finds the dax_device dead: VM_FAULT_SIGBUS, -EFAULT',
                              meta: { fn: 'faultin_page', src: 'infer: mm/gup.c faultin_page, fs/dax.c dax_iomap_pfn' },
                            },
                          ],
                        }
                      : {
                          zap_pte: {
                            actions: 'zapPte',
                            description: 'zap_pte_range(): a devmap PTE goes without touching the struct page',
                            meta: { fn: 'zap_pte_range', src: 'infer: mm/memory.c vm_normal_page pte_devmap' },
                          },
                          gup_fast_grab: {
                            actions: 'replyGrabFailed',
                            description: 'GUP-fast: get_dev_pagemap() finds no pgmap for the pfn: bail before touching the page',
                            meta: { fn: fnOf(rev, 'gup_pte_range', 'gup_fast_pte_range'), src: GUP_PGMAP },
                          },
                          follow_page: {
                            actions: 'replyEfault',
                            description: 'follow_page_pte(): get_dev_pagemap() finds no pgmap: -EFAULT',
                            meta: { fn: 'follow_page_pte', src: GUP_PGMAP },
                          },
                        }),
                  },
                },
                removedTouched: {
                  tags: ['violation'],
                  description:
                    'BUG: use after free: a folio whose struct page was removed by pageunmap_range() is still mapped and its PTE is zapped',
                  meta: { fn: 'zap_pte_range', src: CURRENT, unaccepted: REMOVED_UAF, severity: 'oops' },
                },
                underflow: {
                  tags: ['violation'],
                  description:
                    'BUG: page refcount of a ZONE_DEVICE page dropped below its idle value: __put_page() frees a page that was never onlined (use ' +
                    'after free)',
                  meta: {
                    fn: '__put_page',
                    src: 'infer',
                    unaccepted: 'use of a page freed by a refcount underflow',
                    violates: 'I3',
                    severity: 'corruption',
                  },
                },
              },
            },
          },
        },
        warn: {
          description: 'WARN_ON_ONCE splats the kernel printed about this page (execution continues after a WARN)',
          initial: 'quiet',
          states: {
            quiet: { description: 'no warning about this page' },
            stillAssociated: {
              tags: ['violation', 'warn'],
              description:
                'WARNING: dax_associate_entry: WARN_ON_ONCE(page->mapping): a pfn still bound to one file is mapped into another',
              // No `violates`: the WARN is the kernel's own heuristic, not an invariant; it can fire
              // on a speculative GUP-fast reference that is given back (see truncatedBusy).
              meta: { fn: 'dax_associate_entry', src: ASSOC, severity: 'warn' },
            },
            refAtZero: {
              tags: ['violation', 'warn'],
              description:
                'WARNING: try_grab_page: WARN_ON_ONCE(page_ref_count(page) <= 0): GUP asked for a reference on a free page, and is refused',
              // No `violates`: the kernel refuses the reference, so I13 holds; the WARN says a caller asked.
              meta: { fn: 'try_grab_page', src: GET_AT_ZERO, severity: 'warn', condition: 'page_ref_count(page) <= 0 when GUP asked' },
            },
            truncatedBusy: {
              tags: ['violation', 'warn'],
              description:
                'WARNING: dax_disassociate_entry: WARN_ON_ONCE(trunc && page_ref_count(page) > 1): truncating a page that is still pinned',
              // No `violates`: the refcount it tests may be a speculative GUP-fast reference that the
              // PTE re-check will give back (no DMA follows), so the WARN fires where I9 still holds;
              // when the reference is a real pin, I9 fails on its own a step later.
              meta: { fn: 'dax_disassociate_entry', src: ASSOC, severity: 'warn' },
            },
          },
        },
      },
    }),
    SEED,
    pageDocs(rev),
  );
  return withPartitions(machine, [countPartition('refs', (c: PageContext) => c.refs)]);
});
