/**
 * The premise check: whether each invariant's declared premise held in some explored state, so an
 * invariant that holds only because its premise was never reached is reported as vacuous; and what it
 * remembers, for checkpoints.
 */
import { ModelError } from '../compose/errors.ts';
import type { System } from '../compose/system.ts';
import type { ActorView, SystemView } from '../../machines/kit/types.ts';

/** What the premise check remembers between states: which premises were reached and what each read. */
export interface PremiseMemory {
  readonly reached: readonly number[];
  readonly reads: readonly number[];
}

/**
 * Whether each invariant's declared premise (what it is about: "a final put happened") held in
 * some reachable state: an invariant whose premise was never reached holds vacuously, and the
 * report says so. A premise, once reached, is never evaluated again; until then it is evaluated
 * only on a state that differs from its parent in an actor it has read (the argument of
 * InvariantCheck: a premise is a pure function of the views it reads).
 */
export class PremiseCheck {
  /** Per invariant: -1 no premise declared, 0 not reached yet, 1 reached. */
  readonly reached: Int8Array;
  private readonly reads: Uint8Array;
  private readonly width: number;
  private state: Int32Array;
  private reading = 0;
  private readonly view: SystemView;
  private pending: number;

  /** `reads`: shared with other threads' checks, as InvariantCheck's. */
  constructor(
    private readonly system: System,
    reads?: Uint8Array,
  ) {
    const invs = system.invariants;
    this.width = system.width;
    this.reached = Int8Array.from(invs.map((i) => (i.premise ? 0 : -1)));
    this.pending = invs.filter((i) => i.premise).length;
    this.reads = reads ?? new Uint8Array(invs.length * this.width);
    this.state = system.initial;
    const { index, actors } = system;
    this.view = (name: string): ActorView => {
      const i = index.get(name);
      if (i === undefined) throw new ModelError(`a premise reads actor '${name}', which is not in the system`);
      this.reads[this.reading + i] = 1;
      return actors[i].view(this.state[i]);
    };
  }

  get active(): boolean {
    return this.pending > 0;
  }

  all(state: Int32Array): void {
    for (let k = 0; k < this.reached.length; k++) if (this.reached[k] === 0) this.evaluate(k, state);
  }

  child(parent: Int32Array, child: Int32Array): void {
    if (this.pending === 0) return;
    const w = this.width;
    for (let k = 0; k < this.reached.length; k++) {
      if (this.reached[k] !== 0) continue;
      const base = k * w;
      for (let a = 0; a < w; a++) {
        if (parent[a] !== child[a] && this.reads[base + a] !== 0) {
          this.evaluate(k, child);
          break;
        }
      }
    }
  }

  save(): PremiseMemory {
    return { reached: [...this.reached], reads: [...this.reads] };
  }

  restore(m: PremiseMemory): void {
    this.reached.set(m.reached);
    this.reads.set(m.reads);
    this.pending = [...this.reached].filter((r) => r === 0).length;
  }

  /** Takes in another thread's premises reached (a parallel run's check is the union of its threads'). */
  merge(reached: Int8Array): void {
    for (let k = 0; k < reached.length; k++) {
      if (reached[k] === 1 && this.reached[k] === 0) {
        this.reached[k] = 1;
        this.pending--;
      }
    }
  }

  /** Per invariant with a premise: whether it was reached. */
  report(): { id: string; premise: string; reached: boolean }[] {
    return this.system.invariants.flatMap((inv, k) =>
      inv.premise ? [{ id: inv.id, premise: inv.premise.text, reached: this.reached[k] === 1 }] : [],
    );
  }

  private evaluate(k: number, state: Int32Array): void {
    this.state = state;
    this.reading = k * this.width;
    if (this.system.invariants[k].premise!.holds(this.view)) {
      this.reached[k] = 1;
      this.pending--;
    }
  }
}
