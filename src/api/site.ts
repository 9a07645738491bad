/**
 * The public `renderSite`: the visualizer's static site (statecharts, system views, the bug matrix and
 * the trace player) for any scenarios, written to a folder that opens from file:// with no server.
 */
import type { Scenario } from '../../machines/kit/types.ts';
import { writeSite } from '../viz/site.ts';
import { buildSiteData } from '../viz/siteData.ts';

/** Options of {@link renderSite}. */
export interface SiteOptions {
  /** The scenarios to show; each is checked in every revision it has (or in `revision`). */
  readonly scenarios: readonly Scenario[];
  /** Every revision, in order (the matrix columns); default: those the scenarios have, in the order first met. */
  readonly revisions?: readonly string[];
  /** Only this revision. */
  readonly revision?: string;
  /** Sizes by name; the scenarios' defaults for the rest. */
  readonly sizes?: Readonly<Record<string, number>>;
  /** Bound each check (its cell then says bounded). */
  readonly maxStates?: number;
  /** Called after each scenario and revision is checked. */
  readonly onSystem?: (key: string, verdict: 'holds' | 'violated' | 'bounded', states: number) => void;
}

/** Checks the scenarios and writes the site into `outDir`; returns the files written (index.html first). */
export async function renderSite(outDir: string, options: SiteOptions): Promise<string[]> {
  const revisions = options.revisions ?? [...new Set(options.scenarios.flatMap((s) => s.revisions))];
  const data = await buildSiteData({
    scenarios: options.scenarios,
    revisions,
    revision: options.revision,
    sizes: options.sizes,
    maxStates: options.maxStates,
    onSystem: options.onSystem && ((key, r) => options.onSystem!(key, r.verdict, r.states)),
  });
  return writeSite(outDir, data);
}
