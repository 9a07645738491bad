/**
 * The public `generateDocs`: the Markdown spec (an index, a page per machine and per property, every
 * counterexample as a numbered sequence of calls) for any scenarios, as pages in memory.
 */
import type { Scenario } from '../../machines/kit/types.ts';
import { generateDocs as generatePages } from '../docs/generate.ts';

/** What {@link generateDocs} documents. */
export interface DocsOptions {
  readonly scenarios: readonly Scenario[];
  /** The index's first paragraph. */
  readonly summary?: string;
  /** The revisions in order, with what each is; default: those the scenarios have, without words. */
  readonly revisions?: readonly (string | { readonly name: string; readonly text?: string })[];
  /** Invariants to list even where no scenario checks them yet (those the scenarios check are listed anyway). */
  readonly rules?: readonly { readonly id: string; readonly text: string; readonly why?: string }[];
  /** The command the index names to regenerate the pages. */
  readonly regenerate?: string;
  /** Bound each check. */
  readonly maxStates?: number;
}

/**
 * Checks every scenario in every revision and returns the pages, keyed by path (`index.md`,
 * `machines/NAME.md`, `properties/ID.md`), in a stable order. Same machines, same bytes: no dates, no timings.
 */
export function generateDocs(options: DocsOptions): Map<string, string> {
  const named = (options.revisions ?? [...new Set(options.scenarios.flatMap((s) => s.revisions))]).map((r) =>
    typeof r === 'string' ? { name: r } : r,
  );
  return generatePages(
    {
      summary: options.summary ?? '',
      scenarios: options.scenarios,
      revisions: named.map((r) => ({ name: r.name, text: r.text ?? '' })),
      rules: options.rules ?? [],
      regenerate: options.regenerate ?? 'npx daxspec docs --model MODEL --out DIR',
    },
    { maxStates: options.maxStates },
  );
}
