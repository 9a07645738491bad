/**
 * What the scenarios reached of each machine (states rested in, transitions taken), gathered from their send
 * graphs, and what was never reached: the viewer greys it and the docs mark it, from the same computation.
 */
import type { System } from '../compose/system.ts';
import type { Chart } from './chart.ts';
import { exploreSends, type SendGraph } from './sends.ts';

/** What some scenario reached of a machine: state paths it rested in and transition ids it took. */
export interface ReachedSet {
  readonly states: readonly string[];
  readonly transitions: readonly string[];
}

/**
 * The states and transitions (chart indices) of `chart` that no scenario reached. A state is reached
 * when an actor rested in it, or a taken transition left or entered it (a state an eventless
 * transition passes straight through is never a snapshot's), or a reached state is inside it.
 * The site greys these and the docs mark them; both call this, so they agree.
 */
export function unreachedOf(chart: Chart, reached: ReachedSet): { states: Set<number>; transitions: Set<number> } {
  const ids = new Set(reached.transitions);
  const paths = new Set(reached.states);
  const live = new Set<number>(chart.states.filter((s) => paths.has(s.path)).map((s) => s.index));
  const transitions = new Set<number>();
  for (const t of chart.transitions) {
    if (!ids.has(t.id)) {
      transitions.add(t.index);
      continue;
    }
    live.add(t.source);
    for (const x of t.targets) live.add(x);
  }
  for (const i of [...live]) for (let p = chart.states[i].parent; p !== undefined; p = chart.states[p].parent) live.add(p);
  // A target state entered by a taken transition also enters its initial children, down to a leaf.
  const enter = (i: number): void => {
    for (const c of chart.states[i].type === 'parallel' ? chart.states[i].children : chart.states[i].initial) {
      if (!live.has(c)) {
        live.add(c);
        enter(c);
      }
    }
  };
  for (const i of [...live]) enter(i);
  return { states: new Set(chart.states.filter((s) => s.index > 0 && !live.has(s.index)).map((s) => s.index)), transitions };
}

/** What one revision's scenarios reached of one machine, and whether every walk was complete. */
export interface Reach extends ReachedSet {
  readonly complete: boolean;
}

/**
 * Reachability per revision and machine id, gathered over the systems checked: each system's
 * reachable states are walked once more (its actor tables are warm, so no XState code runs) and every
 * state its actors rest in and every transition they take is recorded. The site and the docs both
 * gather it here; `unreachedOf` then says what to grey.
 */
export class Reachability {
  private readonly byRevision = new Map<string, Map<string, { states: Set<string>; transitions: Set<string>; complete: boolean }>>();

  /** Adds a checked system; `complete` is whether its check explored every state. */
  add(revision: string, system: System, complete: boolean, maxStates = 100_000): SendGraph {
    const sends = exploreSends(system, maxStates);
    this.addWalk(revision, system, sends, complete);
    return sends;
  }

  /** Adds a walk already made (the site makes one for its system views). */
  addWalk(revision: string, system: System, sends: SendGraph, complete: boolean): void {
    const byId = this.byRevision.get(revision) ?? this.byRevision.set(revision, new Map()).get(revision)!;
    system.actors.forEach((t) => {
      const r =
        byId.get(t.machine.id) ?? byId.set(t.machine.id, { states: new Set(), transitions: new Set(), complete: true }).get(t.machine.id)!;
      for (const x of sends.reached[t.name].states) r.states.add(x);
      for (const x of sends.reached[t.name].transitions) r.transitions.add(x);
      if (!sends.complete || !complete) r.complete = false;
    });
  }

  of(revision: string, machineId: string): Reach | undefined {
    const r = this.byRevision.get(revision)?.get(machineId);
    return r && { states: [...r.states].sort(), transitions: [...r.transitions].sort(), complete: r.complete };
  }

  /** Every revision's reach, as plain data (the site's `reach`). */
  toJSON(): Record<string, Record<string, Reach>> {
    return Object.fromEntries(
      [...this.byRevision.keys()].map((rev) => [
        rev,
        Object.fromEntries([...this.byRevision.get(rev)!.keys()].map((id) => [id, this.of(rev, id)!])),
      ]),
    );
  }
}
