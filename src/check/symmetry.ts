import { canonicalJson } from '../compose/events.ts';
import { ModelError } from '../compose/errors.ts';
import type { System } from '../compose/system.ts';

/**
 * The shapes met so far, in the order they were met (a state's representative sorts by shape id, so a
 * resumed run must number shapes as the run it continues did), and each actor's state for each shape.
 */
export interface SymmetryMemory {
  readonly shapes: readonly (readonly string[])[];
  readonly stateOfShape: readonly (readonly (number | null)[])[];
}

/**
 * Symmetry reduction between interchangeable actors (pages, readers, users).
 * A state is replaced by the representative of its orbit: within each group the
 * actors' snapshots are sorted by shape. Sound only when the members are
 * interchangeable: same machine, same input, and no actor records their names
 * in its context (the scenario author declares such groups in SystemDecl.symmetric).
 */
export class Symmetry {
  readonly groups: number[][];
  /** Per group: snapshot key -> shape id. */
  private readonly shapeIds: Map<string, number>[] = [];
  /** Per actor: state id -> shape id (-1 unknown). */
  private readonly shapeOfState: number[][] = [];
  /** Per actor: shape id -> state id in that actor's table. */
  private readonly stateOfShape: number[][] = [];
  private readonly groupOf: number[] = [];
  private readonly scratch: number[] = [];

  constructor(private readonly system: System) {
    this.groups = (system.decl.symmetric ?? []).map((names) =>
      names.map((n) => {
        const i = system.index.get(n);
        if (i === undefined) throw new ModelError(`symmetric group names actor '${n}', which is not in the system`);
        return i;
      }),
    );
    this.groups.forEach((g, gi) => {
      const [first, ...rest] = g.map((a) => system.decl.actors[a]);
      for (const other of rest) {
        if (other.machine !== first.machine || canonicalJson(other.input ?? null) !== canonicalJson(first.input ?? null)) {
          throw new ModelError(`actors ${first.name} and ${other.name} are declared symmetric but differ in machine or input`);
        }
      }
      this.shapeIds.push(new Map());
      for (const a of g) this.groupOf[a] = gi;
    });
    for (let a = 0; a < system.width; a++) {
      this.shapeOfState.push([]);
      this.stateOfShape.push([]);
    }
  }

  get active(): boolean {
    return this.groups.some((g) => g.length > 1);
  }

  private shape(actor: number, state: number): number {
    const s = this.shapeOfState[actor][state];
    if (s === undefined) {
      const ids = this.shapeIds[this.groupOf[actor]];
      const key = this.system.actors[actor].keyOf(state);
      const known = ids.get(key);
      const shape = known ?? ids.size;
      if (known === undefined) ids.set(key, shape);
      this.shapeOfState[actor][state] = shape;
      this.stateOfShape[actor][shape] ??= state;
      return shape;
    }
    return s;
  }

  private stateFor(actor: number, shape: number, donor: number, donorState: number): number {
    let id = this.stateOfShape[actor][shape];
    if (id === undefined) {
      id = this.system.actors[actor].adopt(this.system.actors[donor].snapshot(donorState));
      this.stateOfShape[actor][shape] = id;
      this.shapeOfState[actor][id] = shape;
    }
    return id;
  }

  save(): SymmetryMemory {
    return {
      shapes: this.shapeIds.map((ids) => [...ids.keys()]),
      stateOfShape: this.stateOfShape.map((a) => Array.from(a, (id) => id ?? null)),
    };
  }

  restore(m: SymmetryMemory): void {
    m.shapes.forEach((keys, g) => keys.forEach((k, shape) => this.shapeIds[g].set(k, shape)));
    m.stateOfShape.forEach((ids, a) =>
      ids.forEach((id, shape) => {
        if (id === null) return;
        this.stateOfShape[a][shape] = id;
        this.shapeOfState[a][id] = shape;
      }),
    );
  }

  /** Rewrites `vec` in place to its orbit's representative. */
  canonicalize(vec: Int32Array): void {
    for (const g of this.groups) {
      const k = g.length;
      let sorted = true;
      let prev = -1;
      for (let i = 0; i < k; i++) {
        const s = this.shape(g[i], vec[g[i]]);
        if (s < prev) sorted = false;
        prev = s;
      }
      if (sorted) continue;
      // (shape, donor actor, donor state) triples, sorted by shape.
      const t = this.scratch;
      t.length = 0;
      for (let i = 0; i < k; i++) t.push(this.shape(g[i], vec[g[i]]), g[i], vec[g[i]]);
      const order = [...Array(k).keys()].sort((x, y) => t[3 * x] - t[3 * y]);
      for (let i = 0; i < k; i++) {
        const j = order[i];
        vec[g[i]] = this.stateFor(g[i], t[3 * j], t[3 * j + 1], t[3 * j + 2]);
      }
    }
  }
}
