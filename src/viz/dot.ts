/**
 * A chart as Graphviz DOT, with the ids the viewer uses to light states and transitions.
 */
import type { Chart, ChartState, ChartTransition } from '../model/chart.ts';
import { dotString, htmlText } from './escape.ts';
import { transitionLabel, wrap } from '../model/labels.ts';

/**
 * A Chart as a Graphviz digraph for the `dot` layout engine. Compound and parallel states are clusters
 * (parallel ones dashed, their regions clusters inside), initial states a dot with an arrow, finals a
 * double border, history states H or H*. Every state carries the class `state sN` and every transition
 * the class `transition tN` (N its index in the Chart), so the site finds them in the SVG by class:
 * no text from the machine ever becomes an id or a selector.
 */

/** Colours by tag: what the checker treats specially is visible at a glance. */
const FILL: Record<string, [fill: string, border: string]> = {
  violation: ['#fde2e1', '#c0392b'],
  warn: ['#fff1d6', '#c27c0e'],
  waiting: ['#e6f0ff', '#2f6fd0'],
};
const PLAIN: [string, string] = ['#ffffff', '#556270'];
const FONT = 'Helvetica';

export interface DotOptions {
  /** Left to right (default) reads like a protocol; top to bottom suits tall machines. */
  readonly rankdir?: 'LR' | 'TB';
}

const node = (s: ChartState): string => `s${s.index}`;
const cluster = (s: ChartState): string => `cluster_s${s.index}`;
const isCluster = (s: ChartState): boolean => (s.type === 'compound' || s.type === 'parallel') && s.children.length > 0;

function colours(s: ChartState): [string, string] {
  for (const tag of ['violation', 'warn', 'waiting']) if (s.tags.includes(tag)) return FILL[tag];
  return PLAIN;
}

/** What a hover shows on a state or transition that has no richer viewer (the native SVG tooltip). */
export function tooltipOf(x: { fn?: string; description?: string; src?: string }): string {
  return [x.fn && `${x.fn}()`, x.description, x.src && `[${x.src}]`].filter(Boolean).join('\n');
}

export function chartToDot(chart: Chart, options: DotOptions = {}): string {
  const { states, transitions } = chart;
  const out: string[] = [];
  const put = (depth: number, line: string): void => void out.push('  '.repeat(depth) + line);
  const inside = (s: number, ancestor: number): boolean => {
    for (let x: number | undefined = s; x !== undefined; x = states[x].parent) if (x === ancestor) return true;
    return false;
  };
  // A cluster has no node of its own to end an edge at; edges use a node inside it and clip at its border.
  const anchor = (s: ChartState): string => {
    if (!isCluster(s)) return node(s);
    if (s.type === 'compound' && s.initial.length) return `i${s.index}`;
    return anchor(states[s.children[0]]);
  };

  put(0, `digraph ${dotString(chart.id)} {`);
  put(
    1,
    `graph [rankdir=${options.rankdir ?? 'LR'}, compound=true, fontname="${FONT}", fontsize=12, nodesep=0.35, ranksep=0.45, pad=0.2, bgcolor="transparent", newrank=true];`,
  );
  put(1, `node [fontname="${FONT}", fontsize=12, shape=box, style="rounded,filled", penwidth=1.3, margin="0.14,0.06"];`);
  put(1, `edge [fontname="${FONT}", fontsize=10, color="#7a8794", fontcolor="#2c3e50", arrowsize=0.7, penwidth=1.1];`);

  // Transitions that stay in their state are listed inside it, as UML statecharts draw internal
  // transitions: a stack of self-loops would bury the diagram (dax_device has a dozen per state).
  const internal = new Map<number, ChartTransition[]>();
  for (const t of transitions) if (t.targets.length === 0) internal.set(t.source, [...(internal.get(t.source) ?? []), t]);
  const attr = (x: string): string => htmlText(x).replace(/\n/g, '&#10;');
  const rows = (s: ChartState): string => {
    const list = internal.get(s.index) ?? [];
    if (!list.length) return '';
    const row = (t: ChartTransition): string =>
      `<TR><TD ID="tr_t${t.index}" TOOLTIP="${attr(tooltipOf(t) || t.event)}" ALIGN="LEFT" CELLPADDING="2"><FONT POINT-SIZE="9.5" COLOR="#34495e">${htmlText(transitionLabel(t).replace(/\n/g, ' '))}</FONT></TD></TR>`;
    return '<HR/>' + list.map(row).join('');
  };

  const emit = (s: ChartState, depth: number): void => {
    const tip = dotString(tooltipOf(s) || s.key);
    const [fill, border] = colours(s);
    if (isCluster(s)) {
      // Regions of a parallel state are split by dashed borders, as UML draws orthogonal regions.
      const region = s.parent !== undefined && states[s.parent].type === 'parallel';
      const dashed = s.type === 'parallel' || region ? ',dashed' : '';
      const head = `<B>${htmlText(s.key)}</B>${s.type === 'parallel' ? ' <FONT POINT-SIZE="9">(parallel)</FONT>' : ''}`;
      const label = `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" COLOR="${border}"><TR><TD ALIGN="LEFT">${head}</TD></TR>${rows(s)}</TABLE>>`;
      put(depth, `subgraph ${cluster(s)} {`);
      put(
        depth + 1,
        `graph [label=${label}, class="state s${s.index}", tooltip=${tip}, style="rounded,filled${dashed}", fillcolor="${fill === PLAIN[0] ? '#f7f9fb' : fill}", color="${border}", labeljust=l, margin=12];`,
      );
      if (s.type === 'compound' && s.initial.length) {
        put(depth + 1, `i${s.index} [shape=point, width=0.11, class="initial", style=filled, color="#2c3e50", label=""];`);
      }
      for (const c of s.children) emit(states[c], depth + 1);
      put(depth, '}');
      return;
    }
    if (s.type === 'history') {
      put(
        depth,
        `${node(s)} [shape=circle, width=0.3, fixedsize=true, style=filled, class="state s${s.index}", label=${dotString(s.history === 'deep' ? 'H*' : 'H')}, tooltip=${tip}, fillcolor="#ffffff", color="${PLAIN[1]}"];`,
      );
      return;
    }
    const cond = s.condition
      ? `<BR/><FONT POINT-SIZE="9" COLOR="#5d6d7e">${htmlText(wrap(s.condition, 30)).replace(/\n/g, '<BR/>')}</FONT>`
      : '';
    const body = `<TR><TD CELLPADDING="4"><B>${htmlText(s.key)}</B>${cond}</TD></TR>${rows(s)}`;
    // A final state has a double border, as UML draws it: a rounded table inside another.
    const table =
      s.type === 'final'
        ? `<TABLE BORDER="1" STYLE="rounded" CELLBORDER="0" CELLSPACING="2" CELLPADDING="0" BGCOLOR="${fill}" COLOR="${border}"><TR><TD><TABLE BORDER="1" STYLE="rounded" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" COLOR="${border}">${body}</TABLE></TD></TR></TABLE>`
        : `<TABLE BORDER="1" STYLE="rounded" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="${fill}" COLOR="${border}">${body}</TABLE>`;
    put(depth, `${node(s)} [shape=plain, label=<${table}>, class="state s${s.index}", tooltip=${tip}];`);
  };

  const root = states[0];
  if (root.initial.length) put(1, `i0 [shape=point, width=0.12, class="initial", style=filled, color="#2c3e50", label=""];`);
  if (root.type === 'parallel' && root.children.length > 1) {
    // A parallel machine: its regions all run at once, inside one dashed box that says so.
    put(1, 'subgraph cluster_root {');
    put(
      2,
      `graph [label=<<B>${htmlText(chart.id)}</B> <FONT POINT-SIZE="9">(parallel: every region is active at once)</FONT>>, class="parallel-root", style="rounded,dashed", color="#556270", labeljust=l, margin=10];`,
    );
    for (const c of root.children) emit(states[c], 2);
    put(1, '}');
  } else for (const c of root.children) emit(states[c], 1);
  if (transitions.some((t) => t.source === 0)) {
    put(
      1,
      `s0 [shape=plain, label=<<TABLE BORDER="1" STYLE="rounded,dashed" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" BGCOLOR="#ffffff" COLOR="#9aa5b1"><TR><TD><I>(any state)</I></TD></TR>${rows(root)}</TABLE>>, class="state s0 root", tooltip="transitions declared on the machine itself: taken in any state"];`,
    );
  }

  // Initial arrows: not transitions of the machine, so they carry the class `initial`, never `transition`.
  for (const s of states) {
    if (!(s.type === 'compound' || s.index === 0) || !s.initial.length) continue;
    if (s.index !== 0 && !isCluster(s)) continue;
    for (const t of s.initial) {
      const target = states[t];
      const lhead = isCluster(target) ? `, lhead=${cluster(target)}` : '';
      put(1, `i${s.index} -> ${anchor(target)} [class="initial", color="#2c3e50"${lhead}];`);
    }
  }

  for (const t of transitions) {
    const src = states[t.source];
    const tail = t.source === 0 ? 's0' : anchor(src);
    const attrs = [
      `class="transition t${t.index}"`,
      `label=${dotString(transitionLabel(t))}`,
      `tooltip=${dotString(tooltipOf(t) || transitionLabel(t))}`,
    ];
    if (t.guard) attrs.push('style=solid');
    if (t.targets.length === 0) continue;
    for (const target of t.targets) {
      const dst = states[target];
      const head = anchor(dst);
      const a = [...attrs];
      if (isCluster(src) && t.source !== 0 && !inside(target, t.source)) a.push(`ltail=${cluster(src)}`);
      if (isCluster(dst) && !inside(t.source, target)) a.push(`lhead=${cluster(dst)}`);
      if (dst.tags.includes('violation')) a.push('color="#c0392b"', 'fontcolor="#a93226"');
      put(1, `${tail} -> ${head} [${a.join(', ')}];`);
    }
  }
  put(0, '}');
  return out.join('\n') + '\n';
}
