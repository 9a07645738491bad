import { activePaths } from '../../model/chart.ts';
import { h } from './dom.ts';

/**
 * An actor's state as a kernel reader reads it: the active leaf states (`busy · mapped`) instead of a
 * state value object, and its context as a table of fields (changed ones marked) instead of JSON.
 */
export function stateText(value: unknown): string {
  const paths = activePaths(value);
  const leaves = paths.filter((p) => !paths.some((q) => q.startsWith(`${p}.`)));
  return leaves.join(' · ') || '(none)';
}

/** A field's value: NULL for null, lists and records spelled out one level deep. */
function fieldText(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length ? v.map(fieldText).join(', ') : '(empty)';
  if (typeof v === 'object') {
    const e = Object.entries(v as Record<string, unknown>);
    return e.length
      ? e.map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? JSON.stringify(x) : fieldText(x)}`).join('; ')
      : '(empty)';
  }
  return String(v);
}

export function actorStateTable(context: unknown, before?: unknown): HTMLElement {
  if (!context || typeof context !== 'object' || Object.keys(context).length === 0) return h('span', {});
  const was = before && typeof before === 'object' ? (before as Record<string, unknown>) : undefined;
  return h(
    'table',
    { class: 'ctx' },
    h(
      'tbody',
      {},
      Object.entries(context as Record<string, unknown>).map(([k, v]) => {
        const changed = was !== undefined && JSON.stringify(was[k]) !== JSON.stringify(v);
        return h('tr', { class: changed ? 'changed' : '' }, h('th', {}, k), h('td', {}, fieldText(v)));
      }),
    ),
  );
}
