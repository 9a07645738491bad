/**
 * Hover tooltips on diagrams: the kernel function, description and source of the state or transition
 * under the mouse.
 */
import { clear, h } from './dom.ts';
import { classIndex } from './svg.ts';
import type { Chart } from '../../model/chart.ts';

let tip: HTMLElement | undefined;

function panel(): HTMLElement {
  if (!tip) {
    tip = h('div', { class: 'tooltip', role: 'tooltip' });
    tip.hidden = true;
    document.body.appendChild(tip);
  }
  return tip;
}

/** The lines a hover shows for state `s` or transition `t` of a chart. */
export function describe(chart: Chart, el: Element): HTMLElement | undefined {
  const s = el.classList.contains('state') ? classIndex(el, 's') : undefined;
  if (s !== undefined && chart.states[s]) {
    const st = chart.states[s];
    return h(
      'div',
      {},
      h('div', { class: 'tip-title' }, st.path || '(machine)', h('span', { class: 'tip-kind' }, ` ${st.type}`)),
      st.fn ? h('div', { class: 'tip-fn' }, `${st.fn}()`) : null,
      st.condition ? h('div', { class: 'tip-cond' }, st.condition) : null,
      st.description ? h('div', { class: 'tip-desc' }, st.description) : null,
      st.tags.length ? h('div', { class: 'tip-src' }, `tags: ${st.tags.join(', ')}`) : null,
      st.src ? h('div', { class: 'tip-src' }, st.src) : null,
    );
  }
  const t = el.classList.contains('transition') ? classIndex(el, 't') : undefined;
  if (t !== undefined && chart.transitions[t]) {
    const tr = chart.transitions[t];
    const targets = tr.targets.map((i) => chart.states[i].path).join(', ') || '(stays)';
    return h(
      'div',
      {},
      h('div', { class: 'tip-title' }, tr.event || 'always', tr.guard ? h('span', { class: 'tip-guard' }, ` [${tr.guard}]`) : null),
      tr.fn ? h('div', { class: 'tip-fn' }, `${tr.fn}()`) : null,
      tr.description ? h('div', { class: 'tip-desc' }, tr.description) : null,
      h('div', { class: 'tip-src' }, `${chart.states[tr.source].path || '(any state)'} → ${targets}`),
      tr.actions.length ? h('div', { class: 'tip-src' }, `actions: ${tr.actions.join(', ')}`) : null,
      tr.src ? h('div', { class: 'tip-src' }, tr.src) : null,
    );
  }
  return undefined;
}

/** Shows the kernel function, description and source of whatever state or transition is under the mouse. */
export function attachTooltips(container: Element, chart: Chart): void {
  container.addEventListener('mousemove', (e) => {
    const target = (e.target as Element).closest('g.state, g.transition');
    const p = panel();
    const body = target ? describe(chart, target) : undefined;
    if (!body) {
      p.hidden = true;
      return;
    }
    clear(p);
    p.appendChild(body);
    p.hidden = false;
    const m = e as MouseEvent;
    const x = Math.min(m.clientX + 14, window.innerWidth - p.offsetWidth - 8);
    const y = m.clientY + 16 + p.offsetHeight > window.innerHeight ? m.clientY - p.offsetHeight - 10 : m.clientY + 16;
    p.style.left = `${Math.max(4, x)}px`;
    p.style.top = `${Math.max(4, y)}px`;
  });
  container.addEventListener('mouseleave', () => {
    panel().hidden = true;
  });
}
