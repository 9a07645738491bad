/**
 * The check that a machine names all its guards and actions before it is exported: an inline one would
 * export as a name no reader can run, so the exported machine would not be the same machine.
 */
import { ModelError } from '../compose/errors.ts';
import type { Chart } from '../model/chart.ts';

/** A guard or action written inline (a function, or `sendTo(...)`/`assign(...)` in the config): it has no name. */
export interface Unnamed {
  readonly transition: number;
  readonly what: 'guard' | 'action';
  readonly text: string;
}

const inlineAction = (a: string): boolean => a.startsWith('inline:') || a.startsWith('xstate.');

/** Every inline guard and action of a chart, in transition order. */
export function unnamedParts(chart: Chart): Unnamed[] {
  const out: Unnamed[] = [];
  for (const t of chart.transitions) {
    if (t.guard?.includes('inline guard')) out.push({ transition: t.index, what: 'guard', text: t.guard });
    for (const a of t.actions) if (inlineAction(a)) out.push({ transition: t.index, what: 'action', text: a });
  }
  return out;
}

/**
 * Refuses a machine whose guards or actions are not all named: an export would have to write
 * 'inline guard' or 'xstate.sendTo', which no reader can run or check, so `createMachine(json)
 * .provide(machine.implementations)` would not be the same machine. Names the first few.
 */
export function assertNamed(chart: Chart, format: string): void {
  const parts = unnamedParts(chart);
  if (!parts.length) return;
  const where = (u: Unnamed): string => {
    const t = chart.transitions[u.transition];
    return `${u.what === 'guard' ? 'an inline guard' : `an inline action (${u.text})`} on ${t.event || 'always'} in ${chart.states[t.source].id}`;
  };
  const shown = parts.slice(0, 3).map(where).join('; ');
  throw new ModelError(
    `machine ${chart.id} cannot be exported as ${format}: ${parts.length} guard${parts.length === 1 ? '' : 's'} or action${parts.length === 1 ? '' : 's'} ${parts.length === 1 ? 'has' : 'have'} no name (${shown}${parts.length > 3 ? '; …' : ''}); name ${parts.length === 1 ? 'it' : 'them'} in setup()`,
  );
}
