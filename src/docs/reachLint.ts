/**
 * The lint of what the machine pages say is reached: a state or transition that no scenario reaches in a
 * revision must be shown so there (the "never reached in" column of its table row, and, for a state, greyed
 * and labelled "(unreached)" in that revision's diagram), and nothing reached may be shown so. It reads the
 * pages as Markdown, the way a reader meets them, and compares them with the exploration's reach
 * (src/model/reach.ts); a revision whose checks were not all complete cannot say what is unreachable, and
 * is reported as such.
 */
import type { Catalog } from './catalog.ts';
import type { LintIssue } from './lint.ts';
import { transitionLabel } from './machineModel.ts';
import { unreachedOf, type Reachability } from '../model/reach.ts';

/** A Markdown cell as plain text: no code marks, no escapes. */
const plain = (c: string): string => c.replace(/`/g, '').replace(/\\(.)/g, '$1').trim();

/** The table rows of a section, split at unescaped pipes (header first). */
function tableRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
}

/** What a machine page marks as never reached: `rev\0state path` and `rev\0transition label`, from the tables; `rev\0state key` from the diagrams. */
export function pageMarks(md: string, revisions: readonly string[]): { states: Set<string>; transitions: Set<string>; drawn: Set<string> } {
  const section = (name: string): string => md.split(`## ${name}\n`)[1]?.split('\n## ')[0] ?? '';
  // `v4.16, v5.10` -> those revisions ('any': the revision-independent build); words ("none (...)") name none.
  const revisionList = (c: string): string[] => c.split(', ').filter((r) => revisions.includes(r));
  const states = new Set<string>();
  const transitions = new Set<string>();
  const stateRows = tableRows(section('States'));
  const sCol = stateRows[0]?.indexOf('never reached in') ?? -1;
  if (sCol >= 0)
    for (const row of stateRows.slice(2)) {
      const path = plain(row[0]).replace(/ \((final|parallel)\)$/, '');
      for (const rev of revisionList(row[sCol])) states.add(`${rev}\u0000${path}`);
    }
  const transitionRows = tableRows(section('Transitions'));
  const tCol = transitionRows[0]?.indexOf('never reached in') ?? -1;
  if (tCol >= 0)
    for (const row of transitionRows.slice(2)) {
      const label = `${plain(row[0])}: ${plain(row[1])}`;
      for (const rev of revisionList(row[tCol])) transitions.add(`${rev}\u0000${label}`);
    }
  // One diagram per distinct drawing, headed by the revisions that draw it (no heading: every revision).
  const drawn = new Set<string>();
  const diagrams = section('Diagram');
  for (const [, head, body] of diagrams.matchAll(/(?:### ([^\n]+)\n\n)?```mermaid\n([\s\S]*?)```/g)) {
    const revs = head && head !== 'every revision' ? head.split(', ') : revisions;
    for (const [, key] of body.matchAll(/state "([^"]+) \(unreached\)"/g)) for (const rev of revs) drawn.add(`${rev}\u0000${key}`);
  }
  return { states, transitions, drawn };
}

/**
 * Every place where a machine page and the exploration disagree about reach: each is a lint issue
 * naming the machine, the state or transition, and the revisions. `pages` maps machine id to its page.
 */
export function lintReach(catalog: Catalog, reach: Reachability, pages: ReadonlyMap<string, string>): LintIssue[] {
  const issues: LintIssue[] = [];
  for (const m of catalog.machines) {
    const md = pages.get(m.id);
    if (md === undefined) continue;
    const revisions = [...m.builds.keys()];
    const shown = pageMarks(md, revisions);
    const expected = { states: new Set<string>(), transitions: new Set<string>(), drawn: new Set<string>() };
    const incomplete: string[] = [];
    for (const [rev, model] of m.builds) {
      const r = reach.of(rev, m.id);
      if (!r?.complete) {
        incomplete.push(rev);
        continue;
      }
      const never = unreachedOf(model.chart, r);
      for (const i of never.states) {
        const s = model.chart.states[i];
        expected.states.add(`${rev}\u0000${s.path}`);
        // The diagram labels a state by its key (and greys it when it is a leaf).
        expected.drawn.add(`${rev}\u0000${s.key}`);
      }
      for (const i of never.transitions) {
        const row = model.transitions.find((t) => t.id === model.chart.transitions[i].id);
        if (row) expected.transitions.add(`${rev}\u0000${transitionLabel(row)}`);
      }
    }
    if (incomplete.length)
      issues.push({
        machine: m.id,
        where: 'machine',
        missing: 'complete reach (a check stopped at a bound, so what no scenario reaches there cannot be marked)',
        revisions: incomplete,
      });
    const compare = (kind: string, want: Set<string>, got: Set<string>, where: (x: string) => string): void => {
      const byPlace = new Map<string, { live: string[]; dead: string[] }>();
      const note = (key: string, which: 'live' | 'dead'): void => {
        const [rev, place] = key.split('\u0000');
        const e = byPlace.get(place) ?? byPlace.set(place, { live: [], dead: [] }).get(place)!;
        e[which].push(rev);
      };
      for (const k of want) if (!got.has(k) && !incomplete.includes(k.split('\u0000')[0])) note(k, 'live');
      for (const k of got) if (!want.has(k) && !incomplete.includes(k.split('\u0000')[0])) note(k, 'dead');
      for (const [place, { live, dead }] of byPlace) {
        if (live.length)
          issues.push({
            machine: m.id,
            where: where(place),
            missing: `"never reached" mark in the ${kind} (no scenario reaches it)`,
            revisions: live,
          });
        if (dead.length)
          issues.push({
            machine: m.id,
            where: where(place),
            missing: `reach in the ${kind}, which marks it never reached (a scenario reaches it)`,
            revisions: dead,
          });
      }
    };
    compare('state table', expected.states, shown.states, (p) => `state ${p}`);
    compare('transition table', expected.transitions, shown.transitions, (p) => `transition ${p}`);
    compare('diagram', expected.drawn, shown.drawn, (p) => `state ${p}`);
  }
  return issues;
}
