/**
 * The viewer's entry point: reads the embedded site data, routes hashes to pages (so the site works from
 * file:// with no server), and renders the matrix page.
 */
import type { SiteData } from '../siteData.ts';
import { clear, h } from './dom.ts';
import { helpPanel } from './help.ts';
import { Player } from './player.ts';
import { machineView } from './machineView.ts';
import { matrixView } from './matrixView.ts';
import { machineVariantHref, parseRoute, systemHref } from './routes.ts';
import { searchView } from './search.ts';
import { systemView } from './systemView.ts';

declare global {
  interface Window {
    DAXSPEC_DATA?: SiteData;
  }
}

/**
 * The site's entry point. Routes are hashes, so the site works from file:// with no server; they name
 * what they show (routes.ts): `#/` the matrix, `#/system/KEY`, `#/machine/KEY/ACTOR`, `#/player`,
 * `#/trace/KEY/PROPERTY[/STEP]`, `#/search/TEXT`.
 */
/** Systems grouped by scenario: one line per scenario with a chip per revision, coloured by verdict. */
function navSystems(data: SiteData): HTMLElement[] {
  const scenarios = [...new Set(data.systems.map((s) => s.scenario))];
  return scenarios.map((name) => {
    const systems = data.systems.map((s, i) => [s, i] as const).filter(([s]) => s.scenario === name);
    if (systems.length === 1 && systems[0][0].revision === undefined) {
      const [s, i] = systems[0];
      return h('a', { href: systemHref(data, i), class: `sys ${s.check.verdict}` }, s.key);
    }
    return h(
      'div',
      { class: 'nav-sys' },
      name,
      h(
        'div',
        { class: 'chips' },
        systems.map(([s, i]) =>
          h('a', { href: systemHref(data, i), class: `chip ${s.check.verdict}`, title: `${s.key}: ${s.check.verdict}` }, s.revision ?? ''),
        ),
      ),
    );
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
    main.textContent = "data.js did not load: keep the site's files together.";
    return;
  }
  const player = new Player(data);
  const searchBox = h('input', {
    type: 'search',
    class: 'search',
    placeholder: 'search  (/)',
    'aria-label': 'search machines, states and findings',
  });
  searchBox.addEventListener('input', () => {
    const q = searchBox.value.trim();
    history.replaceState(null, '', q ? `#/search/${encodeURIComponent(q)}` : '#/');
    route();
  });
  const help = helpPanel();
  document.body.appendChild(help);
  nav.appendChild(
    h(
      'div',
      {},
      h('a', { href: '#/', class: 'brand' }, 'daxspec'),
      searchBox,
      h('a', { href: '#/', 'data-route': 'matrix' }, 'Bug matrix'),
      h('a', { href: '#/player', 'data-route': 'player' }, 'Trace player'),
      h(
        'a',
        {
          href: '#',
          class: 'help-link',
          onclick: (e: Event) => {
            e.preventDefault();
            help.hidden = !help.hidden;
          },
        },
        'Keys (?)',
      ),
      h('div', { class: 'nav-head' }, 'Systems'),
      navSystems(data),
      h('div', { class: 'nav-head' }, 'Machines'),
      data.machines.map((m, i) =>
        h(
          'a',
          { href: machineVariantHref(data, i), title: m.usedBy.join(', ') },
          m.id,
          h('span', { class: 'muted' }, ` ${variantOf(data, i)}`),
        ),
      ),
    ),
  );

  function route(): void {
    player.stop();
    const r = parseRoute(data!, location.hash);
    const playerShown = r.kind === 'trace' && main.firstChild === player.el;
    if (!playerShown) clear(main);
    for (const link of Array.from(nav.querySelectorAll('a'))) link.classList.toggle('current', link.getAttribute('href') === location.hash);
    document.body.dataset.route = r.kind;
    if (r.kind !== 'search' && document.activeElement !== searchBox) searchBox.value = '';
    if (r.kind === 'system') main.appendChild(systemView(data!, r.system));
    else if (r.kind === 'machine') main.appendChild(machineView(data!, r.machine, r.system, r.actor));
    else if (r.kind === 'trace') {
      if (!playerShown) main.appendChild(player.el);
      player.showSiteTrace(r.trace, r.step);
    } else if (r.kind === 'player') {
      main.appendChild(player.el);
      player.reset();
    } else if (r.kind === 'search') {
      if (document.activeElement !== searchBox) searchBox.value = r.query;
      main.appendChild(searchView(data!, r.query));
    } else if (r.kind === 'missing')
      main.appendChild(h('p', { class: 'error' }, `This site has no ${r.what}. It may have been built for other scenarios or revisions.`));
    else main.appendChild(matrixView(data!));
    if (!playerShown) main.scrollTop = 0;
  }
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    // Form controls keep their own keys (the slider steps itself; Space presses a focused button).
    if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || (t.tagName === 'BUTTON' && e.key === ' ')) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === '?') {
      help.hidden = !help.hidden;
      e.preventDefault();
      return;
    }
    if (e.key === 'Escape' && !help.hidden) {
      help.hidden = true;
      return;
    }
    if (e.key === '/') {
      searchBox.focus();
      e.preventDefault();
      return;
    }
    const route = document.body.dataset.route;
    if (route !== 'trace' && route !== 'player') return;
    if (e.key === 'f') {
      (document.querySelector('.focus-toggle') as HTMLInputElement | null)?.click();
      return;
    }
    if (player.key(e)) e.preventDefault();
  });
  route();
  document.body.dataset.ready = 'true';
}

start();
