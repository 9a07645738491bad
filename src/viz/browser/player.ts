/**
 * The trace player: steps through a counterexample (built in, or an .itf.json file opened), showing each
 * actor's active states, the transitions taken, the kernel calls of the step and the context changed.
 */
import type { ItfTrace } from '../../check/itf.ts';
import { activePaths } from '../../model/chart.ts';
import type { SiteData, Wait } from '../siteData.ts';
import { actorStateTable, stateText } from './actorState.ts';
import { diagram, type Diagram } from './diagram.ts';
import { clear, formatEvent, h, show } from './dom.ts';
import { traceDocsHref } from './common.ts';
import { machineHref, traceHref } from './routes.ts';
import { reachedIn } from './machineView.ts';
import { contextChanges, fromItf, takenTransitions, type PlayerTrace } from './playerTrace.ts';
import { sequenceView, type SequenceView } from './sequence.ts';

interface Card {
  readonly actor: string;
  readonly machine: number;
  readonly el: HTMLElement;
  readonly state: HTMLElement;
  readonly context: HTMLElement;
  readonly diagram: Diagram;
}

/**
 * The trace player: pick a counterexample (or open an .itf.json file), step with the buttons, the
 * slider or the arrow keys (Home/End, Space plays). At each step every actor's diagram shows its
 * active states and the transitions the step took; the step panel shows the event, the kernel
 * functions that ran (every call and reply of the step) and the context that changed.
 */
export class Player {
  readonly el: HTMLElement;
  private trace?: PlayerTrace;
  /** Index in `SiteData.traces` of the trace shown, when it is one of the site's (its address follows the step). */
  private siteTrace?: number;
  private waits: readonly Wait[] = [];
  private stuck = new Set<string>();
  private sequence?: SequenceView;
  private readonly seqBox = h('div', { class: 'sequence-box' });
  private pos = 0;
  private timer?: ReturnType<typeof setInterval>;
  private cards: Card[] = [];
  private readonly info = h('div', { class: 'step-info', 'aria-live': 'polite' });
  private readonly grid = h('div', { class: 'actors' });
  private readonly count = h('span', { class: 'step-count' });
  private readonly slider = h('input', { type: 'range', min: 0, max: 0, value: 0, class: 'slider', 'aria-label': 'step' });
  private readonly playButton = h('button', { type: 'button', class: 'play', title: 'play / pause (Space)' }, '▶ play');
  private readonly select: HTMLSelectElement;
  private readonly error = h('div', { class: 'error' });

  constructor(private readonly data: SiteData) {
    this.select = h(
      'select',
      { class: 'trace-select', 'aria-label': 'counterexample' },
      h('option', { value: '' }, data.traces.length ? 'choose a counterexample…' : 'no counterexamples in this site'),
      data.traces.map((t, i) => h('option', { value: i }, t.title)),
    );
    this.select.addEventListener('change', () => {
      if (this.select.value !== '') location.hash = traceHref(data, Number(this.select.value));
      this.select.blur();
    });
    const file = h('input', { type: 'file', accept: '.json,application/json', class: 'file-input' });
    file.addEventListener('change', () => void this.open(file));
    const btn = (label: string, title: string, act: () => void) => h('button', { type: 'button', title, onclick: act }, label);
    this.slider.addEventListener('input', () => this.go(Number(this.slider.value)));
    this.playButton.addEventListener('click', () => this.toggle());
    this.el = h(
      'section',
      { class: 'player' },
      h(
        'div',
        { class: 'player-bar' },
        this.select,
        h('label', { class: 'file' }, 'open .itf.json ', file),
        h(
          'span',
          { class: 'controls' },
          btn('|◀', 'first (Home)', () => this.go(0)),
          btn('◀', 'back (←)', () => this.go(this.pos - 1)),
          this.playButton,
          btn('▶', 'forward (→)', () => this.go(this.pos + 1)),
          btn('▶|', 'last (End)', () => this.go(Infinity)),
        ),
        this.slider,
        this.count,
        this.focusToggle(),
        this.viewToggle(),
      ),
      this.error,
      this.info,
      this.seqBox,
      this.grid,
    );
  }

  /** Diagrams (every actor's machine at this step) or the sequence of every call of the trace. */
  private viewToggle(): HTMLElement {
    const box = h('input', { type: 'checkbox', class: 'sequence-toggle' });
    box.addEventListener('change', () => {
      this.el.classList.toggle('show-sequence', box.checked);
      box.blur();
    });
    return h('label', { class: 'focus', title: 'the whole trace as a sequence diagram (s)' }, box, ' sequence');
  }

  /** Shows the sequence diagram (true) or the diagrams; `s` toggles it. */
  showSequence(on: boolean): void {
    const box = this.el.querySelector<HTMLInputElement>('.sequence-toggle')!;
    box.checked = on;
    this.el.classList.toggle('show-sequence', on);
  }

  /** The picker with no trace: what `#/player` shows. */
  reset(): void {
    this.stop();
    this.trace = undefined;
    this.siteTrace = undefined;
    this.select.value = '';
    this.error.textContent = '';
    clear(this.info);
    clear(this.grid);
    clear(this.seqBox);
    this.cards = [];
    this.slider.max = '0';
    this.count.textContent = '';
    delete this.el.dataset.step;
    this.info.appendChild(
      h(
        'p',
        { class: 'muted' },
        this.data.traces.length
          ? `Choose one of the ${this.data.traces.length} counterexamples above, or open an .itf.json written by daxspec check --itf.`
          : 'This site has no counterexamples; open an .itf.json written by daxspec check --itf.',
      ),
    );
  }

  /** With many actors, show only those the step touched (called, or changed), so the step fits the screen. */
  private focusToggle(): HTMLElement {
    const box = h('input', { type: 'checkbox', class: 'focus-toggle' });
    box.addEventListener('change', () => {
      this.grid.classList.toggle('focus', box.checked);
      box.blur();
    });
    return h('label', { class: 'focus', title: 'hide the actors this step does not touch' }, box, ' only actors in this step');
  }

  showSiteTrace(index: number, step = 0): void {
    const t = this.data.traces[index];
    if (!t) return this.fail(`no counterexample ${index} in this site`);
    this.select.value = String(index);
    if (this.siteTrace === index && this.trace) return this.go(step);
    this.load(fromItf(this.data, t.itf, t.title, t.system), step, index);
  }

  private async open(input: HTMLInputElement): Promise<void> {
    const f = input.files?.[0];
    if (!f) return;
    try {
      const itf = JSON.parse(await f.text()) as ItfTrace;
      this.select.value = '';
      this.load(fromItf(this.data, itf, f.name), 0, undefined);
    } catch (e) {
      this.fail(`${f.name}: ${(e as Error).message}`);
    }
  }

  private fail(message: string): void {
    this.error.textContent = message;
  }

  private load(trace: PlayerTrace, step: number, site: number | undefined): void {
    this.stop();
    this.error.textContent = '';
    this.trace = trace;
    this.siteTrace = site;
    const st = site === undefined ? undefined : this.data.traces[site];
    this.waits = st?.waits ?? [];
    // At a hang's end the waiters are what the reader came for: focus mode keeps them.
    this.stuck = new Set([...this.waits.map((w) => w.actor), ...(st?.actor && st.waits.length ? [st.actor] : [])]);
    const system = this.data.systems[trace.system];
    clear(this.grid);
    this.cards = system.actors.map((a) => {
      // Every card, changed or not, keeps a readable scale: a big machine in a narrow card is panned, not shrunk to dots.
      const d = diagram(this.data.machines[a.machine], reachedIn(this.data, a.machine, trace.system), { readable: true });
      const state = h('code', { class: 'actor-state' });
      const context = h('div', { class: 'actor-context' });
      const el = h(
        'div',
        { class: 'actor-card', 'data-actor': a.name },
        h(
          'div',
          { class: 'actor-head' },
          h('a', { href: machineHref(this.data, trace.system, a.name), class: 'actor-name' }, h('b', {}, a.name)),
          h('span', { class: 'muted' }, ` ${this.data.machines[a.machine].id} · ${a.kind === 'path' ? 'code path' : 'object'}`),
          state,
        ),
        context,
        d.el,
      );
      this.grid.appendChild(el);
      return { actor: a.name, machine: a.machine, el, state, context, diagram: d };
    });
    clear(this.seqBox);
    this.sequence = sequenceView(
      trace,
      system.actors.map((a) => a.name),
      this.waits,
      (pos) => this.go(pos),
    );
    this.seqBox.appendChild(this.sequence.el);
    this.slider.max = String(trace.steps.length);
    this.go(step);
  }

  go(pos: number): void {
    const t = this.trace;
    if (!t) return;
    this.pos = Math.max(0, Math.min(t.steps.length, Number.isFinite(pos) ? pos : t.steps.length));
    if (this.pos === t.steps.length) this.stop();
    const now = t.states[this.pos];
    const before = this.pos > 0 ? t.states[this.pos - 1] : undefined;
    const step = this.pos > 0 ? t.steps[this.pos - 1] : undefined;
    const atEnd = this.pos === t.steps.length;
    for (const c of this.cards) {
      const s = now[c.actor];
      const calls = step ? step.calls.filter((x) => x.actor === c.actor) : [];
      const chart = this.data.machines[c.machine].chart;
      c.diagram.highlight(activePaths(s.value), takenTransitions(chart, calls));
      c.state.textContent = stateText(s.value);
      c.state.title = show(s.value);
      const changed = !!before && JSON.stringify(before[c.actor]) !== JSON.stringify(s);
      clear(c.context);
      c.context.appendChild(actorStateTable(s.context, before?.[c.actor]?.context));
      c.el.classList.toggle('changed', changed);
      c.el.classList.toggle('involved', calls.length > 0);
      c.el.classList.toggle('stuck', atEnd && this.stuck.has(c.actor));
    }
    this.sequence?.mark(this.pos);
    this.el.dataset.step = String(this.pos);
    // The address follows the step, without a new history entry per step.
    if (this.siteTrace !== undefined && location.hash.startsWith('#/trace/'))
      history.replaceState(null, '', traceHref(this.data, this.siteTrace, this.pos));
    this.count.textContent = `step ${this.pos} of ${t.steps.length}`;
    this.slider.value = String(this.pos);
    this.renderInfo(t, step, before, now);
  }

  private renderInfo(
    t: PlayerTrace,
    step: PlayerTrace['steps'][number] | undefined,
    before: PlayerTrace['states'][number] | undefined,
    now: PlayerTrace['states'][number],
  ): void {
    clear(this.info);
    this.info.appendChild(h('div', { class: 'trace-title' }, t.title));
    const docs = this.siteTrace === undefined ? undefined : traceDocsHref(this.data, this.siteTrace);
    if (docs) this.info.appendChild(h('div', {}, h('a', { href: docs, class: 'docs-link' }, 'This counterexample in the spec docs')));
    if (!step || !before) {
      this.info.appendChild(h('div', { class: 'step-head' }, 'initial state: every actor as the scenario builds it'));
      return;
    }
    this.info.appendChild(
      h(
        'div',
        { class: 'step-head' },
        h('span', { class: 'step-no' }, `${this.pos}.`),
        ' ',
        h('b', {}, step.actor ?? '?'),
        ' takes ',
        h('code', { class: 'event' }, step.event ? formatEvent(step.event) : '?'),
        step.fn ? h('span', { class: 'fn' }, ` → ${step.fn}()`) : null,
      ),
    );
    // Calls and changes side by side: the diagrams below should stay in view.
    const body = h('div', { class: 'step-body' });
    this.info.appendChild(body);
    if (step.calls.length) {
      body.appendChild(
        h(
          'ol',
          { class: 'calls' },
          step.calls.map((c) =>
            h(
              'li',
              { class: `call ${c.fate}` },
              c.from ? `${c.from} → ` : 'env → ',
              h('b', {}, c.actor),
              ': ',
              h('code', {}, formatEvent(c.event as Record<string, unknown>)),
              c.fn ? h('span', { class: 'fn' }, ` ${c.fn}()`) : null,
              c.fate !== 'taken' ? h('span', { class: 'fate' }, ` (${c.fate})`) : null,
              c.description ? h('div', { class: 'desc' }, c.description) : null,
            ),
          ),
        ),
      );
    }
    const rows: HTMLElement[] = [];
    for (const [actor, s] of Object.entries(now)) {
      const b = before[actor];
      if (JSON.stringify(b.value) !== JSON.stringify(s.value))
        rows.push(h('tr', {}, h('td', {}, actor), h('td', {}, 'state'), h('td', {}, show(b.value)), h('td', {}, show(s.value))));
      for (const [k, x, y] of contextChanges(b.context, s.context))
        rows.push(h('tr', {}, h('td', {}, actor), h('td', {}, k || 'context'), h('td', {}, show(x)), h('td', {}, show(y))));
    }
    if (rows.length) {
      body.appendChild(
        h(
          'table',
          { class: 'changes' },
          h('thead', {}, h('tr', {}, h('th', {}, 'actor'), h('th', {}, 'changed'), h('th', {}, 'before'), h('th', {}, 'after'))),
          h('tbody', {}, rows),
        ),
      );
    }
    if (!step.exact)
      this.info.appendChild(
        h(
          'div',
          { class: 'muted small' },
          'This trace does not record the calls within its steps (#meta.calls): only the event is shown and no transition is lit.',
        ),
      );
    if (t.loop !== undefined && this.pos > t.loop)
      this.info.appendChild(
        h('div', { class: 'loop-note' }, `In the cycle: steps ${t.loop + 1}–${t.steps.length} repeat forever (the trace is a lasso).`),
      );
    else if (t.loop !== undefined && t.loop === t.steps.length && this.pos === t.steps.length)
      this.info.appendChild(
        h(
          'div',
          { class: 'loop-note' },
          'The cycle: the system stays in this state for ever (the trace is a lasso that stutters: no step it must take is enabled, so what the property waits for never happens).',
        ),
      );
    if (step.violation) this.info.appendChild(h('div', { class: 'violation' }, `violation: ${step.violation}`));
    else if (this.pos === t.steps.length && t.conclusion) this.info.appendChild(h('div', { class: 'violation' }, t.conclusion));
    if (this.pos === t.steps.length && this.waits.length) {
      this.info.appendChild(
        h(
          'ul',
          { class: 'waits' },
          this.waits.map((w) =>
            h(
              'li',
              {},
              h('b', {}, w.actor),
              ` waits in ${stateText(JSON.parse(w.state))}`,
              w.description ? h('span', { class: 'muted' }, ` (${w.description})`) : null,
              w.on.length ? `; blocked (guard fails): ${w.on.join(', ')}` : '; no event of its own can move it',
            ),
          ),
        ),
      );
    }
  }

  /** Arrow keys step, Home/End jump, Space plays. Returns whether the key was the player's. */
  key(e: KeyboardEvent): boolean {
    if (!this.trace) return false;
    switch (e.key) {
      case 'ArrowRight':
        this.go(this.pos + 1);
        return true;
      case 'ArrowLeft':
        this.go(this.pos - 1);
        return true;
      case 'Home':
        this.go(0);
        return true;
      case 'End':
        this.go(Infinity);
        return true;
      case ' ':
        this.toggle();
        return true;
      case 's':
        this.showSequence(!this.el.classList.contains('show-sequence'));
        return true;
      default:
        return false;
    }
  }

  private toggle(): void {
    if (this.timer) return this.stop();
    if (!this.trace) return;
    if (this.pos >= this.trace.steps.length) this.go(0);
    this.playButton.textContent = '❚❚ pause';
    this.timer = setInterval(() => this.go(this.pos + 1), 900);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.playButton.textContent = '▶ play';
  }
}
