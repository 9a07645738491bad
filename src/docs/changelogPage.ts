/**
 * The protocol changelog: per machine, a page of what each revision adds, removes or changes and which
 * matrix cells flip; and the history page that reads the revisions in order from the seeds to today.
 */
import { ANY_REVISION, type Catalog, type MachineEntry } from './catalog.ts';
import { cellFlips, history, machineSteps, type CellFlip, type MachineStep, type RowDiff } from './changelog.ts';
import { cell, code, link, text } from './markdown.ts';
import { changesPath, HISTORY_PATH, machinePath, propertyPath } from './pagePaths.ts';
import type { DocProperty } from './propertyPage.ts';
import type { Run } from './results.ts';
import type { SiteLinks } from './siteLinks.ts';

/** The anchor of a revision step on a changelog page: `to-v8`. */
export const stepAnchor = (to: string): string => `to-${to.replace(/[^A-Za-z0-9]/g, '-')}`;
const anchor = (id: string): string => `<a id="${id}"></a>`;

const CHANGE_TEXT: Readonly<Record<RowDiff['change'], string>> = { added: 'adds', removed: 'removes', changed: 'changes' };

function rowLines(r: RowDiff): string[] {
  const what =
    r.kind === 'state' && r.label !== '(the machine)'
      ? `state ${code(r.label)}`
      : r.label === '(the machine)'
        ? 'the machine'
        : `transition ${code(r.label)}`;
  const follows = r.src ? ` (follows: ${text(r.src)})` : '';
  const head = `- ${CHANGE_TEXT[r.change]} ${what}${r.change !== 'changed' && r.description ? `: ${text(r.description)}` : ''}${follows}`;
  return [head, ...r.fields.map((f) => `  - ${f.field}: ${code(f.before)} → ${code(f.after)}`)];
}

/** `I9, kernel-failure` with links, or `holds`, or `does not exist`. */
function cellValue(from: string, props: ReadonlyMap<string, DocProperty>, v: readonly string[] | undefined): string {
  if (!v) return 'not in this revision';
  if (!v.length) return 'holds';
  return v.map((p) => (props.get(p) ? link(from, propertyPath(props.get(p)!), p) : p)).join(', ');
}

function flipLine(from: string, f: CellFlip, props: ReadonlyMap<string, DocProperty>, site: SiteLinks): string {
  const viewer = f.after ? ` ([viewer](${site.system(from, f.scenario, f.to)}))` : '';
  return `- ${code(f.scenario)}: ${cellValue(from, props, f.before)} → ${cellValue(from, props, f.after)}${viewer}`;
}

/** A machine's changelog page: per revision step, what its build adds, removes or changes, and the cells of its scenarios that flip. */
export function machineChangelogPage(
  m: MachineEntry,
  runs: readonly Run[],
  props: ReadonlyMap<string, DocProperty>,
  site: SiteLinks,
): string {
  const path = changesPath(m.id);
  const out: string[] = [`# Changelog of ${code(m.id)}`, ''];
  out.push(
    `What each revision adds, removes or changes in the machine, diffed from its builds of consecutive revisions, and the`,
    `matrix cells of the scenarios that use it whose verdict differs between the two (from the checker's runs). A cell is`,
    `listed with the step, not with one row: other machines of the scenario may have changed in the same step (see the`,
    `${link(path, HISTORY_PATH, 'history')}). Its page: ${link(path, machinePath(m.id), m.id)}.`,
    '',
  );
  const revs = [...m.builds.keys()].filter((r) => r !== ANY_REVISION);
  if (revs.length < 2) {
    out.push(
      revs.length ? `Built in ${revs[0]} only: it has no history yet.` : 'Revision-independent (a benchmark model): it has no history.',
      '',
    );
    return out.join('\n');
  }
  out.push(
    `## ${revs[0]}: the first build`,
    '',
    `${[...m.builds.get(revs[0])!.states].length} states and ${m.builds.get(revs[0])!.transitions.length} transitions.`,
    '',
  );
  const scenarios = new Set(m.instances.map((i) => i.scenario));
  for (const step of machineSteps(m)) {
    out.push(anchor(stepAnchor(step.to)), '', `## ${step.from} → ${step.to}`, '');
    out.push(...stepLines(step), '');
    const flips = cellFlips(runs, step.from, step.to, scenarios);
    out.push(
      flips.length ? 'Matrix cells of its scenarios that differ:' : 'No matrix cell of its scenarios differs.',
      ...(flips.length ? ['', ...flips.map((f) => flipLine(path, f, props, site))] : []),
      '',
    );
  }
  return out.join('\n');
}

function stepLines(step: MachineStep): string[] {
  if (!step.rows.length) return ['No change to the machine.'];
  return step.rows.flatMap(rowLines);
}

/** A one-line count of a machine's step: `+2 states, -1 transition, 3 changed`. */
function summary(step: MachineStep): string {
  const count = (kind: RowDiff['kind'], change: RowDiff['change']) =>
    step.rows.filter((r) => r.kind === kind && r.change === change).length;
  const parts: string[] = [];
  const add = (n: number, what: string) => n && parts.push(`${what} ${n}`);
  add(count('state', 'added'), 'states added');
  add(count('state', 'removed'), 'states removed');
  add(count('state', 'changed'), 'states changed');
  add(count('transition', 'added'), 'transitions added');
  add(count('transition', 'removed'), 'transitions removed');
  add(count('transition', 'changed'), 'transitions changed');
  return parts.join(', ');
}

/**
 * The history of the DAX lifecycle protocols, revision by revision from the seeds: what each
 * revision is, which machines it changes (linked to their changelogs), which machines enter the
 * model, and every matrix cell whose verdict differs from the revision before.
 */
export function historyPage(
  catalog: Catalog,
  revisions: readonly { name: string; text: string }[],
  runs: readonly Run[],
  props: ReadonlyMap<string, DocProperty>,
  site: SiteLinks,
): string {
  const path = HISTORY_PATH;
  const textOf = new Map(revisions.map((r) => [r.name, r.text]));
  const out: string[] = ['# The history of the DAX lifecycle protocols', ''];
  out.push(
    'Each revision as the machines model it, in the order daxspec checks them, diffed from the one before: what it is, what it',
    "changes in which machine (each linked to the machine's changelog, with the kernel commit or seed every changed row follows),",
    "and the bug-matrix cells whose verdict differs from the revision before, from the checker's runs at default sizes.",
    `Back to the ${link(path, 'index.md', 'index')}.`,
    '',
  );
  const first = catalog.revisions[0];
  if (first) {
    out.push(anchor(stepAnchor(first)), '', `## ${first}`, '', cell(textOf.get(first)), '');
    const built = catalog.machines.filter((m) => m.builds.has(first));
    out.push(`The first revision: ${built.map((m) => link(path, machinePath(m.id), code(m.id))).join(', ')}.`, '');
  }
  for (const h of history(catalog)) {
    out.push(anchor(stepAnchor(h.to)), '', `## ${h.from} → ${h.to}`, '', cell(textOf.get(h.to)), '');
    const changed = h.steps.filter((s) => s.rows.length);
    const entering = catalog.machines.filter((m) => m.builds.has(h.to) && !m.builds.has(h.from));
    const leaving = catalog.machines.filter((m) => m.builds.has(h.from) && !m.builds.has(h.to));
    if (entering.length) out.push(`Enter the model: ${entering.map((m) => link(path, machinePath(m.id), code(m.id))).join(', ')}.`, '');
    if (leaving.length) out.push(`Leave the model: ${leaving.map((m) => link(path, machinePath(m.id), code(m.id))).join(', ')}.`, '');
    out.push(changed.length ? 'Machines it changes:' : 'No machine changes.', '');
    for (const s of changed) {
      const srcs = [...new Set(s.rows.map((r) => r.src).filter((x): x is string => !!x))];
      out.push(
        `- ${link(path, changesPath(s.machine) + '#' + stepAnchor(h.to), code(s.machine))}: ${summary(s)}${srcs.length ? `; follows ${srcs.map(text).join('; ')}` : ''}`,
      );
    }
    if (changed.length) out.push('');
    const flips = cellFlips(runs, h.from, h.to);
    out.push(flips.length ? 'Matrix cells that differ from the revision before:' : 'No matrix cell differs from the revision before.', '');
    for (const f of flips) {
      const machines = changed
        .filter((s) => catalog.machines.find((m) => m.id === s.machine)?.instances.some((i) => i.scenario === f.scenario))
        .map((s) => code(s.machine));
      out.push(`${flipLine(path, f, props, site)}${machines.length ? `; changed machines it uses: ${machines.join(', ')}` : ''}`);
    }
    out.push('');
  }
  return out.join('\n');
}
