/**
 * Export of a chart as W3C SCXML, with guards as named `cond` expressions and daxspec's kernel function,
 * source and description in attributes of its own namespace.
 */
import type { Chart, ChartState, ChartTransition } from '../model/chart.ts';
import { htmlText } from './escape.ts';

/** The namespace of daxspec's own attributes (kernel function, source, description) in SCXML. */
export const DAX_NS = 'https://daxspec.dev/scxml';

/**
 * A Chart as SCXML (W3C Recommendation, 1 September 2015): <scxml>, <state>, <parallel>, <final>,
 * <history>, <transition event cond target type>, <datamodel>. Guards become `cond` expressions of the
 * ECMAScript data model, naming the guard; the kernel function, source and description ride in
 * attributes of a foreign namespace, which SCXML processors ignore. XState's `done.state` events are
 * SCXML's own `done.state.ID`.
 */
export function chartToScxml(chart: Chart): string {
  const { states, transitions } = chart;
  const ids = new Map<number, string>();
  const used = new Set<string>();
  // SCXML ids are xsd:ID (NCName): letters, digits, `.`, `-`, `_`, not starting with a digit.
  for (const s of states) {
    let id = s.id.replace(/[^A-Za-z0-9._-]/g, '_');
    if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
    while (used.has(id)) id += '_';
    used.add(id);
    ids.set(s.index, id);
  }
  const a = (x: string): string => htmlText(x).replace(/\n/g, '&#10;');
  const daxAttrs = (x: { fn?: string; src?: string; description?: string }): string =>
    (x.fn ? ` dax:fn="${a(x.fn)}"` : '') +
    (x.src ? ` dax:src="${a(x.src)}"` : '') +
    (x.description ? ` dax:description="${a(x.description)}"` : '');
  const inside = (s: number, ancestor: number): boolean => {
    for (let x: number | undefined = s; x !== undefined; x = states[x].parent) if (x === ancestor) return true;
    return false;
  };
  const eventName = (e: string): string =>
    e.startsWith('xstate.done.state.')
      ? `done.state.${ids.get(states.find((s) => s.id === e.slice(18))?.index ?? -1) ?? e.slice(18)}`
      : e === '*'
        ? '*'
        : e;
  // A named guard is an identifier of the data model (exportMachine refuses a machine with an unnamed one).
  const condOf = (g: string): string => g;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const transition = (t: ChartTransition, pad: string): string => {
    const attrs: string[] = [];
    if (t.event) attrs.push(`event="${a(eventName(t.event))}"`);
    if (t.guard) attrs.push(`cond="${a(condOf(t.guard))}"`);
    if (t.targets.length) attrs.push(`target="${t.targets.map((i) => ids.get(i)).join(' ')}"`);
    if (t.targets.length && !t.reenter && t.targets.every((i) => inside(i, t.source) && i !== t.source)) attrs.push('type="internal"');
    return `${pad}<transition ${attrs.join(' ')}${daxAttrs(t)}/>`;
  };
  const emit = (s: ChartState, depth: number): void => {
    const pad = '  '.repeat(depth);
    const own = transitions.filter((t) => t.source === s.index);
    const tag = s.type === 'parallel' ? 'parallel' : s.type === 'final' ? 'final' : s.type === 'history' ? 'history' : 'state';
    const attrs = [`id="${ids.get(s.index)}"`];
    if (s.type === 'history') attrs.push(`type="${s.history ?? 'shallow'}"`);
    if (s.type === 'compound' && s.initial.length) attrs.push(`initial="${s.initial.map((i) => ids.get(i)).join(' ')}"`);
    const body = own.map((t) => transition(t, `${pad}  `));
    // A <history> needs one transition naming its default: the parent's initial state(s).
    const parentInitial = s.parent === undefined ? [] : states[s.parent].initial;
    if (s.type === 'history' && parentInitial.length)
      body.push(`${pad}  <transition target="${parentInitial.map((i) => ids.get(i)).join(' ')}"/>`);
    const open = `${pad}<${tag} ${attrs.join(' ')}${daxAttrs(s)}`;
    if (!body.length && !s.children.length) {
      out.push(`${open}/>`);
      return;
    }
    out.push(`${open}>`);
    out.push(...body);
    for (const c of s.children) emit(states[c], depth + 1);
    out.push(`${pad}</${tag}>`);
  };
  const root = states[0];
  // <scxml> cannot hold transitions: a machine with machine-level ones gets its root as a <state>.
  // A parallel machine keeps its root as a <parallel>: as siblings, an interpreter would enter one region only.
  const wrap = transitions.some((x) => x.source === 0) || root.type === 'parallel';
  const top = wrap ? [0] : root.initial;
  const initial = top.length ? ` initial="${top.map((i) => ids.get(i)).join(' ')}"` : '';
  out.push(
    `<scxml xmlns="http://www.w3.org/2005/07/scxml" xmlns:dax="${DAX_NS}" version="1.0" name="${a(chart.id)}" datamodel="ecmascript"${initial}${daxAttrs(chart)}>`,
  );
  if (chart.context !== undefined)
    out.push(`  <datamodel>`, `    <data id="context" expr="${a(JSON.stringify(chart.context))}"/>`, `  </datamodel>`);
  if (wrap) emit({ ...root, type: root.type === 'parallel' ? 'parallel' : 'compound' }, 1);
  else for (const c of root.children) emit(states[c], 1);
  out.push('</scxml>');
  return out.join('\n') + '\n';
}
