/**
 * One statechart diagram in the viewer: the SVG fitted to its card, hoverable, with zoom and pan, and
 * its states and transitions findable by index for the player's highlighting.
 */
import { h } from './dom.ts';
import { panZoom, READABLE_SCALE, type PanZoom } from './panZoom.ts';
import { classIndex, parseSvg } from './svg.ts';
import { attachTooltips } from './tooltip.ts';
import type { Chart } from '../../model/chart.ts';
import { unreachedOf } from '../../model/reach.ts';
import type { SiteMachine, SiteReached } from '../siteData.ts';

export interface Diagram {
  readonly el: HTMLElement;
  readonly panZoom: PanZoom;
  /** Marks the states at these paths active and these transitions (chart indices) taken; clears the rest. */
  highlight(active: readonly string[], taken: readonly number[]): void;
}

/** The greatest height a diagram takes before it is scaled down to fit its card. */
const MAX_HEIGHT = 560;

/**
 * One machine's statechart, hoverable, fitted to its card (zoom and pan with the buttons, a double
 * click, Ctrl+wheel or a drag), with the states and transitions findable by index. With `reached`,
 * what no scenario reached in that revision is greyed.
 */
export function diagram(machine: SiteMachine, reached?: SiteReached, options: { readonly readable?: boolean } = {}): Diagram {
  const svg = parseSvg(machine.svg);
  // The natural size sets the card's height (never more than MAX_HEIGHT); the library then fits it.
  const w = svg.viewBox.baseVal?.width || 300;
  const ht = svg.viewBox.baseVal?.height || 150;
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  const stage = h('div', { class: 'stage' });
  stage.style.height = `${Math.round(Math.min(MAX_HEIGHT, Math.max(90, ht * 1.34)))}px`;
  stage.style.maxWidth = `${Math.round(Math.max(240, w * 1.34))}px`;
  stage.dataset.naturalWidth = String(Math.round(w * 1.34));
  stage.appendChild(svg);
  const pz = panZoom(stage, svg, { width: w, height: ht, max: MAX_HEIGHT }, options.readable ? READABLE_SCALE : undefined);
  const btn = (label: string, title: string, act: () => void) =>
    h(
      'button',
      {
        type: 'button',
        class: 'pz',
        title,
        onclick: (e: Event) => {
          e.stopPropagation();
          act();
        },
      },
      label,
    );
  const el = h(
    'div',
    { class: 'diagram' },
    h(
      'div',
      { class: 'pz-bar' },
      btn('+', 'zoom in (or double click, Ctrl+wheel)', () => pz.zoomBy(1.4)),
      btn('−', 'zoom out', () => pz.zoomBy(1 / 1.4)),
      btn('fit', 'fit to the card', () => pz.fit()),
    ),
    stage,
  );
  attachTooltips(el, machine.chart);
  const states = new Map<number, Element>();
  for (const g of Array.from(svg.querySelectorAll('g.state'))) {
    const i = classIndex(g, 's');
    if (i !== undefined) states.set(i, g);
  }
  const edges = Array.from(svg.querySelectorAll('g.transition')).map((g) => [classIndex(g, 't'), g] as const);
  if (reached?.complete) greyUnreached(machine.chart, reached, states, edges);
  const byPath = new Map(machine.chart.states.map((s) => [s.path, s.index]));
  return {
    el,
    panZoom: pz,
    highlight(active, taken) {
      const on = new Set(active.map((p) => byPath.get(p)).filter((i): i is number => i !== undefined));
      for (const [i, g] of states) {
        g.classList.toggle('active', on.has(i));
        g.classList.toggle('active-bad', on.has(i) && isBad(machine.chart, i));
      }
      const t = new Set(taken);
      for (const [i, g] of edges) g.classList.toggle('taken', i !== undefined && t.has(i));
      // At the readable floor only part of a big machine shows: the part where the actor is.
      const first = [...on][0];
      pz.focusOn(first === undefined ? undefined : states.get(first));
    },
  };
}

function greyUnreached(
  chart: Chart,
  reached: SiteReached,
  states: Map<number, Element>,
  edges: readonly (readonly [number | undefined, Element])[],
): void {
  const never = unreachedOf(chart, reached);
  for (const [i, g] of states) if (never.states.has(i)) g.classList.add('unreached');
  for (const [i, g] of edges) if (i !== undefined && never.transitions.has(i)) g.classList.add('unreached');
}

function isBad(chart: Chart, i: number): boolean {
  return chart.states[i].tags.includes('violation');
}
