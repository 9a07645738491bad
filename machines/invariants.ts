import type { ActorDecl, Invariant, Liveness, Severity, SystemView } from './kit/types.ts';
import { actorOf, isMachineId, type ActorName, type MachineId, type StateOf, type TypedView } from './views.ts';

/**
 * The invariants of DOMAIN.md (b) as predicates over the system view.
 *
 * A predicate must find its actors without knowing the scenario, so each rule
 * receives the system's actor names grouped by machine id (`dax_device`,
 * `dev_pagemap`, `filesystem`, ...): a rule over dax devices reads every actor
 * built from the dax_device machine. A rule whose actors are absent holds.
 */
export type ActorsByMachine = { readonly [M in MachineId]?: readonly ActorName<M>[] };

export interface InvariantRule {
  readonly id: string;
  readonly text: string;
  /** Why the kernel relies on it (the docs print it on the invariant's page). */
  readonly why?: string;
  /** What the kernel does in a state that fails it (fidelity brief section 11). */
  readonly severity: Severity;
  /** The short name of this way of failing, where the property has more than one (see Invariant.variant). */
  readonly variant?: string;
  readonly holds: (view: TypedView, actors: ActorsByMachine) => boolean;
  /**
   * What the invariant is about, for the report of vacuous runs: attached only to systems that
   * have an actor of one of `machines` (elsewhere the rule does not apply at all).
   */
  readonly premise?: {
    readonly text: string;
    readonly machines: readonly MachineId[];
    readonly holds: (view: TypedView, actors: ActorsByMachine) => boolean;
  };
}

/** The invariants of a system: every rule of both sections, bound to the system's actors. */
export function invariantsFor(
  actors: readonly ActorDecl[],
  rules: readonly InvariantRule[] = [...deviceInvariants, ...pageInvariants],
): Invariant[] {
  const byMachine: { [M in MachineId]?: ActorName<M>[] } = {};
  for (const a of actors) if (isMachineId(a.machine.id)) (byMachine[a.machine.id] ??= []).push(a.name as ActorName<MachineId> as never);
  return rules.map((r) => ({
    id: r.id,
    text: r.text,
    ...(r.why ? { why: r.why } : {}),
    severity: r.severity,
    ...(r.variant ? { variant: r.variant } : {}),
    // The one cast of the seam: names are grouped by their machine's id, so the view of an
    // ActorName<M> is a view of machine M; the composer rejects unknown state paths at run time.
    holds: (view: SystemView) => r.holds(view as unknown as TypedView, byMachine),
    ...(r.premise && r.premise.machines.some((m) => byMachine[m]?.length)
      ? { premise: { text: r.premise.text, holds: (view: SystemView) => r.premise!.holds(view as unknown as TypedView, byMachine) } }
      : {}),
  }));
}

const names = <M extends MachineId>(actors: ActorsByMachine, machineId: M): readonly ActorName<M>[] =>
  (actors[machineId] as readonly ActorName<M>[] | undefined) ?? [];

/** The code paths that wait for busy pages (WAITERS, needed before the page half's rules). */
const WAITERS_PREMISE = ['truncate', 'eviction'] as const satisfies readonly MachineId[];

/**
 * A liveness rule stated per actor: one property for each actor built from one of `machines`,
 * `when` and `then` reading that actor (and, through the view, whatever it points at).
 */
export interface LivenessRule {
  readonly id: string;
  readonly text: string;
  readonly why?: string;
  readonly machines: readonly string[];
  readonly when: (view: SystemView, actor: string) => boolean;
  readonly then: (view: SystemView, actor: string) => boolean;
}

/** The liveness properties of a system: each rule, once per actor it is about. */
export function livenessFor(actors: readonly ActorDecl[]): Liveness[] {
  return livenessRules.flatMap((r) =>
    actors
      .filter((a) => r.machines.includes(a.machine.id))
      .map((a): Liveness => ({
        id: r.id,
        text: r.text,
        ...(r.why ? { why: r.why } : {}),
        form: 'leads-to',
        actor: a.name,
        when: (view) => r.when(view, a.name),
        then: (view) => r.then(view, a.name),
      })),
  );
}

// ===========================================================================
// I1-I6, I15: device and ownership (dax_device, SRCU, dev_pagemap, holders).
// Owned by the device half (machines/daxDevice.ts and friends).
// ===========================================================================

/** dax_device states in which ops/private are gone: torn down by kill_dax or freed. */
const TORN_DOWN: readonly StateOf<'dax_device'>[] = ['dead', 'freed', 'freedWhileAlive'];

export const deviceInvariants: readonly InvariantRule[] = [
  {
    id: 'I1',
    severity: 'oops',
    premise: {
      text: 'an SRCU reader saw the dax_device alive',
      machines: ['srcu_reader'],
      holds: (view, actors) => names(actors, 'srcu_reader').some((r) => view(r).tags.has('saw-alive')),
    },
    why:
      'kill_dax() tears down what readers use (private = NULL, the host entry, holder_ops) right after synchronize_srcu(); the only thing keeping a ' +
      'reader that saw ALIVE safe is that the grace period waited for it. A reader that carries an alive result past its section, or a kill that skips the ' +
      'grace period, uses freed or NULL driver state.',
    text:
      'SRCU liveness: no use of ops or private (or holder_ops) after kill_dax returns; any reader that saw alive=true has finished before ' +
      'synchronize_srcu returns',
    holds: (view, actors) =>
      names(actors, 'srcu_reader').every((r) => {
        const reader = view(r);
        if (!reader.tags.has('saw-alive')) return true;
        const dax = view(actorOf('dax_device', reader.context.dax));
        return !TORN_DOWN.some((s) => dax.matches(s));
      }),
  },
  {
    id: 'I2',
    severity: 'warn',
    premise: {
      text: 'a final put of a dax_device happened',
      machines: ['dax_device'],
      holds: (view, actors) => names(actors, 'dax_device').some((d) => view(d).matches('freed') || view(d).matches('freedWhileAlive')),
    },
    why:
      'ALIVE is what keeps new lookups and new operations away; dax_destroy_inode() WARNs when the last iput() comes with ALIVE still set because ' +
      'something may still find the device and use it after it is freed.',
    text: 'kill before final put: the final put happens only when ALIVE is false',
    holds: (view, actors) => names(actors, 'dax_device').every((d) => !view(d).matches('freedWhileAlive')),
  },
  {
    id: 'I3',
    severity: 'corruption',
    premise: {
      text: 'a code path of the device half finished, or a dax_device was freed (a reference had to be given back)',
      machines: ['dax_device'],
      holds: (view, actors) =>
        PATHS.some((id) => names(actors, id).some((p) => view(p).done)) ||
        names(actors, 'dax_device').some((d) => view(d).matches('freed') || view(d).matches('freedWhileAlive')),
    },
    why:
      'The dax_device is an inode: its memory lives exactly as long as its i_count. One put too many frees it under the driver or a dm table that still ' +
      'points at it (use after free at teardown); one get too few leaks it and its host entry.',
    text:
      'reference balance: every successful get or igrab is matched by exactly one put on every path, error paths included; nobody puts a reference they ' +
      'do not own',
    holds: (view, actors) =>
      names(actors, 'dax_device').every((d) => {
        const dax = view(d);
        if (dax.context.misput !== null) return false;
        if (dax.matches('freed') || dax.matches('freedWhileAlive')) return true;
        // A code path that has finished must not still own a reference: it leaked it.
        return Object.entries(dax.context.refs).every(([owner, n]) => n === 0 || !isFinishedPath(view, actors, owner));
      }) && names(actors, 'dev_pagemap').every((p) => view(p).context.misput === null),
  },
  {
    id: 'I4',
    severity: 'oops',
    premise: {
      text: 'a filesystem held a non-NULL dax_device pointer',
      machines: ['filesystem'],
      holds: (view, actors) => names(actors, 'filesystem').some((f) => view(f).context.dax !== null),
    },
    why:
      "Every caller represents 'this block device has no DAX' as a NULL dax_device and passes it to the same release paths as a real one (fill_super " +
      'error paths, put_super). A release that dereferences it oopses on every non-DAX disk.',
    text: 'NULL-safe release: release, put and kill accept NULL, because "no DAX" is represented as NULL',
    // Two halves. A call through NULL (fs_dax_release(NULL) reading dax_dev->ops) is a step the
    // composer reports as null-deref. The state half checked here: NULL is the one representation
    // of "no DAX", so a filesystem's non-NULL dax_device pointer always carries its reference
    // (a pointer kept after the reference was given back is neither NULL nor owned).
    holds: (view, actors) =>
      names(actors, 'filesystem').every((f) => {
        const c = view(f).context;
        if (c.dax === null) return true;
        const dax = view(actorOf('dax_device', c.dax));
        return (dax.context.refs[f] ?? 0) > 0;
      }),
  },
  {
    id: 'I5',
    severity: 'corruption',
    premise: {
      text: 'two claims of an exclusive slot existed at the same time (held or refused), by filesystems or by a dm table for its filesystem',
      machines: ['filesystem', 'dm_table'],
      holds: (view, actors) => slotClaims(view, actors).length >= 2,
    },
    why:
      'The claim (v8/v9 pgmap->data) and holder_data make one owner exclusive so that page-idle callbacks and failure notifications reach the right ' +
      'filesystem. If the exclusive object is bigger than what an owner mounts (a whole disk shared by partitions, or by a partition and a dm ' +
      'device over another part of it), a second legitimate owner is refused and silently loses DAX.',
    text:
      'single owner: a pgmap claim or a holder_data has at most one owner at a time, and the exclusive object matches the unit the owner owns: two ' +
      'partitions (or a partition and a dm device) must not share one slot',
    holds: (view, actors) => {
      const slotUnit = new Map<string, string>();
      for (const c of slotClaims(view, actors)) {
        const unit = slotUnit.get(c.slot);
        if (unit !== undefined && unit !== c.unit) return false;
        slotUnit.set(c.slot, c.unit);
      }
      return true;
    },
  },
  {
    id: 'I6',
    severity: 'corruption',
    premise: {
      text: 'a holder registered itself on a dax_device',
      machines: ['dax_device'],
      holds: (view, actors) => names(actors, 'dax_device').some((d) => view(d).context.holder !== null),
    },
    why:
      "holder_data and holder_ops are two words written without a lock. If an old holder's release clears holder_ops after a new holder installed its " +
      'own, the new holder stays registered but is never notified of media errors or device removal.',
    text: "atomic holder swap: a new holder's ops can never be overwritten by an old holder's release",
    holds: (view, actors) =>
      names(actors, 'dax_device').every((d) => {
        const c = view(d).context;
        return c.holder === null || c.holderOps === c.holder;
      }),
  },
  {
    id: 'I14',
    severity: 'corruption',
    premise: {
      text: 'a filesystem, or a dm table for its filesystem, held a pgmap claim or the holder slot of a dax_device',
      machines: ['filesystem', 'dm_table'],
      holds: (view, actors) => slotClaims(view, actors).some((c) => c.state === 'held'),
    },
    text:
      'claim owner identity: an actor that believes it holds a pgmap claim (v8/v9 pgmap->data) or the holder slot of a live dax_device (holder_data, ' +
      '5.19+) is its recorded owner; a release by anyone else is visible (v8/v9 __fs_dax_release(): WARN_ON(pgmap->data != owner))',
    why:
      'Ownership is what routes ->page_free() wake-ups (v8/v9) and notify_failure() (5.19+) to the filesystem that mounted the device. A release by ' +
      'a non-owner that reverts the claim anyway (v8/v9 WARNs and reverts; 5.19+ fs_put_dax() only cmpxchg()s) leaves the real owner believing it ' +
      'holds a slot nobody records: it is no longer notified, and the next claimant takes the slot from under it. kill_dax() clearing holder_data ' +
      'after telling the holder is the device going away, not a release by another owner.',
    holds: (view, actors) =>
      slotClaims(view, actors).every((c) => {
        if (c.state !== 'held' || c.releasing) return true;
        const pgmap = names(actors, 'dev_pagemap').find((p) => p === c.slot);
        if (pgmap !== undefined) return view(pgmap).context.owner === c.owner;
        const dax = names(actors, 'dax_device').find((d) => d === c.slot);
        if (dax === undefined) return true;
        const d = view(dax);
        return !d.matches('alive') || d.context.holder === c.owner;
      }),
  },
  {
    id: 'I15',
    severity: 'corruption',
    premise: {
      text: 'kill_dax() tore down a dax_device whose holder was still registered',
      machines: ['dax_device'],
      holds: (view, actors) => names(actors, 'dax_device').some((d) => view(d).context.tornDownHolder !== null),
    },
    why:
      'kill_dax() notifies a registered holder (dax_holder_notify_failure(dax_dev, 0, U64_MAX, flags): flags 0 in 6.0..6.7, ' +
      'MF_MEM_PRE_REMOVE from 6.8) so that it lets go of the device before ALIVE is cleared and the driver removes the memory: ' +
      'after kill_dax() the pmem driver runs memunmap_pages() and the struct pages go. What can then touch the removed memory is a ' +
      'mapping the holder left: a DAX entry (and its PTEs) pointing at a pfn of the device, which the next fault, truncate or eviction ' +
      'walks, and through which a process writes into memory the device no longer owns. After the teardown a filesystem gets a new ' +
      'entry only from a fault that passed dax_direct_access() before ALIVE was cleared (which this rule catches too); a later fault ' +
      'fails, and block I/O is fenced by del_gendisk() before memunmap_pages(). So whether it was told or shut down is not what ' +
      'decides the harm: a shutdown unmaps nothing (from 6.6 del_gendisk() -> bdev_mark_dead() -> fs_bdev_mark_dead() shuts xfs and ' +
      'ext4 down before memunmap_pages() anyway, 6.8 fs/super.c; ext2 has no ->shutdown), and a mount that kept no entry only meets ' +
      'I/O errors.',
    text:
      "once kill_dax() has torn down a device whose holder was registered, none of the holder filesystem's files keeps a DAX entry on " +
      'the device (the notification made it unmap and invalidate them, or they were never mapped)',
    holds: (view, actors) =>
      names(actors, 'dax_device').every((d) => {
        const holder = view(d).context.tornDownHolder;
        if (holder === null) return true;
        const fs = names(actors, 'filesystem').find((f) => f === holder);
        // A holder that is not a filesystem actor of this system (dm, famfs) is out of this rule's reach.
        if (fs === undefined) return true;
        if (view(fs).done) return true;
        return view(fs).context.files.every((f) => f.pages.every((p) => !view(actorOf('page', p)).context.entry));
      }),
  },
];

/** One claim of an exclusive slot: a filesystem's own (its mount unit), or one a dm table made for its filesystem (unit: the dm device). */
interface SlotClaim {
  readonly slot: string;
  readonly unit: string;
  readonly owner: string;
  readonly state: 'held' | 'denied';
  /** The owner is inside its own release (fs_put_dax() won its cmpxchg and is clearing holder_ops). */
  readonly releasing: boolean;
}

/** Every claim standing now: filesystems' slots (pgmap claim v8/v9, holder_data 5.19+) and dm tables' member claims (v8/v9). */
function slotClaims(view: TypedView, actors: ActorsByMachine): SlotClaim[] {
  const out: SlotClaim[] = [];
  for (const f of names(actors, 'filesystem')) {
    const c = view(f).context;
    if (c.slot && (c.slotState === 'held' || c.slotState === 'denied'))
      out.push({ slot: c.slot, unit: c.unit, owner: f, state: c.slotState, releasing: view(f).matches('clearOps') });
  }
  for (const t of names(actors, 'dm_table')) {
    const c = view(t).context;
    for (const claim of c.claims) out.push({ slot: claim.pgmap, unit: c.name, owner: claim.owner, state: claim.state, releasing: false });
  }
  return out;
}

/** Machine ids of the code paths of the device half. */
const PATHS = ['filesystem', 'dm_table', 'pmem', 'srcu_reader'] as const satisfies readonly MachineId[];

function isFinishedPath(view: TypedView, actors: ActorsByMachine, name: string): boolean {
  for (const id of PATHS) {
    const path = names(actors, id).find((n) => n === name);
    if (path !== undefined) return view(path).done;
  }
  return false;
}

// ===========================================================================
// I7-I12: pages, static key, DMA, truncate.
// Owned by the page half (machines/page.ts and friends): edit only below.
// ===========================================================================

/** A page is idle when no reference beyond its era's idle count is held (a pfn without struct page counts nothing). */
function pageIdle(view: TypedView, page: string): boolean {
  const c = view(actorOf('page', page)).context;
  return c.limited || c.refs === c.idleRefs;
}

/** Code paths that sleep in wait_var_event() on a page: truncate / hole punch and inode eviction. */
const WAITERS = ['truncate', 'eviction'] as const satisfies readonly MachineId[];

export const pageInvariants: readonly InvariantRule[] = [
  {
    id: 'I7',
    severity: 'hang',
    premise: {
      text: 'a user of devmap_managed_key counted itself (count > 0)',
      machines: ['devmap_managed_key'],
      holds: (view, actors) => names(actors, 'devmap_managed_key').some((k) => view(k).context.count > 0),
    },
    text: 'static key matches its counter: key=On iff count>0 in every reachable state, including intermediate ones',
    why:
      'put_page() is a hot path, so the 2->1 hook for ZONE_DEVICE pages is patched in only while devmap_managed_key is on; the counter says how many ' +
      "users need it. If the key is off while a user still counts, that user's pages go idle without ->page_free(), and a truncate waiting for them is never " +
      'woken. The counter and the branch are two words changed in two steps (4.18), so every intermediate state matters.',
    holds: (view, actors) =>
      names(actors, 'devmap_managed_key').every((k) => {
        const c = view(k).context;
        return c.on === c.count > 0;
      }),
  },
  {
    id: 'I8',
    severity: 'hang',
    premise: {
      text: 'a truncate or eviction slept on a busy page',
      machines: WAITERS_PREMISE,
      holds: (view, actors) => WAITERS_PREMISE.some((id) => names(actors, id).some((w) => view(w).tags.has('sleeping'))),
    },
    text:
      'every drop to idle wakes: every transition to idle (2->1 in old kernels, ->0 from 6.15) wakes waiters, multi-reference drops included, with the ' +
      'key the waiter sleeps on',
    why:
      'Break-layouts sleeps in ___wait_var_event() until the page it found busy is idle and relies entirely on the wake-up that the drop to idle sends ' +
      '(->page_free() on 2->1 until 6.14, free_zone_device_folio() at 0 from 6.15). A drop that skips the hook (key off, a multi-reference put that bypasses ' +
      'it) or wakes another key leaves truncate asleep for ever with its I/O lock held.',
    // A wake-up moves the sleeper out of its sleeping state in the same step as the
    // drop; a sleeper still asleep on a page that is idle was not woken.
    holds: (view, actors) =>
      WAITERS.every((id) =>
        names(actors, id).every((w) => {
          const v = view(w);
          return !v.tags.has('sleeping') || v.context.busyPage === null || !pageIdle(view, v.context.busyPage);
        }),
      ),
  },
  {
    id: 'I9',
    severity: 'corruption',
    variant: 'block freed while pinned',
    premise: {
      text: 'a device held a pin on a page',
      machines: ['dma_pinner'],
      holds: (view, actors) => names(actors, 'dma_pinner').some((p) => view(p).tags.has('pinned')),
    },
    text:
      'blocks not freed while pinned: a block is freed or reallocated only while its page is idle, including pages already unmapped from user space and ' +
      'pages of evicted inodes',
    why:
      'Under FS-DAX a page is the storage of a block: a device that holds a pin DMAs straight into the block. If the filesystem frees the block while the ' +
      "pin is held, the allocator can give it to another file and the device's writes land in that file's data (silent corruption, a use after free of " +
      'storage). munmap() and eviction do not end a pin, so unmapped pages and evicted inodes count too.',
    // Ground truth is the pin a device holds, not the page's count: a count can lie
    // (a pfn without struct page counts nothing), the device's pin cannot.
    holds: (view, actors) =>
      names(actors, 'dma_pinner').every((p) => {
        const v = view(p);
        return !v.tags.has('pinned') || view(actorOf('block', v.context.block)).context.owner === v.context.file;
      }),
  },
  {
    id: 'I10',
    severity: 'corruption',
    premise: {
      text: 'a break-layouts scan found every page idle and still held the locks',
      machines: WAITERS_PREMISE,
      holds: (view, actors) =>
        WAITERS_PREMISE.some((id) =>
          names(actors, id).some((w) => {
            const v = view(w);
            return v.tags.has('layout_broken') && !!v.context.scanned;
          }),
        ),
    },
    text:
      'no new references during the scan: while break-layouts holds the exclusive mmap lock, any reference taken after the scan found the page idle ' +
      'either was visible to it or fails',
    why:
      'Break-layouts unmaps the file and then reads page reference counts; it is sound only if no reference can appear that the scan did not see. The ' +
      'slow GUP path cannot (it must fault under the mmap lock truncate holds); GUP-fast takes references locklessly and must re-read the PTE and give them ' +
      'back when it changed.',
    // After a scan that looked and found every page idle, and while the locks are still
    // held, no pin on one of the scanned pages may have been taken after that scan: it would
    // be a new reference the scan missed. A pin that existed before the scan and was hidden
    // from it (memunmap_pages() put the page's base reference, so page_ref_count == 1 with
    // the pin held) is not a new reference: freeing its block is I9's finding, not I10's.
    holds: (view, actors) =>
      WAITERS.every((id) =>
        names(actors, id).every((w) => {
          const v = view(w);
          if (!v.tags.has('layout_broken') || !v.context.scanned) return true;
          const pages = v.context.pages as string[];
          return names(actors, 'dma_pinner').every((p) => {
            const pv = view(p);
            return !pv.tags.has('pinned') || !pages.includes(pv.context.page) || !pv.context.pinAfterScan;
          });
        }),
      ),
  },
  {
    id: 'I11',
    severity: 'corruption',
    premise: {
      // The pin itself, or (where GUP refuses it, as it must) the chance to take one: a pfn without
      // struct page mapped into a process, where GUP can be asked for it.
      text: 'a device held a pin, or a pfn without struct page was mapped into a process (GUP could be asked for it)',
      machines: ['dma_pinner'],
      holds: (view, actors) =>
        names(actors, 'dma_pinner').some((p) => view(p).tags.has('pinned')) ||
        names(actors, 'page').some((p) => {
          const c = view(p).context;
          return c.limited && c.mapcount > 0;
        }),
    },
    text: 'page-backed: every FS-DAX pfn has a struct page with a reference count; without one, the wait protocol is vacuous',
    why:
      'The page-idle wait is built on struct page reference counts. FS_DAX_LIMITED pfns (s390 dcssblk) have no struct page, so there is nothing to count ' +
      'and nothing to wait for: such pfns are safe only as long as nobody can pin them (GUP refuses special PTEs).',
    // The pfns that matter are the ones handed to a device: a pin on a pfn with no
    // struct page is a reference nobody can count or wait for.
    holds: (view, actors) =>
      names(actors, 'dma_pinner').every((p) => {
        const v = view(p);
        return !v.tags.has('pinned') || !view(actorOf('page', v.context.page)).context.limited;
      }),
  },
  {
    id: 'I12',
    severity: 'hang',
    premise: {
      text: 'a truncate waited for a busy page',
      machines: ['truncate'],
      holds: (view, actors) => names(actors, 'truncate').some((t) => view(t).tags.has('waiting')),
    },
    text: 'truncate progresses: given transient pins, truncate eventually runs; the I/O lock held across retries blocks new direct I/O',
    why:
      'Truncate retries the scan after every wake-up and drops only the mmap lock while it sleeps. Holding the I/O lock across the retries keeps new I/O ' +
      'on the file out, so that pins are transient and the loop ends; a truncate that can be starved or never woken hangs the task with its locks held.',
    // The "eventually" is the checker's progress property (a sleeper that can never be
    // woken); the state half is that every retry keeps the I/O lock.
    holds: (view, actors) =>
      names(actors, 'truncate').every((t) => {
        const v = view(t);
        return !v.tags.has('waiting') || view(actorOf('rwsem', v.context.iolock)).context.writer === t;
      }),
  },
  {
    id: 'I13',
    severity: 'corruption',
    premise: {
      text: 'a struct page sat at refcount 0 (free) where GUP could still be asked for it',
      machines: ['page'],
      holds: (view, actors) =>
        names(actors, 'page').some((p) => {
          const v = view(p);
          return !v.context.limited && v.context.refs === 0 && (v.matches('mem.online.ready') || v.matches('mem.online.released'));
        }),
    },
    text:
      'no reference on a free page: GUP never takes a reference on a page whose refcount is 0 (get_page(): VM_BUG_ON_PAGE(page_ref_count(page) <= 0); ' +
      'try_get_page() / try_grab_page() / try_grab_folio(): WARN_ON_ONCE(refcount <= 0) and fail)',
    why:
      'A page at refcount 0 is free: 4.18..6.14 a ZONE_DEVICE page whose base reference memunmap_pages() put and whose last user let go (its pgmap ' +
      'reference is already dropped), 6.15 an FS-DAX folio that no mapping or pin holds. A reference taken on it resurrects a page its owner no ' +
      'longer counts: the pgmap can drain and the memory go away under it, or the folio be handed out again. GUP keeps away through ' +
      'get_dev_pagemap() on the killed pgmap, get-unless-zero in GUP-fast (page_cache_get_speculative(), folio_try_get()), and from 5.x the WARN in ' +
      'try_grab_page(); 4.17 get_page() only checks under CONFIG_DEBUG_VM.',
    holds: (view, actors) => names(actors, 'page').every((p) => !view(p).context.refFromZero),
  },
  {
    id: 'I16',
    severity: 'corruption',
    premise: {
      text: "the driver removed a device's struct pages (arch_remove_memory / pageunmap_range)",
      machines: ['page'],
      holds: (view, actors) => names(actors, 'page').some((p) => pageRemoved(view, p)),
    },
    text: "no memory removed under a pin: when the driver takes a device's pages away (memunmap_pages), no device holds a DMA pin on one of them",
    why:
      'A pin is a promise that the memory stays while the device DMAs into it. memunmap_pages() keeps that promise only by waiting for ' +
      'references it can see: 5.10 waits for the pgmap references every busy page holds; 4.16..4.18 run arch_remove_memory() before ' +
      "the queue's drain, and from 5.18 (27674ef6c73f) pages hold no pgmap reference, so neither waits for a pin (6.8's PRE_REMOVE " +
      'notification signals and invalidates without waiting either). The unpin then reads page->pgmap, freed with the pmem device, ' +
      'and writes the refcount of a struct page that is gone: an oops where the struct pages lived on the device, silent corruption ' +
      'of kernel memory where they lived in RAM. The DMA itself still lands on the media, which corrupts whatever reuses the range ' +
      '(a reconfigured namespace, devdax hot-added as System RAM, a rebound filesystem that reallocates the block). FOLL_LONGTERM ' +
      'pins are refused on FS-DAX, so the pin is a short-term one (O_DIRECT, io_uring) that a stalled request can make last.',
    holds: (view, actors) =>
      names(actors, 'dma_pinner').every((p) => {
        const v = view(p);
        return !v.tags.has('pinned') || (v.context.entryPages as string[]).every((pg) => !pageRemoved(view, pg));
      }),
  },
];

/** The struct page of `page` is gone: the driver's memunmap_pages() removed it (machines/page.ts). */
function pageRemoved(view: TypedView, page: string): boolean {
  const v = view(actorOf('page', page));
  return v.matches('mem.online.removed') || v.matches('mem.online.removedTouched');
}

/** The value of an actor whose machine's top level is not parallel: its state's name. */
const topState = (view: SystemView, actor: string): string => {
  const v = view(actor).value;
  return typeof v === 'string' ? v : Object.keys(v)[0];
};

/** The states of one kill_dax() (machines/killDax.ts, holderNotify.ts 'kill' path), in pmem and dm remove alike. */
const inKillDax = (view: SystemView, actor: string): boolean => topState(view, actor).startsWith('kill_');

/** A removal that began: the pmem driver past `up` (remove called), not yet unbound. */
const PMEM_BEFORE_REMOVE = ['boot', 'absent', 'gotOps', 'enableKey', 'memremap', 'allocDax', 'allocating', 'up'];
/** dm remove that began: __dm_destroy -> cleanup_mapped_device (-> kill_dax) -> put_dax. */
const DM_REMOVING = ['closing', 'removeHost', 'putOwn'];
/** A reader's states inside its read-side section (machines/daxSrcu.ts, and the 'mf' notification). */
const READER_OUTSIDE = ['start', 'pgmapLookup', 'pgmapWait', 'pgmapPut', 'outside', 'done'];

/**
 * The device half's liveness: kernel code that began (a kill_dax, a mount, an unmount, an unbind,
 * a dm remove, a read-side section) ends, under the fairness declared in the machines: what runs
 * keeps running, what an administrator or a caller chooses (mount, umount, unbind, a new section)
 * is not assumed.
 */
const deviceLiveness: readonly LivenessRule[] = [
  {
    id: 'L-kill',
    text: 'kill_dax returns: once kill_dax() starts, it eventually returns (synchronize_srcu completes: every reader that was inside leaves)',
    why:
      'A driver remove calls kill_dax() and cannot finish the unbind before it returns; synchronize_srcu() waits only for the readers that were ' +
      'inside when the grace period began. A grace period that waits for a reader that never leaves, or for readers that keep arriving, hangs the remove.',
    machines: ['pmem', 'dm_table'],
    when: (view, a) => inKillDax(view, a),
    then: (view, a) => !inKillDax(view, a),
  },
  {
    id: 'L-mount',
    text: 'a mount that began eventually finishes: it is mounted or has failed',
    why: 'mount(2) holds the block device open and s_umount while it runs; a fill_super that can wait for ever hangs the mount and whoever opens the disk next.',
    machines: ['filesystem'],
    when: (view, a) => topState(view, a) !== 'idle',
    then: (view, a) => topState(view, a) === 'mounted' || view(a).done,
  },
  {
    id: 'L-umount',
    text: 'an unmount that began eventually finishes: the superblock lets go of its dax_device and block device',
    why: 'umount(2) runs put_super / xfs_close_devices with s_umount held; a release that waits for ever (on a holder swap, on a removed device) hangs the task in D state.',
    machines: ['filesystem'],
    when: (view, a) => (view(a).context as { outcome: string | null }).outcome === 'unmounted',
    then: (view, a) => view(a).done,
  },
  {
    id: 'L-unbind',
    text: 'a pmem unbind that began eventually finishes: the driver released everything it set up',
    why: 'pmem remove runs the devm release actions and waits for the pgmap references to drain (wait_for_completion); a drain that never completes hangs the unbind.',
    machines: ['pmem'],
    when: (view, a) => !PMEM_BEFORE_REMOVE.includes(topState(view, a)) && !view(a).done,
    then: (view, a) => view(a).done,
  },
  {
    id: 'L-dmremove',
    text: 'a dm remove that began eventually finishes: the mapped device is destroyed',
    why: '__dm_destroy() closes the table devices and kill_dax()es the mapped device; if that can wait for ever, dmsetup remove hangs.',
    machines: ['dm_table'],
    when: (view, a) => DM_REMOVING.includes(topState(view, a)) || inKillDax(view, a),
    then: (view, a) => view(a).done,
  },
  {
    id: 'L-reader',
    text: 'a reader that entered a read-side section eventually leaves it (dax_read_unlock)',
    why: 'synchronize_srcu() in kill_dax() waits for every reader that is inside; a section that never ends (a holder notification that can wait for ever) blocks every remove of the device.',
    machines: ['srcu_reader'],
    when: (view, a) => !READER_OUTSIDE.includes(topState(view, a)),
    then: (view, a) => READER_OUTSIDE.includes(topState(view, a)),
  },
];

// ===========================================================================
// Liveness (checked under the fairness declared in the machines' meta; see docs/authoring.md).
// ===========================================================================

export const livenessRules: readonly LivenessRule[] = [
  ...deviceLiveness,
  {
    id: 'I12',
    text: 'truncate progresses: once a truncate (or an eviction) waits for a busy page, it eventually finishes',
    why: 'A truncate or eviction that sleeps in the page-idle wait holds the I/O lock (and the inode); if its wake-up can be lost, or if it can be kept waiting for ever by kernel code that is running, the task hangs in D state with its locks held. What a user process may never do (munmap, exit) is not assumed; a DMA is assumed to complete.',
    machines: WAITERS,
    when: (view, t) => view(t).tags.has('waiting'),
    then: (view, t) => view(t).done,
  },
];
