import type { Chart } from './chart.ts';

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
