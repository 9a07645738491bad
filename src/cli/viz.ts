/**
 * `daxspec viz`: checks the chosen scenarios and revisions and writes the static viewer site into a
 * folder it owns; the one `--force` wording shared by the generators.
 */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { relative, resolve } from 'node:path';
import { InputError } from '../compose/errors.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { count, size, text } from './options.ts';
import { EXIT, EXIT_HELP } from './exit.ts';
import { UsageError } from './usage.ts';
import { thousands } from '../check/thousands.ts';

export interface VizArgs {
  scenario?: string;
  revision?: string;
  out: string;
  docs?: string;
  maxStates?: number;
  quiet?: boolean;
  force?: boolean;
  [size: string]: unknown;
}

/**
 * `daxspec viz --out DIR`: checks the scenarios (all, or one) in every revision (or one) and writes the
 * static site: statecharts, system views, the bug matrix and the trace player.
 */
export async function runViz(args: VizArgs, reg: Registry): Promise<number> {
  // Loaded here, not above: the CLI starts without the checker until a command needs it.
  const { resolveSizes } = await import('../check/check.ts');
  const { buildSiteData } = await import('../viz/siteData.ts');
  const { openSiteFolder, writeSite } = await import('../viz/site.ts');
  if (args.revision && !reg.revisions.includes(args.revision)) {
    throw new InputError('unknown-revision', { revision: args.revision, revisions: reg.revisions }, `no revision ${args.revision}`);
  }
  const scenarios = args.scenario ? [reg.find(args.scenario)] : [...reg.scenarios];
  // As check and export: a revision given for a scenario that has none would do nothing.
  if (args.revision && args.scenario && scenarios[0].revisions.length === 0)
    throw new InputError('revision-independent', { scenario: scenarios[0].name }, `scenario ${scenarios[0].name} has no revisions`);
  // The site links to the docs by a relative path: a folder that is not there would make every such link dangle.
  if (args.docs !== undefined && !existsSync(args.docs))
    throw new UsageError(`--docs ${args.docs}: no such folder (generate the docs there first with daxspec docs --out ${args.docs})`);
  const chosen = args.revision ? scenarios.filter((s) => s.revisions.length === 0 || s.revisions.includes(args.revision!)) : scenarios;
  if (chosen.length === 0)
    throw new InputError('unknown-revision', { scenario: args.scenario, revision: args.revision!, revisions: scenarios[0].revisions });
  const sizes = Object.fromEntries(reg.sizeNames().map((k) => [k, args[k] as number | undefined]));
  // A size applies to every scenario that declares it, within that scenario's range; one that none
  // of the chosen scenarios declares would do nothing.
  for (const [k, v] of Object.entries(sizes)) {
    if (v === undefined) continue;
    const having = chosen.filter((s) => s.sizes.some((p) => p.name === k));
    if (having.length === 0)
      throw new UsageError(
        `--${k} has no effect: ${args.scenario ? `scenario ${args.scenario} has no such size` : 'no scenario chosen has that size'}`,
      );
    for (const s of having) resolveSizes(s, { [k]: v });
  }
  const folder = openSiteFolder(args.out, { force: args.force });
  const started = performance.now();
  const data = await buildSiteData({
    scenarios: chosen,
    revisions: reg.revisions,
    revision: args.revision,
    sizes,
    maxStates: args.maxStates,
    // Links from the site to the docs are relative, so both can move together.
    docs: args.docs ? relative(resolve(args.out), resolve(args.docs)).split('\\').join('/') || '.' : undefined,
    onSystem: args.quiet ? undefined : (key, r) => process.stderr.write(`  ${key}: ${r.verdict} (${thousands(r.states)} states)\n`),
  });
  const files = writeSite(folder, data);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${resolve(files[0])}: ${counted(data.machines.length, 'machine')}, ${counted(data.systems.length, 'system')}, ${counted(data.traces.length, 'counterexample')} (${seconds} s); open it in a browser, no server needed\n`,
  );
  // The site is written either way; a check --max-states stopped is not complete, and the exit status says so, as check's does.
  const bounded = data.systems.filter((s) => !s.check.complete).length;
  if (bounded === 0) return EXIT.holds;
  process.stdout.write(
    `BOUNDED: ${bounded} of ${data.systems.length} systems stopped at --max-states ${args.maxStates}; their pages say so, and prove nothing past it\n`,
  );
  return EXIT.bounded;
}

/** What --force means, the same for docs, paths and viz. */
export const FORCE_HELP =
  'use a non-empty folder that has no daxspec manifest: write the generated files, replacing only files at those paths that daxspec generated (marked as such), remove nothing, leave every other file as it is';

export function registerViz(p: Command, done: (code: number) => void, reg: Registry, model: readonly [string, string]): void {
  const viz = p
    .command('viz')
    .description('write a static site: every machine as a statechart, the system views, the bug matrix and a trace player')
    .requiredOption(
      '-o, --out <dir>',
      'where to write the site (index.html, app.js, data.js, style.css); opens from file://, needs no network',
      text('out'),
    )
    .option('-s, --scenario <name>', 'only this scenario (default: every scenario)', text('scenario'))
    .option('-r, --revision <rev>', 'only this revision (default: every revision)', text('revision'))
    .option('--docs <dir>', 'the Markdown spec (docs/spec): each machine links to its page there, by a relative link', text('docs'))
    .option('--max-states <n>', 'bound each check (its cell then says bounded)', count('max-states', 1))
    .option('--force', FORCE_HELP)
    .option('-q, --quiet', 'no progress on stderr')
    .option(...model)
    .addHelpText(
      'after',
      '\nExamples:\n  daxspec viz --out site && xdg-open site/index.html\n  daxspec viz --scenario percpu-ref --users 2 --out /tmp/site\n' +
        EXIT_HELP,
    );
  for (const name of reg.sizeNames())
    viz.addOption(
      new Option(`--${name} <n>`, `size: ${name} (for the scenarios that have it, within each one's range)`).argParser(size(name)),
    );
  // Graphviz (wasm) loads asynchronously: main() awaits the action through parseAsync.
  viz.action(async (opts) => {
    done(await runViz(opts, reg));
  });
}

/** `1 machine`, `2 machines`. */
const counted = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
