import { canonicalJson } from '../compose/events.ts';
import { InputError, ModelError } from '../compose/errors.ts';
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
 * Symmetry reduction between interchangeable actors (percpu_ref's users, the pinners of one page).
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
  /** Per actor: the names no state of it may record (every group member's), and the states checked so far. */
  private readonly forbidden: ReadonlySet<string>[] = [];
  private readonly checked: Uint8Array[] = [];

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
        // The same machine object: two built apart may differ in what their closures hold, which no comparison sees.
        if (other.machine !== first.machine)
          throw new ModelError(
            `actors ${first.name} and ${other.name} are declared symmetric but differ in machine: interchangeable actors share one machine object (create it once and give it to both)`,
          );
        if (canonicalJson(other.input ?? null) !== canonicalJson(first.input ?? null))
          throw new ModelError(
            `actors ${first.name} and ${other.name} are declared symmetric but differ in input: interchangeable actors have equal inputs`,
          );
      }
      this.shapeIds.push(new Map());
      for (const a of g) this.groupOf[a] = gi;
    });
    // A member's own name counts too: its state moved to another member would record a name that is not its own.
    const members: ReadonlySet<string> = new Set(this.groups.flat().map((m) => system.names[m]));
    for (let a = 0; a < system.width; a++) {
      this.shapeOfState.push([]);
      this.stateOfShape.push([]);
      this.forbidden.push(members);
      this.checked.push(new Uint8Array(0));
    }
  }

  /**
   * Refuses the reduction at the first state met in which an actor records a group member's name (its own too): a
   * permutation of the members' states does not rename what others hold, so the representative is no real state, and
   * its successors can go on for ever (pmem-remove-pinned at v6.15 with two pinners grew past 25M states, depth
   * 10,000, where the whole graph has 19,753). Each actor state is looked at once.
   */
  private checkNames(vec: Int32Array): void {
    for (let a = 0; a < vec.length; a++) {
      const id = vec[a];
      let seen = this.checked[a];
      if (id < seen.length && seen[id] === 1) continue;
      if (id >= seen.length) {
        const grown = new Uint8Array(Math.max(64, 2 * id + 2));
        grown.set(seen);
        this.checked[a] = seen = grown;
      }
      seen[id] = 1;
      const forbidden = this.forbidden[a];
      if (forbidden.size === 0) continue;
      const where = recorded(this.system.actors[a].snapshot(id).context, forbidden, 'context');
      // A string is taken for the name it spells: one that only happens to (a mode called like an actor) is told how to part them.
      if (where !== undefined)
        throw notInterchangeable(
          `${this.system.names[a]} records ${where.name} in ${where.path}; if that string is not the actor ${where.name}, give the actor another name`,
        );
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
    this.checkNames(vec);
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

/** Where in `value` (a context: plain data) one of `names` is held, as a string of its own; undefined when none is. */
function recorded(value: unknown, names: ReadonlySet<string>, path: string): { name: string; path: string } | undefined {
  if (typeof value === 'string') return names.has(value) ? { name: value, path } : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const r = recorded(value[i], names, `${path}[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (names.has(k)) return { name: k, path: `${path} (a key)` };
      const r = recorded(v, names, `${path}.${k}`);
      if (r) return r;
    }
  }
  return undefined;
}

/**
 * The refusal: the actors declared symmetric are not interchangeable, with what showed it when something did (a
 * state that records a member by name), or none (a representative path with no real counterpart, trace.ts).
 */
export function notInterchangeable(why?: string): InputError {
  return new InputError(
    'symmetry-not-interchangeable',
    why === undefined ? {} : { why },
    `the actors declared symmetric are not interchangeable in this system (${why ?? 'does another actor record their names?'})`,
  );
}
