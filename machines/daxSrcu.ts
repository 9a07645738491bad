import { assign, enqueueActions, setup } from 'xstate';
import { call, reply } from './kit/messages.ts';
import type { Revision } from './kit/revision.ts';
import { m, withStateMeta, type StateDocs } from './kit/meta.ts';
import { HOLDER_NOTIFY_ENV, HOLDER_NOTIFY_GUARDS, holderNotifyActions, holderNotifyDocs, holderNotifyStates } from './holderNotify.ts';
import { oncePer } from './kit/oncePer.ts';

/**
 * The one global dax_srcu (DEFINE_STATIC_SRCU in drivers/dax/super.c) and the
 * readers of a dax_device [seed 002].
 *
 * SRCU's guarantee is about readers that were inside when the grace period
 * began: synchronize_srcu() waits for exactly those, not for readers that enter
 * later. The grace period is therefore two steps of the caller (start: snapshot
 * who is inside; wait: blocks until every one of them has left).
 */
export interface SrcuContext {
  /** Readers inside a read-side critical section, sorted. */
  inside: string[];
  /** Per waiter in synchronize_srcu: the readers it still waits for. */
  gp: Record<string, string[]>;
}

type Ev = { type: string; from?: string };
const who = (e: Ev): string => e.from ?? 'env';

/** The kernel condition of the SRCU domain's one state (docs/authoring.md). */
const SRCU_DOCS: StateDocs = {
  srcu: {
    condition: 'dax_srcu: the readers inside their read-side sections, and the readers each synchronize_srcu() in progress waits for',
  },
};

export const srcuMachine = oncePer(function srcuMachine(_rev?: Revision) {
  return withStateMeta(
    setup({
      types: {} as { context: SrcuContext; events: Ev },
      guards: {
        graceOver: ({ context, event }) => (context.gp[who(event)] ?? []).length === 0,
      },
      actions: {
        enter: assign(({ context, event }) => ({ inside: [...context.inside, who(event)].sort() })),
        leave: assign(({ context, event }) => {
          const gp: Record<string, string[]> = {};
          for (const [k, v] of Object.entries(context.gp)) gp[k] = v.filter((r) => r !== who(event));
          return { inside: context.inside.filter((r) => r !== who(event)), gp };
        }),
        startGp: assign(({ context, event }) => ({ gp: { ...context.gp, [who(event)]: [...context.inside] } })),
        endGp: assign(({ context, event }) => {
          const gp = { ...context.gp };
          delete gp[who(event)];
          return { gp };
        }),
        replySynchronized: reply({ type: 'srcu_synchronized' }),
      },
    }).createMachine({
      id: 'dax_srcu',
      description: 'DEFINE_STATIC_SRCU(dax_srcu): one SRCU domain for every dax_device',
      meta: m('dax_read_lock', 'seed 002'),
      context: { inside: [], gp: {} },
      initial: 'srcu',
      states: {
        srcu: {
          description: 'readers inside, and for each synchronize_srcu() in progress the readers it waits for',
          meta: { fn: 'synchronize_srcu', src: 'seed 002', unaccepted: 'not an SRCU operation' },
          on: {
            dax_read_lock: {
              actions: 'enter',
              description: 'dax_read_lock() = srcu_read_lock(&dax_srcu)',
              meta: m('dax_read_lock', 'seed 002'),
            },
            dax_read_unlock: {
              actions: 'leave',
              description: 'dax_read_unlock() = srcu_read_unlock(&dax_srcu)',
              meta: m('dax_read_unlock', 'seed 002'),
            },
            synchronize_srcu_start: {
              actions: 'startGp',
              description: 'synchronize_srcu() begins a grace period: it must wait for every reader inside now',
              meta: m('synchronize_srcu', 'seed 002'),
            },
            synchronize_srcu_wait: {
              guard: 'graceOver',
              actions: ['endGp', 'replySynchronized'],
              description: 'synchronize_srcu() returns: every reader that was inside when it began has left (sleeps until then)',
              meta: m('synchronize_srcu', 'seed 002'),
            },
          },
        },
      },
    }),
    'seed 002',
    SRCU_DOCS,
  );
});

export interface SrcuReaderInput {
  readonly dax: string;
  readonly srcu: string;
  /** Read-side sections this reader runs, one after the other (never carrying an alive result across). */
  readonly sections?: number;
  /**
   * What the reader does with a live device: 'ops' uses ops/private (dax_direct_access);
   * 'holder' is memory_failure() -> pmem_pagemap_memory_failure() -> dax_holder_notify_failure().
   */
  readonly use?: 'ops' | 'holder';
  /** 'holder': the pgmap memory_failure_dev_pagemap() looks the pfn up in (get_dev_pagemap). */
  readonly pgmap?: string | null;
  /**
   * 'holder': the lock memory_failure() holds from before get_dev_pagemap() to after put_dev_pagemap() (6.x
   * mm/memory-failure.c memory_failure: mutex_lock(&mf_mutex) ... unlock_mutex), so two notifications never overlap.
   */
  readonly mfMutex?: string | null;
}

/** Environment events of a reader: each a step of its code. */
/** Fairness (docs/authoring.md): a reader starting a section is its caller's choice; inside it, kernel code runs on. */
const READER_STARTS = {
  fairness: 'none',
  why: 'whether a fault, a DAX I/O or a memory_failure() enters (another) read-side section is not assumed: that is what its caller does',
} as const;
const READER_RUNS = {
  fairness: 'weak',
  why: 'a task inside an SRCU read-side section runs on and leaves it (srcu_read_lock sections never sleep for ever)',
} as const;
/** A media error is hardware's choice: memory_failure() is not assumed to be called. */
const MEDIA_ERROR = { fairness: 'none', why: 'a media error (and so memory_failure()) may never happen' } as const;

export const SRCU_READER_ENV = {
  get_dev_pagemap: [{}],
  dax_read_lock: [{}],
  dax_alive: [{}],
  dax_direct_access: [{}],
  ...HOLDER_NOTIFY_ENV,
  dax_read_unlock: [{}],
  put_dev_pagemap: [{}],
} as const;

/**
 * A reader of a dax_device: a fault handler, dax_direct_access() from fs-dax I/O,
 * dax_holder_notify_failure(). It checks dax_alive() inside the section and only then
 * uses ops/private (dev_dax_huge_fault, dax_mmap: "re-check at fault") [seed 002].
 */
/** What each state of a dax_device reader stands for in the kernel (docs/authoring.md). */
const READER_DOCS: StateDocs = {
  ...holderNotifyDocs('mf'),
  start: { condition: 'the reader has not begun: which code path it is (a fault, a media error) not yet chosen' },
  pgmapLookup: { condition: 'memory_failure(pfn) on a ZONE_DEVICE pfn: get_dev_pagemap() not yet called' },
  pgmapWait: { condition: 'get_dev_pagemap(pfn) called, returning within the step' },
  pgmapPut: { condition: 'the notification is over; the pgmap reference from get_dev_pagemap() still held' },
  pgmapHeld: { condition: 'memory_failure(): a pgmap reference held, dax_read_lock() not yet taken' },
  outside: { condition: 'no dax_read_lock() held by this reader' },
  inside: { condition: 'srcu_read_lock(&dax_srcu) held; dax_alive() not yet read' },
  checking: { condition: 'srcu_read_lock held; test_bit(DAXDEV_ALIVE) read within the step', fn: 'dax_alive' },
  sawAlive: { condition: 'srcu_read_lock held; dax_alive() returned true' },
  using: { condition: 'srcu_read_lock held; the driver (ops->direct_access, or the holder) called, returning within the step' },
  used: { condition: 'srcu_read_lock held; the driver call returned' },
  sawDead: { condition: 'srcu_read_lock held; dax_alive() returned false' },
  done: { condition: 'every section ended: no dax_read_lock() held', fn: 'dax_read_unlock' },
};

export const srcuReaderMachine = oncePer(function srcuReaderMachine(_rev?: Revision) {
  return withStateMeta(
    setup({
      types: {} as {
        context: {
          dax: string;
          srcu: string;
          left: number;
          use: 'ops' | 'holder';
          pgmap: string | null;
          mfMutex: string | null;
          /** The holder whose notify_failure this reader runs (holderNotify.ts), null outside it. */
          notified: string | null;
        };
        events: { type: string; from?: string; value?: boolean; ok?: boolean };
        input: SrcuReaderInput;
      },
      guards: {
        ...HOLDER_NOTIFY_GUARDS,
        aliveTrue: ({ event }) => event.value === true,
        moreSections: ({ context }) => context.left > 1,
        /** A memory_failure() notifier: it came in through the pfn's pgmap. */
        hasPgmap: ({ context }) => context.pgmap !== null,
        pgmapFound: ({ event }) => event.ok === true,
        /** Alive, and this reader is dax_holder_notify_failure(): it goes on to the holder. */
        aliveForHolder: ({ context, event }) => event.value === true && context.use === 'holder',
      },
      actions: {
        ...holderNotifyActions('MF_ACTION_REQUIRED'),
        lock: call('dax_srcu', ({ context }) => context.srcu, { type: 'dax_read_lock' }),
        unlock: call('dax_srcu', ({ context }) => context.srcu, { type: 'dax_read_unlock' }),
        askAlive: call('dax_device', ({ context }) => context.dax, { type: 'dax_alive' }),
        useOps: call('dax_device', ({ context }) => context.dax, { type: 'dax_direct_access' }),
        nextSection: assign(({ context }) => ({ left: context.left - 1 })),
        getPgmap: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'get_dev_pagemap' }),
        // mutex_lock(&mf_mutex): a sleeping lock, so a step that cannot take it does not happen yet (rwsem.ts).
        lockMf: enqueueActions(({ context, enqueue }) => {
          if (context.mfMutex) enqueue(call('rwsem', context.mfMutex, { type: 'down_write' }));
        }),
        unlockMf: enqueueActions(({ context, enqueue }) => {
          if (context.mfMutex) enqueue(call('rwsem', context.mfMutex, { type: 'up_write' }));
        }),
        putPgmap: call('dev_pagemap', ({ context }) => context.pgmap, { type: 'put_dev_pagemap' }),
      },
    }).createMachine({
      id: 'srcu_reader',
      description: 'a dax_device reader: dax_read_lock, dax_alive, use ops/private, dax_read_unlock',
      meta: m('dax_read_lock', 'seed 002'),
      context: ({ input }) => ({
        dax: input.dax,
        srcu: input.srcu,
        left: input.sections ?? 1,
        use: input.use ?? 'ops',
        pgmap: input.pgmap ?? null,
        mfMutex: input.mfMutex ?? null,
        // Declared from the start: a reader that never notified and one that did are the same state once it is over.
        notified: null,
      }),
      initial: 'start',
      states: {
        start: {
          description: 'which reader this is (within the initial state)',
          always: [
            {
              guard: 'hasPgmap',
              target: 'pgmapLookup',
              description: 'memory_failure() starts from the pfn',
              meta: m('memory_failure', 'mm/memory-failure.c'),
            },
            { target: 'outside', description: 'a reader holding its own reference on the device', meta: m('dax_read_lock', 'seed 002') },
          ],
        },
        pgmapLookup: {
          description: 'memory_failure(pfn) on a ZONE_DEVICE pfn: about to look up its pgmap',
          on: {
            get_dev_pagemap: {
              target: 'pgmapWait',
              actions: ['lockMf', 'getPgmap'],
              description: 'memory_failure(): mutex_lock(&mf_mutex); memory_failure_dev_pagemap(): pgmap = get_dev_pagemap(pfn)',
              meta: m('memory_failure_dev_pagemap', 'mm/memory-failure.c', MEDIA_ERROR),
            },
          },
        },
        pgmapWait: {
          description: 'waiting for get_dev_pagemap() (within the same step)',
          on: {
            get_dev_pagemap: [
              {
                guard: 'pgmapFound',
                target: 'pgmapHeld',
                description: 'got a pgmap reference: pgmap->ops->memory_failure() -> pmem_pagemap_memory_failure()',
                meta: m('pmem_pagemap_memory_failure', 'drivers/nvdimm/pmem.c'),
              },
              {
                target: 'done',
                actions: 'unlockMf',
                description: 'no live pgmap: not a device page any more; mutex_unlock(&mf_mutex)',
                meta: m('memory_failure_dev_pagemap', 'mm/memory-failure.c'),
              },
            ],
          },
        },
        pgmapPut: {
          description: 'the notification is over; the pgmap reference is still held',
          on: {
            put_dev_pagemap: {
              target: 'done',
              actions: ['putPgmap', 'unlockMf'],
              description: 'put_dev_pagemap(pgmap); mutex_unlock(&mf_mutex)',
              meta: m('memory_failure_dev_pagemap', 'mm/memory-failure.c', READER_RUNS),
            },
          },
        },
        pgmapHeld: {
          description:
            'memory_failure() holds the pgmap reference (and mf_mutex): pmem_pagemap_memory_failure() calls dax_holder_notify_failure()',
          on: {
            dax_read_lock: {
              target: 'inside',
              actions: 'lock',
              // Not the caller's choice, as a fault's or an I/O's section is: memory_failure() runs on from get_dev_pagemap()
              // into the holder call (6.x mm/memory-failure.c memory_failure -> memory_failure_dev_pagemap -> pgmap->ops->
              // memory_failure -> pmem_pagemap_memory_failure -> dax_holder_notify_failure -> dax_read_lock).
              description: 'dax_holder_notify_failure(): id = dax_read_lock()',
              meta: m('dax_holder_notify_failure', 'drivers/dax/super.c', READER_RUNS),
            },
          },
        },
        outside: {
          description: 'outside any read-side section',
          on: {
            dax_read_lock: {
              target: 'inside',
              actions: 'lock',
              description: 'id = dax_read_lock()',
              meta: m('dax_read_lock', 'seed 002', READER_STARTS),
            },
          },
        },
        inside: {
          description: 'inside the SRCU read-side section, liveness not yet checked',
          on: {
            dax_alive: {
              target: 'checking',
              actions: 'askAlive',
              description: 'dax_alive(dax_dev) (lockdep: the read lock is held)',
              meta: m('dax_alive', 'seed 002', READER_RUNS),
            },
          },
        },
        checking: {
          description: 'waiting for dax_alive() to return (within the same step)',
          on: {
            dax_alive: [
              {
                guard: 'aliveForHolder',
                target: 'mf_notify',
                description: 'alive: dax_holder_notify_failure() goes on to the holder',
                meta: m('dax_holder_notify_failure', 'drivers/dax/super.c'),
              },
              {
                guard: 'aliveTrue',
                target: 'sawAlive',
                description: 'alive: the reader may use ops/private until it unlocks',
                meta: m('dax_alive', 'seed 002'),
              },
              { target: 'sawDead', description: 'not alive: -ENXIO, no use of ops', meta: m('dax_alive', 'seed 002') },
            ],
          },
        },
        sawAlive: {
          tags: ['saw-alive'],
          description: 'saw ALIVE inside this section: kill_dax must not tear down before it leaves',
          on: {
            dax_direct_access: {
              target: 'using',
              actions: 'useOps',
              description: 'dax_dev->ops->direct_access(): uses ops and private',
              meta: m('dax_direct_access', 'seed 002', READER_RUNS),
            },
          },
        },
        using: {
          tags: ['saw-alive'],
          description: 'waiting for the driver to return (within the same step)',
          on: {
            dax_direct_access: { target: 'used', description: 'the driver returned a kaddr/pfn', meta: m('dax_direct_access', 'seed 002') },
          },
        },
        used: {
          tags: ['saw-alive'],
          description: 'used ops/private, still inside the section',
          on: { dax_read_unlock: leave() },
        },
        ...tagged(
          holderNotifyStates('mf', {
            mf: 'MF_ACTION_REQUIRED',
            next: 'used',
            checkHolderData: false,
            src: 'mm/memory-failure.c, drivers/nvdimm/pmem.c',
          }),
        ),
        sawDead: {
          description: 'saw the device dead: leaves without using it',
          on: { dax_read_unlock: leave() },
        },
        done: { type: 'final', description: 'every section finished' },
      },
    }),
    'seed 002',
    READER_DOCS,
  );

  /** The notification runs inside the section, having seen ALIVE. */
  function tagged<S extends Record<string, object>>(states: S): { [K in keyof S]: S[K] & { readonly tags: readonly ['saw-alive'] } } {
    return Object.fromEntries(Object.entries(states).map(([k, v]) => [k, { ...v, tags: ['saw-alive'] }])) as {
      [K in keyof S]: S[K] & { readonly tags: readonly ['saw-alive'] };
    };
  }

  function leave() {
    return [
      {
        guard: 'moreSections',
        target: 'outside',
        actions: ['unlock', 'nextSection'],
        description: 'dax_read_unlock(id); another section follows, which must re-check dax_alive',
        meta: m('dax_read_unlock', 'seed 002', READER_RUNS),
      },
      {
        guard: 'hasPgmap',
        target: 'pgmapPut',
        actions: 'unlock',
        description: 'dax_read_unlock(id)',
        meta: m('dax_read_unlock', 'seed 002', READER_RUNS),
      },
      { target: 'done', actions: 'unlock', description: 'dax_read_unlock(id)', meta: m('dax_read_unlock', 'seed 002', READER_RUNS) },
    ] as const;
  }
});
