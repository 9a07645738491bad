import type { Wait } from '../siteData.ts';
import { formatEvent } from './dom.ts';
import type { PlayerTrace } from './playerTrace.ts';

/**
 * The whole trace as a sequence diagram: one lane per actor (the environment first, a NULL pointer
 * last when a call is made on one), every call of every step an arrow in the order it was delivered,
 * each step a band that jumps the player to it when clicked. A hang ends with who waits on what; a
 * lasso's cycle is bracketed. Drawn with the DOM (text nodes only), like the rest of the site.
 */
export interface SequenceView {
  readonly el: HTMLElement;
  /** Marks step `pos` (0: none) as the one the player shows. */
  mark(pos: number): void;
}

const NS = 'http://www.w3.org/2000/svg';
const LANE = 132;
const LEFT = 46;
const HEAD = 14;
const ROW = 22;
const STEP_GAP = 8;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

const short = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function sequenceView(
  trace: PlayerTrace,
  actors: readonly string[],
  waits: readonly Wait[],
  onStep: (pos: number) => void,
): SequenceView {
  const nulls = [...new Set(trace.steps.flatMap((s) => s.calls.filter((c) => c.fate === 'null').map((c) => c.actor)))];
  // Lanes in the order actors first take part, so that a call crosses few lanes; the rest after them.
  const order: string[] = [];
  for (const st of trace.steps)
    for (const c of st.calls) for (const a of [c.from, c.actor]) if (a && actors.includes(a) && !order.includes(a)) order.push(a);
  for (const w of waits) if (!order.includes(w.actor)) order.push(w.actor);
  const lanes = ['env', ...order, ...actors.filter((a) => !order.includes(a)), ...nulls];
  const x = (name: string | undefined): number => LEFT + LANE / 2 + LANE * Math.max(0, lanes.indexOf(name ?? 'env'));
  const rows = trace.steps.reduce((n, s) => n + Math.max(1, s.calls.length), 0);
  const waitRows = waits.length ? 2 : 0;
  const height = HEAD + rows * ROW + trace.steps.length * STEP_GAP + waitRows * ROW + 20;
  const width = LEFT + LANE * lanes.length + 10;
  const svg = el('svg', {
    class: 'sequence',
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: 'img',
    'aria-label': 'sequence diagram of the trace',
  });
  // The lane names stay in view while the trace scrolls: a second, sticky strip.
  const headSvg = el('svg', { class: 'sequence-head', viewBox: `0 0 ${width} 28`, width, height: 28 });
  const defs = el('defs', {});
  const marker = el('marker', {
    id: 'seq-arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'seq-head' }));
  defs.appendChild(marker);
  svg.appendChild(defs);

  const bands: SVGGElement[] = [];
  const body = el('g', {});
  let y = HEAD;
  trace.steps.forEach((step, i) => {
    const pos = i + 1;
    const n = Math.max(1, step.calls.length);
    const band = el('g', { class: `seq-step${trace.loop !== undefined && pos > trace.loop ? ' in-loop' : ''}`, 'data-step': pos });
    band.appendChild(el('rect', { x: 2, y: y - 2, width: width - 4, height: n * ROW + 4, rx: 4, class: 'seq-band' }));
    band.appendChild(el('text', { x: 8, y: y + 14, class: 'seq-no' }, `${pos}`));
    step.calls.forEach((c, k) => {
      const yy = y + k * ROW + ROW / 2 + 3;
      const from = x(c.from);
      const to = x(c.actor);
      const label = short(formatEvent(c.event as Record<string, unknown>), 34);
      const g = el('g', { class: `seq-call ${c.fate}` });
      if (from === to) {
        g.appendChild(el('path', { d: `M${from},${yy - 5} h22 v8 h-20`, class: 'seq-line', 'marker-end': 'url(#seq-arrow)' }));
        g.appendChild(el('text', { x: from + 26, y: yy, class: 'seq-label' }, label));
      } else {
        g.appendChild(
          el('line', { x1: from, y1: yy, x2: to + (to > from ? -3 : 3), y2: yy, class: 'seq-line', 'marker-end': 'url(#seq-arrow)' }),
        );
        g.appendChild(el('text', { x: (from + to) / 2, y: yy - 4, 'text-anchor': 'middle', class: 'seq-label' }, label));
      }
      const title = el(
        'title',
        {},
        `${c.from ?? 'env'} → ${c.actor}: ${formatEvent(c.event as Record<string, unknown>)}${c.fn ? ` (${c.fn}())` : ''}${c.fate === 'taken' ? '' : ` — ${c.fate}`}`,
      );
      g.appendChild(title);
      band.appendChild(g);
    });
    band.addEventListener('click', () => onStep(pos));
    bands.push(band);
    body.appendChild(band);
    y += n * ROW + STEP_GAP;
  });
  if (trace.loop !== undefined && trace.loop < trace.steps.length) {
    const top = Number(bands[trace.loop]?.querySelector('rect')?.getAttribute('y') ?? HEAD);
    body.appendChild(el('path', { d: `M${LEFT - 10},${top} h-6 V${y - STEP_GAP} h6`, class: 'seq-loop' }));
    body.appendChild(
      el(
        'text',
        { x: LEFT - 20, y: top - 4, class: 'seq-loop-label' },
        `cycle: steps ${trace.loop + 1}–${trace.steps.length} repeat forever`,
      ),
    );
  } else if (trace.loop !== undefined && trace.loop === trace.steps.length) {
    // A lasso whose cycle has no step: the system stays in its last state for ever (it stutters).
    body.appendChild(el('path', { d: `M${LEFT - 10},${y - STEP_GAP} h-6 v10 h6`, class: 'seq-loop seq-stutter' }));
    body.appendChild(
      el(
        'text',
        { x: LEFT - 20, y: y - STEP_GAP - 4, class: 'seq-loop-label' },
        `cycle: the system stays in the state after step ${trace.steps.length} for ever (no fair step is enabled)`,
      ),
    );
  }
  for (const w of waits) {
    const cx = x(w.actor);
    const g = el('g', { class: 'seq-wait', 'data-actor': w.actor });
    g.appendChild(el('rect', { x: cx - LANE / 2 + 4, y: y + 4, width: LANE - 8, height: 2 * ROW - 6, rx: 4 }));
    g.appendChild(el('text', { x: cx, y: y + 18, 'text-anchor': 'middle' }, short(`waits in ${w.state.replace(/"/g, '')}`, 24)));
    g.appendChild(
      el(
        'text',
        { x: cx, y: y + 32, 'text-anchor': 'middle', class: 'seq-wait-on' },
        short(w.on.length ? `for ${w.on.join(', ')}` : 'no event can move it', 24),
      ),
    );
    g.appendChild(
      el(
        'title',
        {},
        `${w.actor} waits in ${w.state}${w.description ? `: ${w.description}` : ''}${w.on.length ? `; blocked (guard fails): ${w.on.join(', ')}` : ''}`,
      ),
    );
    body.appendChild(g);
  }

  // Lanes under everything else, heads on top.
  lanes.forEach((name) => {
    svg.appendChild(
      el('line', { x1: x(name), y1: 0, x2: x(name), y2: height - 6, class: `seq-lane${name.startsWith('NULL ') ? ' null' : ''}` }),
    );
    const head = el('text', { x: x(name), y: 18, 'text-anchor': 'middle', class: 'seq-actor' }, short(name, 18));
    head.appendChild(el('title', {}, name));
    headSvg.appendChild(head);
  });
  svg.appendChild(body);
  const box = document.createElement('div');
  box.className = 'sequence-view';
  const sticky = document.createElement('div');
  sticky.className = 'sequence-sticky';
  sticky.appendChild(headSvg);
  box.append(sticky, svg);
  return {
    el: box,
    mark(pos) {
      bands.forEach((b, i) => b.classList.toggle('current', i + 1 === pos));
    },
  };
}
