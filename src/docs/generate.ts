/**
 * The docs generator: from a registry's scenarios, revisions and checker verdicts to every page of the
 * Markdown spec, keyed by path and deterministic, so `docs --check` can compare them byte for byte.
 */
import { REVISION_LABEL } from '../../machines/eras.ts';
import type { CheckOptions } from '../check/check.ts';
import type { Scenario } from '../../machines/kit/types.ts';
import { BUILTIN_PROPERTIES } from '../check/properties.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { buildCatalog, type Catalog } from './catalog.ts';
import { indexPage } from './indexPage.ts';
import { collectInvariants, type DocInvariant } from './invariants.ts';
import { collectLiveness, type DocLiveness } from './liveness.ts';
import { machinePage } from './machinePage.ts';
import { changesPath, HISTORY_PATH, machinePath, propertyPath } from './pagePaths.ts';
import { historyPage, machineChangelogPage } from './changelogPage.ts';
import { SiteLinks } from './siteLinks.ts';
import { propertyPage, type DocProperty } from './propertyPage.ts';
import { runAll, type Run } from './results.ts';
import { Reachability } from '../model/reach.ts';
import { lintCatalog, type LintIssue } from './lint.ts';
import { lintReach } from './reachLint.ts';
import { unreachedByRevision } from './machinePage.ts';

/** The command that regenerates the committed docs of this repository; the index prints it. */
export const REGENERATE = 'npx tsx src/cli.ts docs --out docs/spec';

export interface DocsInput {
  readonly summary: string;
  readonly scenarios: readonly Scenario[];
  /** label: what the pages call it where it differs from the name ("v8 series" for a patch-series posting). */
  readonly revisions: readonly { name: string; text: string; label?: string }[];
  /** Invariant rules declared whether or not a scenario checks them yet. */
  readonly rules: readonly { id: string; text: string; why?: unknown }[];
  /** The command the index names to regenerate the pages (default: this repository's, REGENERATE). */
  readonly regenerate?: string;
  /** Whether a revision's kernel has a function, where the model declares its kernel's functions (the lint checks them). */
  readonly kernelFunction?: (revision: string, fn: string) => boolean;
}

/** A registry's scenarios, revisions and rules as the docs' input, regenerated into `out`. */
export function registryInput(reg: Registry, out: string): DocsInput {
  return {
    summary: reg.summary,
    scenarios: reg.scenarios,
    revisions: reg.revisions.map((r) => ({
      name: r,
      text: reg.revisionText(r) ?? '',
      label: (REVISION_LABEL as Record<string, string>)[r] ?? r,
    })),
    rules: reg.rules,
    regenerate: reg.regenerate('docs', out),
    ...(reg.kernelFunction ? { kernelFunction: reg.kernelFunction } : {}),
  };
}

/** What the docs are made of, before any page is written; lint reads the same. */
export interface DocsModel {
  readonly catalog: Catalog;
  readonly invariants: readonly DocInvariant[];
  readonly liveness: readonly DocLiveness[];
}

export function docsModel(input: DocsInput): DocsModel {
  const revisions = input.revisions.map((r) => r.name);
  const invariants = collectInvariants(input.rules, input.scenarios, revisions);
  return {
    catalog: buildCatalog(input.scenarios, revisions),
    invariants,
    liveness: collectLiveness(input.scenarios, revisions, new Set(invariants.map((i) => i.id))),
  };
}

/**
 * Every page, keyed by its path under the docs root, in a stable order. The pages
 * depend on the machines and the checker's verdicts only (no dates, no timings),
 * so regenerating unchanged machines gives byte-identical files.
 */
export function generateDocs(
  input: DocsInput,
  options: CheckOptions = {},
  onRun?: (r: Run) => void,
  site: SiteLinks = new SiteLinks(),
): Map<string, string> {
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
    ...model.liveness.map((l) => ({ id: l.id, text: l.text, why: l.why, invariant: false, liveness: l.form, checkedIn: l.checkedIn })),
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
      regenerate: input.regenerate ?? REGENERATE,
      site,
    }),
  );
  const byId = new Map(properties.map((p) => [p.id, p]));
  for (const m of model.catalog.machines) {
    pages.set(machinePath(m.id), machinePage(m, reach, site));
    pages.set(changesPath(m.id), machineChangelogPage(m, runs, byId, site));
  }
  pages.set(HISTORY_PATH, historyPage(model.catalog, input.revisions, runs, byId, site));
  for (const p of properties)
    pages.set(
      propertyPath(p),
      propertyPage(
        p,
        runs,
        input.revisions.map((r) => r.name),
        model.catalog,
        site,
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

/**
 * Everything `docs --lint` reports: what the machines leave unsaid (lint.ts), kernel functions a revision's
 * kernel lacks on a row some scenario reaches there, and machine pages that show as live what no scenario
 * reaches, or the reverse (reachLint.ts). Reach needs every scenario checked, as generating the pages does.
 */
export function lintDocs(input: DocsInput, options: CheckOptions = {}, onRun?: (r: Run) => void): LintIssue[] {
  const model = docsModel(input);
  const reach = new Reachability();
  runAll(
    input.scenarios,
    input.revisions.map((r) => r.name),
    options,
    onRun,
    reach,
  );
  const never = new Map(
    model.catalog.machines.map((m) => {
      const byRev = new Map<string, { states: Set<string>; transitions: Set<string> }>();
      for (const [rev, u] of unreachedByRevision(m, reach)) {
        const chart = m.builds.get(rev)!.chart;
        byRev.set(rev, {
          states: new Set([...u.states].map((i) => chart.states[i].path)),
          transitions: new Set([...u.transitions].map((i) => chart.transitions[i].id)),
        });
      }
      return [m.id, byRev];
    }),
  );
  const pages = new Map(model.catalog.machines.map((m) => [m.id, machinePage(m, reach)]));
  return [
    ...lintCatalog(model.catalog, model.invariants, {
      kernelFunction: input.kernelFunction,
      unreached: (id, rev) => never.get(id)?.get(rev),
    }),
    ...lintReach(model.catalog, reach, pages),
    // A liveness property's page says why the kernel relies on it, as an invariant's does.
    ...model.liveness
      .filter((l) => !l.why)
      .map((l) => ({ machine: 'liveness', where: `property ${l.id}`, missing: 'why (the reason the kernel relies on it)', revisions: [] })),
  ];
}
