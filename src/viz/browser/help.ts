/**
 * The keyboard help panel (`?`): every key the viewer answers to.
 */
import { h } from './dom.ts';

/** The keyboard help `?` opens: every key the site answers to. */
const KEYS: readonly (readonly [string, string])[] = [
  ['?', 'this help (Esc closes it)'],
  ['/', 'search machines, states and findings'],
  ['→ / ←', 'player: next / previous step'],
  ['Home / End', 'player: first / last step'],
  ['Space', 'player: play / pause'],
  ['s', 'player: sequence diagram / diagrams'],
  ['f', 'player: only the actors in this step'],
  ['double click, Ctrl+wheel', 'zoom a diagram in (buttons: + − fit)'],
  ['drag', 'pan a diagram'],
];

export function helpPanel(): HTMLElement {
  const el = h(
    'div',
    { class: 'help', role: 'dialog', 'aria-label': 'keyboard help' },
    h('h2', {}, 'Keys'),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        KEYS.map(([k, what]) => h('tr', {}, h('th', {}, h('kbd', {}, k)), h('td', {}, what))),
      ),
    ),
    h('p', { class: 'muted small' }, 'Addresses name what they show (#/trace/SCENARIO@REV/PROPERTY/STEP): copy one to point at a step.'),
  );
  el.hidden = true;
  return el;
}
