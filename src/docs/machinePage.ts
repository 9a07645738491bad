/**
 * One machine's page: what the kernel object or code path is per revision, its states and transitions
 * with kernel condition, function and source, what no scenario reaches, and a diagram per revision.
 */
import { ANY_REVISION, type MachineEntry } from './catalog.ts';
import { cell, code, link, table, text } from './markdown.ts';
import { chartToMermaid } from '../model/mermaid.ts';
import { unreachedOf, type Reachability } from '../model/reach.ts';
import { changesPath, machinePath, propertyPath } from './pagePaths.ts';
import { everywhere, machineUnion } from './machineUnion.ts';
import { revisionChanges } from './revisionChanges.ts';
import type { MachineModel, StateRow, TransitionRow } from './machineModel.ts';
import { SiteLinks } from './siteLinks.ts';

const revs = (r: readonly string[]): string => r.filter((x) => x !== ANY_REVISION).join(', ');

/**
 * What a cell says when the machine does not: never an empty cell. A missing description,
 * condition, function or source is `docs --lint`'s to report; the page says so in words.
 */
export const NOT_STATED = '_not stated (see `daxspec docs --lint`)_';
const stated = (s: string | undefined, as: (x: string) => string = cell): string => (s ? as(s) : NOT_STATED);

function stateRowCells(s: StateRow, unaccepted: boolean, page: string): string[] {
  const violates = s.violates ? `violates ${link(page, propertyPath({ id: s.violates, invariant: true }), s.violates)}` : '';
  return [
    code(s.path) + (s.type === 'final' ? ' (final)' : s.type === 'parallel' ? ' (parallel)' : ''),
    stated(s.description),
    stated(s.condition, code),
    stated(s.fn, code),
    stated(s.src),
    [s.tags.length ? cell(s.tags.join(', ')) : 'none', violates].filter(Boolean).join('; '),
    ...(unaccepted ? [s.unaccepted ? cell(s.unaccepted) : 'not an object state a call reaches'] : []),
  ];
}

function transitionRowCells(t: TransitionRow): string[] {
  return [
    code(t.source || '(machine)'),
    code(t.event) + (t.order > 0 ? ` #${t.order + 1}` : ''),
    t.guard ? code(t.guard) : 'none',
    t.targets.length ? t.targets.map(code).join(', ') : '(stays)',
    t.actions.length ? cell(t.actions.join(', ')) : 'none',
    stated(t.fn, code),
    stated(t.src),
    t.fairness ? cell(t.fairness) : 'not assumed',
    stated(t.description),
  ];
}

/** The machine itself in one revision: what it is, the kernel function or object, and where from. */
function rootLine(m: MachineModel): { what: string; kernel: string; src: string } {
  return {
    what: m.description ? text(m.description) : '_(the machine has no description)_',
    kernel: m.object ? `kernel object ${code(m.object)}` : m.fn ? `kernel function ${code(m.fn)}` : 'no kernel function stated',
    src: m.src ? text(m.src) : 'not stated',
  };
}

/** Per revision, which states and transitions of a build no scenario reaches (when every check there was complete). */
export function unreachedByRevision(m: MachineEntry, reach?: Reachability): Map<string, { states: Set<number>; transitions: Set<number> }> {
  const out = new Map<string, { states: Set<number>; transitions: Set<number> }>();
  for (const [rev, model] of m.builds) {
    const r = reach?.of(rev, m.id);
    if (r?.complete) out.set(rev, unreachedOf(model.chart, r));
  }
  return out;
}

/**
 * One machine: what the kernel object or code path is in each revision, its states and
 * transitions (one table; a column says which revisions have a row when they differ, another in
 * which no scenario reaches it), what each revision changes, links to the viewer, and a diagram
 * per revision with what no scenario reaches greyed.
 */
export function machinePage(m: MachineEntry, reach?: Reachability, site = new SiteLinks()): string {
  const path = machinePath(m.id);
  const u = machineUnion(m.builds);
  const unreached = unreachedByRevision(m, reach);
  const neverStates = new Map<string, string[]>();
  const neverTransitions = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, rev: string): void => {
    (map.get(key) ?? map.set(key, []).get(key)!).push(rev);
  };
  for (const [rev, never] of unreached) {
    const chart = m.builds.get(rev)!.chart;
    for (const i of never.states) push(neverStates, chart.states[i].path, rev);
    for (const i of never.transitions) push(neverTransitions, chart.transitions[i].id, rev);
  }
  const neverCol = unreached.size > 0 ? ['never reached in'] : [];
  // Only the revisions the row exists in: a row of v6.15 alone is not "never reached" in v4.17.
  const never = (list: string[] | undefined, inRevs: readonly string[]): string[] => {
    if (!neverCol.length) return [];
    const where = [...new Set(list ?? [])].filter((r) => inRevs.includes(r));
    return [where.length ? where.map((r) => (r === ANY_REVISION ? 'any' : r)).join(', ') : 'none (reached wherever it exists)'];
  };
  const varies = u.states.some((s) => !everywhere(s, u)) || u.transitions.some((t) => !everywhere(t, u));
  const revisionDependent = u.revisions.some((r) => r !== ANY_REVISION);
  const out: string[] = [`# ${code(m.id)}`, ''];

  // What the machine is, per revision where that differs: a description true for some revisions says which.
  const roots = new Map<string, { line: ReturnType<typeof rootLine>; revisions: string[] }>();
  for (const [rev, model] of m.builds) {
    const line = rootLine(model);
    const key = JSON.stringify(line);
    (roots.get(key) ?? roots.set(key, { line, revisions: [] }).get(key)!).revisions.push(rev);
  }
  if (roots.size === 1) {
    const { line } = [...roots.values()][0];
    out.push(line.what, '', `${line.kernel}; source: ${line.src}`, '');
  } else {
    out.push(
      table(
        ['revisions', 'what it is', 'kernel function or object', 'source'],
        [...roots.values()].map(({ line, revisions }) => [revs(revisions), line.what, line.kernel, line.src]),
      ),
      '',
    );
  }
  out.push(
    `Back to the ${link(path, 'index.md', 'index')}; what changed in each revision: ${link(path, changesPath(m.id), 'its changelog')}.`,
    '',
  );

  out.push('## Where it is used', '');
  out.push('Each revision links to the actor in the viewer (`daxspec viz --out site --docs docs/spec`), with what it reaches there.', '');
  const scenarioRevs = (scenario: string): string[] =>
    [...m.builds.keys()].filter((rev) => m.instances.some((i) => i.scenario === scenario && i.revisions.includes(rev)));
  out.push(
    table(
      ['scenario', 'actor', 'kind', 'environment events', 'in the viewer'],
      m.instances.map((i) => [
        code(i.scenario),
        code(i.actor),
        i.kind === 'path' ? 'code path' : 'kernel object',
        i.env.length ? i.env.map(code).join(', ') : '(calls only)',
        scenarioRevs(i.scenario)
          .map((rev) => `[${rev === ANY_REVISION ? 'open' : rev}](${site.machine(path, i.scenario, rev, i.actor)})`)
          .join(' '),
      ]),
    ),
    '',
  );
  if (revisionDependent) out.push(`Built for revisions: ${revs(u.revisions)}.`, '');
  if (m.variants.length) {
    out.push(
      `Scenario${m.variants.length > 1 ? 's' : ''} ${m.variants.map(code).join(', ')} build${m.variants.length > 1 ? '' : 's'} this machine with different states or transitions; this page shows the first build of each revision.`,
      '',
    );
  }

  // Only objects say what an unhandled call means; code paths would get a column of nothing.
  const unacceptedCol = u.states.some((s) => s.row.unaccepted);
  const revCol = varies ? ['revisions'] : [];
  const withRevs = (cells: string[], r: readonly string[], all: boolean): string[] => (varies ? [...cells, all ? 'all' : revs(r)] : cells);

  if (neverCol.length)
    out.push(
      'The column "never reached in" names the revisions in which no scenario reaches a state or takes a transition (every check',
      'there was complete); the diagram of such a revision greys the state and labels the transition "(never taken)".',
      '',
    );
  out.push('## States', '');
  out.push(
    table(
      [
        'state',
        'meaning',
        'kernel condition',
        'kernel function',
        'source',
        'tags',
        ...(unacceptedCol ? ['a call it has no handler for'] : []),
        ...revCol,
        ...neverCol,
      ],
      u.states.map((s) => [
        ...withRevs(stateRowCells(s.row, unacceptedCol, path), s.revisions, everywhere(s, u)),
        ...never(neverStates.get(s.row.path), s.revisions),
      ]),
    ),
    '',
  );

  out.push('## Transitions', '');
  out.push(
    'Transitions for the same event in the same state are tried in order (#2 only when the guard of #1 fails). "fairness" is what',
    'the liveness check may assume of the step (weak: taken when enabled for ever; not assumed: a choice the kernel never has to make).',
    '',
  );
  out.push(
    table(
      ['from', 'event', 'guard', 'to', 'actions', 'kernel function', 'source', 'fairness', 'meaning', ...revCol, ...neverCol],
      u.transitions.map((t) => [
        ...withRevs(transitionRowCells(t.row), t.revisions, everywhere(t, u)),
        ...never(neverTransitions.get(t.row.id), t.revisions),
      ]),
    ),
    '',
  );

  if (revisionDependent) {
    out.push('## What differs per revision', '');
    const changes = revisionChanges(m.builds);
    if (!changes.length) out.push(`Identical in every revision (${revs(u.revisions)}).`, '');
    for (const c of changes) {
      const what = c.kind === 'state' ? `state ${code(c.label)}` : code(c.label);
      const only = c.only ? ` only in ${revs(c.only)}${c.row.description && !c.fields.length ? `: ${text(c.row.description)}` : ''}` : '';
      out.push(`- ${what}${only}`);
      for (const f of c.fields) {
        out.push(`  - ${f.field}: ${f.variants.map((v) => `${revs(v.revisions)}: ${code(v.value)}`).join('; ')}`);
      }
    }
    out.push('');
  }

  out.push('## Diagram', '');
  // One diagram per distinct drawing: revisions that draw the same picture (reach included) share it.
  const diagrams = new Map<string, string[]>();
  for (const [rev, model] of m.builds) {
    const d = chartToMermaid(model.chart, { merge: true, unreached: unreached.get(rev) }).trimEnd();
    (diagrams.get(d) ?? diagrams.set(d, []).get(d)!).push(rev);
  }
  for (const [d, rs] of diagrams) {
    if (diagrams.size > 1 || revisionDependent) out.push(`### ${revs(rs) || 'every revision'}`, '');
    out.push('```mermaid', d, '```', '');
  }
  return out.join('\n');
}
