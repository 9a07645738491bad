import { readFileSync } from 'node:fs';
import { deviceInvariants, pageInvariants } from '../../machines/invariants.ts';
import type { Revision } from '../../machines/kit/revision.ts';
import { REVISION_LABEL, REVISION_TEXT } from '../../machines/eras.ts';
import type { CheckOptions } from '../check/check.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { BUILTIN_PROPERTIES } from '../check/properties.ts';
import { REVISIONS, SCENARIOS } from '../registry.ts';
import { buildCatalog, type Catalog } from './catalog.ts';
import { indexPage } from './indexPage.ts';
import { collectInvariants, type DocInvariant } from './invariants.ts';
import { machinePage } from './machinePage.ts';
import { machinePath, propertyPath } from './pagePaths.ts';
import { propertyPage, type DocProperty } from './propertyPage.ts';
import { runAll, type Run } from './results.ts';
import { Reachability } from '../viz/reach.ts';

/** The command that regenerates the committed docs; the index prints it. */
export const REGENERATE = 'npx tsx src/cli.ts docs --out docs/spec';

export interface DocsInput {
  readonly summary: string;
  readonly scenarios: readonly Scenario[];
  /** label: what the pages call it where it differs from the name ("v8 series" for a patch-series posting). */
  readonly revisions: readonly { name: string; text: string; label?: string }[];
  /** Invariant rules declared whether or not a scenario checks them yet. */
  readonly rules: readonly { id: string; text: string; why?: unknown }[];
}

/** The project's own input: every registered scenario and revision, and the invariants of machines/invariants.ts. */
export function projectInput(): DocsInput {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { description: string };
  return {
    summary: pkg.description,
    scenarios: SCENARIOS,
    revisions: REVISIONS.map((r) => ({ name: r, text: REVISION_TEXT[r as Revision], label: REVISION_LABEL[r as Revision] })),
    rules: [...deviceInvariants, ...pageInvariants],
  };
}

/** What the docs are made of, before any page is written; lint reads the same. */
export interface DocsModel {
  readonly catalog: Catalog;
  readonly invariants: readonly DocInvariant[];
}

export function docsModel(input: DocsInput): DocsModel {
  const revisions = input.revisions.map((r) => r.name);
  return {
    catalog: buildCatalog(input.scenarios, revisions),
    invariants: collectInvariants(input.rules, input.scenarios, revisions),
  };
}

/**
 * Every page, keyed by its path under the docs root, in a stable order. The pages
 * depend on the machines and the checker's verdicts only (no dates, no timings),
 * so regenerating unchanged machines gives byte-identical files.
 */
export function generateDocs(input: DocsInput, options: CheckOptions = {}, onRun?: (r: Run) => void): Map<string, string> {
  const model = docsModel(input);
  const reach = new Reachability();
  const runs = runAll(
    input.scenarios,
    input.revisions.map((r) => r.name),
    options,
    onRun,
    reach,
  );
  const properties: DocProperty[] = [
    ...model.invariants.map((i) => ({ id: i.id, text: i.text, why: i.why, invariant: true, checkedIn: i.checkedIn })),
    ...BUILTIN_PROPERTIES.map((p) => ({ id: p.id, text: p.text, invariant: false })),
  ];
  const pages = new Map<string, string>();
  pages.set(
    'index.md',
    indexPage({
      summary: input.summary,
      catalog: model.catalog,
      scenarios: input.scenarios,
      revisions: input.revisions,
      properties,
      runs,
      regenerate: REGENERATE,
    }),
  );
  for (const m of model.catalog.machines) pages.set(machinePath(m.id), machinePage(m, reach));
  for (const p of properties)
    pages.set(
      propertyPath(p),
      propertyPage(
        p,
        runs,
        input.revisions.map((r) => r.name),
        model.catalog,
        (name) => input.revisions.find((r) => r.name === name)?.label ?? name,
      ),
    );
  // One trailing newline per file, as editors and git expect.
  return new Map(
    [...pages]
      .sort(([a], [b]) => (a === 'index.md' ? -1 : b === 'index.md' ? 1 : a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, v.trimEnd() + '\n']),
  );
}
