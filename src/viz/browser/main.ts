import type { SiteData } from '../siteData.ts';
import { clear, h } from './dom.ts';
import { Player } from './player.ts';
import { machineView } from './machineView.ts';
import { matrixView } from './matrixView.ts';
import { systemView } from './systemView.ts';

declare global {
  interface Window {
    DAXSPEC_DATA?: SiteData;
  }
}

/**
 * The site's entry point. Routes are hashes, so the site works from file:// with no server:
 * `#/` the matrix, `#/system/N`, `#/machine/N`, `#/player`, `#/trace/N[/STEP]`.
 */
/** Systems grouped by scenario: one line per scenario with a chip per revision, coloured by verdict. */
function navSystems(data: SiteData): HTMLElement[] {
  const scenarios = [...new Set(data.systems.map((s) => s.scenario))];
  return scenarios.map((name) => {
    const systems = data.systems.map((s, i) => [s, i] as const).filter(([s]) => s.scenario === name);
    if (systems.length === 1 && systems[0][0].revision === undefined) {
      const [s, i] = systems[0];
      return h('a', { href: `#/system/${i}`, class: `sys ${s.check.verdict}` }, s.key);
    }
    return h('div', { class: 'nav-sys' }, name,
      h('div', { class: 'chips' }, systems.map(([s, i]) => h('a', { href: `#/system/${i}`, class: `chip ${s.check.verdict}`, title: `${s.key}: ${s.check.verdict}` }, s.revision ?? ''))));
  });
}

/**
 * What tells apart machines with one id: most DAX machines differ between revisions, so a variant is
 * named by the revisions that use it (`filesystem v8 v9`); a machine with one variant needs no name.
 */
function variantOf(data: SiteData, i: number): string {
  const m = data.machines[i];
  if (data.machines.filter((x) => x.id === m.id).length === 1) return m.usedBy.length > 1 ? `×${m.usedBy.length}` : '';
  const revs = [...new Set(m.usedBy.map((u) => /@([^:]+):/.exec(u)?.[1]).filter((r): r is string => !!r))];
  const order = data.revisions;
  revs.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return revs.length ? revs.join(' ') : [...new Set(m.usedBy.map((u) => u.split(':')[0]))].join(' ');
}

function start(): void {
  const data = window.DAXSPEC_DATA;
  const main = document.getElementById('main')!;
  const nav = document.getElementById('nav')!;
  if (!data) {
    main.textContent = 'data.js did not load: keep the site\'s files together.';
    return;
  }
  const player = new Player(data);
  nav.appendChild(h('div', {},
    h('a', { href: '#/', class: 'brand' }, 'daxspec'),
    h('a', { href: '#/', 'data-route': 'matrix' }, 'Bug matrix'),
    h('a', { href: '#/player', 'data-route': 'player' }, 'Trace player'),
    h('div', { class: 'nav-head' }, 'Systems'),
    navSystems(data),
    h('div', { class: 'nav-head' }, 'Machines'),
    data.machines.map((m, i) => h('a', { href: `#/machine/${i}`, title: m.usedBy.join(', ') }, m.id, h('span', { class: 'muted' }, ` ${variantOf(data, i)}`)))));

  const route = (): void => {
    player.stop();
    const [, kind, a, b] = location.hash.split('/');
    clear(main);
    for (const link of Array.from(nav.querySelectorAll('a'))) link.classList.toggle('current', link.getAttribute('href') === location.hash);
    document.body.dataset.route = kind || 'matrix';
    if (kind === 'system') main.appendChild(systemView(data, Number(a)));
    else if (kind === 'machine') main.appendChild(machineView(data, Number(a)));
    else if (kind === 'trace') {
      main.appendChild(player.el);
      player.showSiteTrace(Number(a), Number(b ?? 0) || 0);
    } else if (kind === 'player') main.appendChild(player.el);
    else main.appendChild(matrixView(data));
    main.scrollTop = 0;
  };
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (e) => {
    if (document.body.dataset.route !== 'trace' && document.body.dataset.route !== 'player') return;
    const t = e.target as HTMLElement;
    // Form controls keep their own keys (the slider steps itself; Space presses a focused button).
    if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || (t.tagName === 'BUTTON' && e.key === ' ')) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (player.key(e)) e.preventDefault();
  });
  route();
  document.body.dataset.ready = 'true';
}

start();
