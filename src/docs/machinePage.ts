import { ANY_REVISION, type MachineEntry } from './catalog.ts';
import { cell, code, link, table, text } from './markdown.ts';
import { chartToMermaid } from '../model/mermaid.ts';
import { unreachedOf, type Reachability } from '../model/reach.ts';
import { machinePath, propertyPath } from './pagePaths.ts';
import { everywhere, machineUnion } from './machineUnion.ts';
import { revisionChanges } from './revisionChanges.ts';
import type { StateRow, TransitionRow } from './machineModel.ts';

const revs = (r: readonly string[]): string => r.filter((x) => x !== ANY_REVISION).join(', ');
const blank = (s: string | undefined): string => (s ? cell(s) : '');
const fnCell = (fn: string | undefined): string => (fn ? code(fn) : '');

function stateRowCells(s: StateRow, unaccepted: boolean, page: string): string[] {
  const tags = s.tags.length ? s.tags.join(', ') : '';
  const violates = s.violates ? `violates ${link(page, propertyPath({ id: s.violates, invariant: true }), s.violates)}` : '';
  return [
    code(s.path) + (s.type === 'final' ? ' (final)' : s.type === 'parallel' ? ' (parallel)' : ''),
    blank(s.description),
    s.condition ? code(s.condition) : '',
    fnCell(s.fn),
    blank(s.src),
    [cell(tags), violates].filter(Boolean).join('; '),
    ...(unaccepted ? [blank(s.unaccepted)] : []),
  ];
}

function transitionRowCells(t: TransitionRow): string[] {
  return [
    code(t.source || '(machine)'),
    code(t.event) + (t.order > 0 ? ` #${t.order + 1}` : ''),
    t.guard ? code(t.guard) : '',
    t.targets.length ? t.targets.map(code).join(', ') : '(stays)',
    cell(t.actions.join(', ')),
    fnCell(t.fn),
    blank(t.src),
    blank(t.description),
  ];
}

/**
 * One machine: what the kernel object or code path is, its states and transitions
 * in every revision (one table; a column says which revisions have a row when
 * they differ), what each revision changes, and its diagram.
 */
export function machinePage(m: MachineEntry, reach?: Reachability): string {
  const path = machinePath(m.id);
  const u = machineUnion(m.builds);
  // Per revision, what no scenario reaches: a column names those revisions, rather than "all".
  const neverStates = new Map<string, string[]>();
  const neverTransitions = new Map<string, string[]>();
  for (const [rev, model] of m.builds) {
    const r = reach?.of(rev, m.id);
    if (!r?.complete) continue;
    const never = unreachedOf(model.chart, r);
    for (const i of never.states)
      (
        neverStates.get(model.chart.states[i].path) ?? neverStates.set(model.chart.states[i].path, []).get(model.chart.states[i].path)!
      ).push(rev);
    for (const i of never.transitions)
      (
        neverTransitions.get(model.chart.transitions[i].id) ??
        neverTransitions.set(model.chart.transitions[i].id, []).get(model.chart.transitions[i].id)!
      ).push(rev);
  }
  const neverCol = neverStates.size + neverTransitions.size > 0 ? ['never reached in'] : [];
  const never = (list: string[] | undefined): string[] =>
    neverCol.length ? [list ? [...new Set(list)].map((r) => (r === ANY_REVISION ? 'any' : r)).join(', ') : ''] : [];
  const first = [...m.builds.values()][0];
  const varies = u.states.some((s) => !everywhere(s, u)) || u.transitions.some((t) => !everywhere(t, u));
  const revisionDependent = u.revisions.some((r) => r !== ANY_REVISION);
  const out: string[] = [`# ${code(m.id)}`, ''];
  out.push(first.description ? text(first.description) : '_(the machine has no description)_', '');
  const root = [first.fn ? `kernel function ${code(first.fn)}` : '', first.src ? `source: ${text(first.src)}` : ''].filter(Boolean);
  if (root.length) out.push(root.join('; '), '');
  out.push(`Back to the ${link(path, 'index.md', 'index')}.`, '');

  out.push('## Where it is used', '');
  out.push(
    table(
      ['scenario', 'actor', 'kind', 'environment events'],
      m.instances.map((i) => [
        code(i.scenario),
        code(i.actor),
        i.kind === 'path' ? 'code path' : 'kernel object',
        i.env.length ? i.env.map(code).join(', ') : '(calls only)',
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

  // Only objects say what an unhandled call means; code paths would get an empty column.
  const unacceptedCol = u.states.some((s) => s.row.unaccepted);
  const revCol = varies ? ['revisions'] : [];
  const withRevs = (cells: string[], r: readonly string[], all: boolean): string[] => (varies ? [...cells, all ? 'all' : revs(r)] : cells);

  if (neverCol.length)
    out.push(
      'The column "never reached in" names the revisions in which no scenario reaches a state or takes a transition (every check there was complete).',
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
        ...never(neverStates.get(s.row.path)),
      ]),
    ),
    '',
  );

  out.push('## Transitions', '');
  out.push('Transitions for the same event in the same state are tried in order (#2 only when the guard of #1 fails).', '');
  out.push(
    table(
      ['from', 'event', 'guard', 'to', 'actions', 'kernel function', 'source', 'meaning', ...revCol, ...neverCol],
      u.transitions.map((t) => [
        ...withRevs(transitionRowCells(t.row), t.revisions, everywhere(t, u)),
        ...never(neverTransitions.get(t.row.id)),
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
  // One diagram per distinct structure: revisions that draw the same picture share it.
  const diagrams = new Map<string, string[]>();
  for (const [rev, model] of m.builds) {
    const d = chartToMermaid(model.chart, { merge: true }).trimEnd();
    (diagrams.get(d) ?? diagrams.set(d, []).get(d)!).push(rev);
  }
  for (const [d, rs] of diagrams) {
    if (diagrams.size > 1 || revisionDependent) out.push(`### ${revs(rs) || 'every revision'}`, '');
    out.push('```mermaid', d, '```', '');
  }
  return out.join('\n');
}
