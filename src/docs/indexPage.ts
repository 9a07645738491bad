/**
 * The spec's entry page: what is modelled, the entities, the revisions, the properties and the bug
 * matrix with each violated property linked to its page.
 */
import type { Scenario } from '../../machines/kit/types.ts';
import { ANY_REVISION, type Catalog, type MachineEntry } from './catalog.ts';
import { HISTORY_PATH, machinePath, propertyPath } from './pagePaths.ts';
import type { MachineModel } from './machineModel.ts';
import type { SiteLinks } from './siteLinks.ts';
import { cell, code, link, table, text } from './markdown.ts';
import { runsFor, type DocProperty } from './propertyPage.ts';
import type { Run } from './results.ts';
import { thousands } from '../check/thousands.ts';

export interface IndexInput {
  /** What daxspec is, in one sentence (package.json's description). */
  readonly summary: string;
  readonly catalog: Catalog;
  readonly scenarios: readonly Scenario[];
  readonly revisions: readonly { name: string; text: string; label?: string }[];
  readonly properties: readonly DocProperty[];
  readonly runs: readonly Run[];
  /** The command that regenerates these pages. */
  readonly regenerate: string;
  readonly site: SiteLinks;
}

const n = thousands;

/** A count per build, as one number when every revision has the same: `11`, or `12 (v4.17) / 14 (v6.15)`. */
function sizes(m: MachineEntry, of: (b: MachineModel) => number): string {
  const all = [...m.builds].map(([rev, b]) => [rev, of(b)] as const);
  if (new Set(all.map(([, x]) => x)).size === 1) return String(all[0][1]);
  return all
    .filter(([, x], i) => i === 0 || all[i - 1][1] !== x)
    .map(([rev, x]) => `${x} from ${rev}`)
    .join(', ');
}

/** A matrix cell: each violated property linked to its page, with its shortest counterexample's length. */
function matrixCell(r: Run | undefined, props: ReadonlyMap<string, DocProperty>, site: SiteLinks): string {
  // The scenario does not exist in this revision.
  if (!r) return 'n/a';
  const vacuous = r.vacuous?.length ? ` (${r.vacuous.join(', ')} only vacuously)` : '';
  if (!r.findings.length) return r.verdict === 'bounded' ? `bounded (${n(r.states)})` : `holds (${n(r.states)})${vacuous}`;
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const f of r.findings) {
    if (seen.has(f.property)) continue;
    seen.add(f.property);
    const p = props.get(f.property);
    const len = f.kind === 'liveness' && f.loop !== undefined ? `lasso ${f.loop}+${f.length - f.loop}` : String(f.length);
    parts.push(`${p ? link('index.md', propertyPath(p), f.property) : f.property} (${len})`);
  }
  const more = r.findings.length - parts.length;
  const viewer = ` ([viewer](${site.system('index.md', r.scenario, r.revision)}))`;
  return (
    parts.join(', ') +
    (more ? ` (+${more} more counterexample${more === 1 ? '' : 's'} of these properties)` : '') +
    (r.verdict === 'bounded' ? ', bounded' : '') +
    viewer
  );
}

/** A property's row in the index: its page, its statement, how many scenarios check it and where it fails. */
function propertyRow(p: DocProperty, runs: readonly Run[]): string[] {
  const rel = runsFor(p, runs);
  const bad = rel.filter((r) => r.findings.some((f) => f.property === p.id));
  const scenarios = new Set(rel.map((r) => r.scenario)).size;
  return [
    link('index.md', propertyPath(p), p.id),
    cell(p.text),
    `${scenarios} scenario${scenarios === 1 ? '' : 's'}`,
    bad.length ? bad.map((r) => (r.revision === ANY_REVISION ? r.scenario : `${r.scenario} @ ${r.revision}`)).join(', ') : 'none',
  ];
}

/** The entry page: what is modelled, the entities, the revisions, the properties, the bug matrix. */
export function indexPage(input: IndexInput): string {
  const { catalog, scenarios, revisions, properties, runs } = input;
  // A patch-series version is named as such ("v8 series"): it was posted, never released.
  const labelOf = (name: string): string => revisions.find((r) => r.name === name)?.label ?? name;
  const props = new Map(properties.map((p) => [p.id, p]));
  const out: string[] = ['# daxspec: the specification', ''];
  out.push(text(input.summary) + '.', '');
  out.push(
    'Every page here is generated from the machines (their states, transitions, `description` and `meta`), the invariants and the',
    "checker's results; nothing is written by hand. Regenerate with " +
      code(input.regenerate) +
      '; `daxspec docs --check` fails when these pages are stale.',
    '',
  );

  out.push(
    `How the protocols changed from the seeds to today, revision by revision, and which matrix cells each change flips: ${link('index.md', HISTORY_PATH, 'the history')}.`,
    `The statecharts, matrix and trace player are in the viewer (${code('daxspec viz --out site --docs docs/spec')}; ${`[open it](${input.site.matrix('index.md')})`}): every page here links to the same machine,`,
    'trace or cell there, and the viewer links back.',
    '',
  );
  out.push('## Entities', '');
  out.push('Each kernel object or code path is one machine; a kernel function call is an event.', '');
  const entityRow = (m: MachineEntry): string[] => {
    const kinds = [...new Set(m.instances.map((i) => (i.kind === 'path' ? 'code path' : 'kernel object')))].join(', ');
    const revs = [...m.builds.keys()].filter((r) => r !== ANY_REVISION);
    // What it is, in each revision where that differs: the first build alone would describe old kernels as today's.
    const whats = [...new Set([...m.builds.values()].map((b) => b.description ?? ''))];
    const what =
      whats.length === 1
        ? cell(whats[0]) || 'not stated'
        : [...m.builds]
            .filter(([, b], i, all) => i === 0 || all[i - 1][1].description !== b.description)
            .map(([rev, b]) => `from ${rev}: ${cell(b.description) || 'not stated'}`)
            .join('<br>');
    return [
      link('index.md', machinePath(m.id), code(m.id)),
      kinds,
      what,
      revs.length ? revs.join(', ') : '(any)',
      sizes(m, (b) => b.states.length),
      sizes(m, (b) => b.transitions.length),
    ];
  };
  const header = ['machine', 'kind', 'what it is', 'revisions', 'states', 'transitions'];
  // Machines only revision-independent scenarios use are the benchmark models, not the DAX spec.
  const bench = (m: MachineEntry) => [...m.builds.keys()].every((r) => r === ANY_REVISION);
  const dax = catalog.machines.filter((m) => !bench(m));
  const others = catalog.machines.filter(bench);
  if (dax.length) out.push(table(header, dax.map(entityRow)), '');
  if (others.length) out.push('Benchmark models (revision-independent):', '', table(header, others.map(entityRow)), '');

  out.push('## Revisions', '');
  out.push(
    table(
      ['revision', 'what it is'],
      revisions.map((r) => [r.label && r.label !== r.name ? `${r.label} (${code(r.name)})` : code(r.name), cell(r.text)]),
    ),
    '',
  );

  out.push('## Scenarios', '');
  out.push(
    table(
      ['scenario', 'what it checks', 'revisions', 'sizes (default)'],
      scenarios.map((s) => [
        code(s.name),
        cell(s.description),
        s.revisions.length ? s.revisions.map(labelOf).join(', ') : '(any)',
        s.sizes.map((p) => `${p.name} = ${p.default}`).join(', '),
      ]),
    ),
    '',
  );

  const invariants = properties.filter((p) => p.invariant);
  out.push('## Invariants', '');
  out.push(
    table(
      ['invariant', 'property', 'checked in', 'violated in'],
      invariants.map((p) => propertyRow(p, runs)),
    ),
    '',
  );
  const liveness = properties.filter((p) => p.liveness);
  if (liveness.length) {
    out.push('## Liveness properties', '');
    out.push(
      'Checked under the fairness the machines declare (each page lists it); a violation is a lasso, a path to a cycle fair behaviours may',
      'repeat for ever without the property coming true.',
      '',
      table(
        ['property', 'what must eventually happen', 'checked in', 'violated in'],
        liveness.map((p) => propertyRow(p, runs)),
      ),
      '',
    );
  }
  const builtin = properties.filter((p) => !p.invariant && !p.liveness);
  out.push('The checker also reports, in every scenario:', '');
  out.push(
    table(
      ['property', 'what it means'],
      builtin.map((p) => [link('index.md', propertyPath(p), p.id), cell(p.text)]),
    ),
    '',
  );

  out.push('## Bug matrix', '');
  out.push(
    'Every scenario in every revision it has, checked exhaustively at its default sizes (`daxspec check --all`). A cell names each violated',
    'property with the length of its shortest counterexample (follow the link for the kernel call sequence), or says that every property',
    'holds, with the number of states explored; n/a where the scenario does not exist in that revision.',
    '',
  );
  const revScenarios = scenarios.filter((s) => s.revisions.length);
  const cols = input.revisions.map((r) => r.name);
  if (revScenarios.length) {
    const find = (s: string, r: string) => runs.find((x) => x.scenario === s && x.revision === r);
    out.push(
      table(
        ['scenario', ...cols.map(labelOf)],
        revScenarios.map((s) => [code(s.name), ...cols.map((r) => matrixCell(find(s.name, r), props, input.site))]),
      ),
      '',
    );
  } else {
    out.push('No revision-dependent scenario is defined yet (machines/scenarios.ts).', '');
  }
  const anyRuns = runs.filter((r) => r.revision === ANY_REVISION);
  if (anyRuns.length) {
    out.push('Revision-independent models (benchmarks):', '');
    out.push(
      table(
        ['scenario', 'result'],
        anyRuns.map((r) => [code(r.scenario), matrixCell(r, props, input.site)]),
      ),
      '',
    );
  }
  return out.join('\n');
}
