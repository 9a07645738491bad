/**
 * `daxspec docs`: where the Markdown spec is written by default, and the write, `--check` (stale pages)
 * and `--lint` (what the machines leave unsaid) modes, worded for the terminal.
 */
import { existsSync } from 'node:fs';
import { comparePages, isStale, openDocsFolder, writePages } from '../docs/files.ts';
import { docsModel, generateDocs, lintDocs, registryInput } from '../docs/generate.ts';
import { formatLint, lintCatalog } from '../docs/lint.ts';
import { runName } from '../docs/propertyPage.ts';
import { FROM_SOURCES, packageFile } from '../files.ts';
import { DEFAULT_SITE, SiteLinks } from '../docs/siteLinks.ts';
import { MANIFEST } from '../outputs/generatedFolder.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { EXIT } from './exit.ts';
import { UsageError } from './usage.ts';
import { thousands } from '../check/thousands.ts';

export interface DocsArgs {
  out?: string;
  check?: boolean;
  lint?: boolean;
  quiet?: boolean;
  force?: boolean;
  model?: string;
  /** Where the viewer's site is, seen from the docs folder (default ../../site: `viz --out site` at the repository root). */
  site?: string;
}

/**
 * The committed docs of this repository, wherever the command is run from; docs/spec under the current
 * folder for a user's model, or when run from the installed package (which has no docs of its own).
 */
export const defaultOut = (args: DocsArgs): string => (args.model || !FROM_SOURCES ? 'docs/spec' : packageFile('docs/spec'));

/**
 * `daxspec docs`: writes the spec as Markdown (--out), says which committed pages
 * are stale (--check), or lists every state and transition that does not say
 * what it is (--lint). --check and --lint exit 1 when they find something.
 */
export function runDocs(args: DocsArgs, reg: Registry): number {
  if (args.check && args.lint) throw new UsageError('docs: --check and --lint are separate runs; give one');
  if (args.lint && args.site) throw new UsageError('--site has no effect with --lint, which writes nothing');
  if (args.lint && args.out) throw new UsageError('--out has no effect with --lint, which writes nothing');
  if (args.force && (args.check || args.lint))
    throw new UsageError(`--force has no effect with --${args.check ? 'check' : 'lint'}, which writes nothing`);
  const input = registryInput(reg, args.out ?? 'docs/spec');
  if (args.lint) {
    const issues = lintDocs(input);
    if (issues.length) {
      process.stdout.write(formatLint(issues) + '\n');
      process.stderr.write(
        `daxspec docs --lint: ${issues.length} missing (docs/authoring.md: a description, meta.condition, meta.fn and meta.src on every state, a description, meta.fn and meta.src on every transition, kernel functions named as C identifiers of the revision's kernel; what no scenario reaches marked so; a why on every invariant)\n`,
      );
      return EXIT.violated;
    }
    if (!args.quiet) process.stderr.write('daxspec docs --lint: every machine, state, transition and invariant says what it is\n');
    return EXIT.holds;
  }
  const out = args.out ?? defaultOut(args);
  // The folder is checked before the pages are generated: a refusal costs nothing.
  // A folder that is not there holds no docs to compare: a wrong --out (or the default, run from elsewhere), not stale docs.
  if (args.check && !existsSync(out))
    throw new UsageError(`--check: ${out} does not exist (generate the docs there first, or give --out the folder that holds them)`);
  const folder = args.check ? undefined : openDocsFolder(out, { force: args.force });
  // --check runs inside npm test: one line of verdict there, not a line per scenario.
  const pages = generateDocs(
    input,
    {},
    (r) => {
      if (!args.quiet && !args.check) process.stderr.write(`  ${runName(r)}: ${r.verdict}, ${thousands(r.states)} states\n`);
    },
    new SiteLinks(args.site ?? DEFAULT_SITE),
  );
  if (args.check) {
    const s = comparePages(out, pages);
    if (!isStale(s)) {
      if (!args.quiet) process.stderr.write(`daxspec docs --check: ${pages.size} pages in ${out} are up to date\n`);
      return EXIT.holds;
    }
    const lines = [
      ...s.differ.map((p) => `stale: ${p}`),
      ...s.missing.map((p) => `missing: ${p}`),
      ...s.extra.map((p) => `no longer generated: ${p}`),
      ...(s.manifest ? [`stale: ${MANIFEST} (the list of generated pages)`] : []),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    process.stderr.write(`daxspec docs --check: the docs in ${out} differ from the machines; regenerate with: ${input.regenerate}\n`);
    return EXIT.violated;
  }
  const changed = writePages(folder!, pages);
  if (!args.quiet) process.stderr.write(`daxspec docs: ${pages.size} pages in ${out}, ${changed.length} changed\n`);
  const model = docsModel(input);
  const issues = lintCatalog(model.catalog, model.invariants);
  if (issues.length && !args.quiet) process.stderr.write(`(${issues.length} descriptions or reasons missing: run daxspec docs --lint)\n`);
  return EXIT.holds;
}
