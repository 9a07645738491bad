import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { ModelError } from '../compose/errors.ts';
import type { System } from '../compose/system.ts';

/**
 * Fairness: which steps a behaviour may not neglect for ever. Owns how a transition's
 * `meta.fairness` is read, the defaults by actor kind, and the grouping of steps into fair
 * actions ("classes"), each weakly or strongly fair.
 *
 * - `meta: { fairness: 'weak' | 'strong', why }` on a transition makes the steps that take it one
 *   fair action of their actor, named `actor.event` (a DMA completes: the unpin is weakly fair).
 * - `meta: { fairness: 'none', why }`: never assumed (what a user process chooses to do: mmap,
 *   fault, munmap, exit, a second pin).
 * - no `fairness` in meta: a code path's (`kind: 'path'`) step is part of the weakly fair action
 *   `actor` made of all such steps of that actor (running kernel code keeps running, but which
 *   of its branches it takes is not assumed); an object's step is not fair (objects react to calls).
 *
 * Modes: `declared` (the above), `none` (no fairness at all: any behaviour may stop anywhere, as
 * a TLA+ spec without fairness conjuncts), `next` (one weakly fair action made of every step:
 * TLA+'s WF_vars(Next)).
 */
export type FairnessKind = 'weak' | 'strong';
export const FAIRNESS_MODES: readonly FairnessMode[] = ['declared', 'none', 'next'];
export type FairnessMode = 'declared' | 'none' | 'next';

/** What a transition's `meta` may say about fairness. */
export interface FairnessMeta {
  readonly fairness?: FairnessKind | 'none';
  /** Why, in kernel terms: the docs print it. */
  readonly why?: string;
}

/** One fair action: a set of steps of which a fair behaviour takes one whenever it must. */
export interface FairClass {
  readonly name: string;
  readonly kind: FairnessKind;
  /** Where the declaration came from, for the report: the meta's `why`, or the default's reason. */
  readonly why: string;
}

export const DEFAULT_PATH_REASON = 'a running kernel code path keeps running (default for code paths)';

/** No fair action: the step may be neglected for ever. */
export const UNFAIR = -1;

export class Fairness {
  readonly classes: FairClass[] = [];
  private readonly byName = new Map<string, number>();
  /** memo[a][snapshot id]: the class of each offer of actor a in that state. */
  private readonly memo: (Int32Array | undefined)[][];

  constructor(
    private readonly system: System,
    readonly mode: FairnessMode = 'declared',
  ) {
    this.memo = system.actors.map(() => []);
    if (mode === 'next') this.intern('Next', 'weak', 'every step (WF_vars(Next))');
  }

  /** The fair class of offer `o` of actor `a` in its state `id`, or UNFAIR. */
  classOf(a: number, id: number, o: number): number {
    return this.offerClasses(a, id)[o];
  }

  /** The class of each offer of actor `a` in state `id` (UNFAIR where none), numbering new classes as met. */
  offerClasses(a: number, id: number): Int32Array {
    const perActor = this.memo[a];
    return (perActor[id] ??= this.compute(a, id));
  }

  get count(): number {
    return this.classes.length;
  }

  private compute(a: number, id: number): Int32Array {
    const table = this.system.actors[a];
    const offers = table.offers(id);
    const out = new Int32Array(offers.length).fill(UNFAIR);
    if (this.mode === 'none') return out;
    if (this.mode === 'next') return out.fill(0);
    const snapshot = table.snapshot(id) as AnyMachineSnapshot;
    offers.forEach((d, o) => {
      const event = this.system.events.get(d.event) as EventObject;
      const taken = table.machine.getTransitionData(snapshot as never, event as never) as { meta?: unknown; eventType: string }[];
      const meta = (taken[0]?.meta ?? {}) as FairnessMeta;
      const kind = meta.fairness;
      if (kind !== undefined && kind !== 'none' && kind !== 'weak' && kind !== 'strong') {
        throw new ModelError(
          `actor ${table.name}: transition ${event.type} has meta.fairness '${String(kind)}'; use 'weak', 'strong' or 'none'`,
        );
      }
      if (kind === 'none') return;
      if (kind === 'weak' || kind === 'strong') {
        if (!meta.why)
          throw new ModelError(
            `actor ${table.name}: transition ${event.type} is declared ${kind}ly fair without meta.why (say why in kernel terms)`,
          );
        out[o] = this.intern(`${table.name}.${event.type}`, kind, meta.why);
        return;
      }
      if (table.decl.kind === 'path') out[o] = this.intern(table.name, 'weak', DEFAULT_PATH_REASON);
    });
    return out;
  }

  private intern(name: string, kind: FairnessKind, why: string): number {
    const key = `${name}/${kind}`;
    let c = this.byName.get(key);
    if (c === undefined) {
      c = this.classes.length;
      this.classes.push({ name, kind, why });
      this.byName.set(key, c);
    }
    return c;
  }
}
