import { Option, type Command } from 'commander';
import { relative, resolve } from 'node:path';
import { ModelError } from '../compose/errors.ts';
import { REVISIONS, SCENARIOS, findScenario, sizeNames } from '../registry.ts';
import { count } from './options.ts';
import { buildSiteData } from '../viz/siteData.ts';
import { writeSite } from '../viz/site.ts';

export interface VizArgs {
  scenario?: string;
  revision?: string;
  out: string;
  docs?: string;
  maxStates?: number;
  quiet?: boolean;
  [size: string]: unknown;
}

/**
 * `daxspec viz --out DIR`: checks the scenarios (all, or one) in every revision (or one) and writes the
 * static site: statecharts, system views, the bug matrix and the trace player.
 */
export async function runViz(args: VizArgs): Promise<number> {
  if (args.revision && !(REVISIONS as readonly string[]).includes(args.revision)) {
    throw new ModelError(`unknown revision '${args.revision}' (revisions: ${REVISIONS.join(', ')})`);
  }
  const scenarios = args.scenario ? [findScenario(args.scenario)] : [...SCENARIOS];
  const chosen = args.revision ? scenarios.filter((s) => s.revisions.length === 0 || s.revisions.includes(args.revision!)) : scenarios;
  if (chosen.length === 0) throw new ModelError(`scenario ${args.scenario} has no revision ${args.revision}`);
  const sizes = Object.fromEntries(sizeNames().map((k) => [k, args[k] as number | undefined]));
  const started = performance.now();
  const data = await buildSiteData({
    scenarios: chosen,
    revisions: REVISIONS,
    revision: args.revision,
    sizes,
    maxStates: args.maxStates,
    // Links from the site to the docs are relative, so both can move together.
    docs: args.docs ? relative(resolve(args.out), resolve(args.docs)).split('\\').join('/') || '.' : undefined,
    onSystem: args.quiet ? undefined : (key, r) => process.stderr.write(`  ${key}: ${r.verdict} (${r.states.toLocaleString('en-US')} states)\n`),
  });
  const files = writeSite(args.out, data);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `wrote ${resolve(files[0])}: ${data.machines.length} machines, ${data.systems.length} systems, ${data.traces.length} counterexamples (${seconds} s); open it in a browser, no server needed\n`,
  );
  return 0;
}

export function registerViz(p: Command): void {
  const viz = p
    .command('viz')
    .description('write a static site: every machine as a statechart, the system views, the bug matrix and a trace player')
    .requiredOption('-o, --out <dir>', 'where to write the site (index.html, app.js, data.js, style.css); opens from file://, needs no network')
    .option('-s, --scenario <name>', 'only this scenario (default: every scenario)')
    .option('-r, --revision <rev>', 'only this revision (default: every revision)')
    .option('--docs <dir>', 'the Markdown spec (docs/spec): each machine links to its page there, by a relative link')
    .option('--max-states <n>', 'bound each check (its cell then says bounded)', count('max-states', 1))
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  daxspec viz --out site && xdg-open site/index.html\n  daxspec viz --scenario percpu-ref --users 2 --out /tmp/site\n\nExit status: 0 written, 2 bad input.');
  for (const name of sizeNames()) viz.addOption(new Option(`--${name} <n>`, `size: ${name} (for the scenarios that have it)`).argParser(count(name)));
  // Graphviz (wasm) loads asynchronously: main() awaits the action through parseAsync.
  viz.action(async (opts) => {
    process.exitCode = await runViz(opts);
  });
}

