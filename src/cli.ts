#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './check/check.ts';
import { ModelError } from './compose/errors.ts';
import { runCheck } from './cli/check.ts';
import { runDocs } from './cli/docs.ts';
import { runList } from './cli/list.ts';
import { runPaths } from './cli/paths.ts';
import { count } from './cli/options.ts';
import { runReplay } from './cli/replay.ts';
import { registerExport } from './cli/export.ts';
import { registerViz } from './cli/viz.ts';
import { sizeNames } from './registry.ts';

const EXIT_HELP = `
Exit status:
  0  every property holds (or the command did its job)
  1  a property is violated
  2  bad input: an unknown scenario, option or size, an unreadable file, a machine that is not pure
  3  stopped at a bound (--max-states, --max-depth) without a violation: the run is not complete`;

function program(): Command {
  const p = new Command('daxspec')
    .description('Model-check the Linux DAX lifecycle protocols, specified as composed XState machines, in every kernel revision.')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_HELP);

  const check = p
    .command('check')
    .description('explore every reachable interleaving of a scenario and check every property')
    .option('-s, --scenario <name>', 'the scenario to check (see daxspec list)')
    .option('-r, --revision <rev>', 'the kernel revision (default: every revision the scenario has)')
    .option('-a, --all', 'the bug matrix: every scenario in every revision at default sizes')
    .option('--max-states <n>', 'stop after this many distinct states (the run is then bounded, exit 3)', count('max-states', 1))
    .option('--max-depth <n>', 'do not explore past this many steps (bounded, exit 3)', count('max-depth', 0))
    .option('--symmetry', 'reduce by symmetry between interchangeable actors (pages, readers, users); counts are then orbits')
    .option('--fingerprint', 'keep 64-bit fingerprints instead of states (hash compaction, for very large models); reports the chance of a missed state')
    .addOption(new Option('--fairness <mode>', 'fairness for liveness properties: declared in the machines, none, or next (every step weakly fair, TLA+ WF_vars(Next))').choices(['declared', 'none', 'next']).default('declared'))
    .option('--json', 'print the report as JSON on stdout')
    .option('--itf <file>', 'write each counterexample as an ITF trace (.itf.json, the trace format of Apalache and Quint)')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  daxspec check --scenario percpu-ref --users 4\n  daxspec check --all --json\n' + EXIT_HELP);
  for (const name of sizeNames()) check.addOption(new Option(`--${name} <n>`, `size: ${name} (for the scenarios that have it)`).argParser(count(name)));
  check.action((opts) => {
    process.exitCode = runCheck(opts);
  });

  p.command('list')
    .description('the scenarios, revisions and properties there are')
    .option('--json', 'as JSON')
    .action((opts) => {
      process.exitCode = runList(opts);
    });

  p.command('replay')
    .description('replay an ITF trace against the machines and say where it diverges')
    .argument('<file>', 'an .itf.json trace written by daxspec check --itf (or another tool, with the same variables), or a daxspec check --json report')
    .option('--finding <n>', 'which counterexample of a --json report (default 1)', count('finding', 1))
    .option('-s, --scenario <name>', 'the scenario, when the trace does not name it')
    .option('-r, --revision <rev>', 'the revision, when the trace does not name it')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExit status: 0 replays without a violation, 1 replays into a violation, 2 diverges or cannot be read.')
    .action((file, opts) => {
      process.exitCode = runReplay(file, opts);
    });

  p.command('docs')
    .description('generate the spec as Markdown from the machines and the checker (index, a page per machine and per invariant)')
    .option('-o, --out <dir>', 'where to write the pages (default: docs/spec of this repository)')
    .option('--check', 'write nothing; exit 1 naming each page that differs from what the machines generate')
    .option('--lint', 'write nothing; exit 1 listing each state, transition or invariant that does not say what it is')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExit status: 0 written, up to date or nothing missing; 1 stale pages (--check) or missing descriptions (--lint).')
    .action((opts) => {
      process.exitCode = runDocs(opts);
    });

  p.command('paths')
    .description('generate uvu tests from the machines: paths covering every reachable state and transition, and every counterexample as a regression')
    .option('-s, --scenario <name>', 'only this scenario (default: every scenario)')
    .option('-r, --revision <rev>', 'only this revision')
    .option('-o, --out <dir>', 'where the generated tests go (default: test/generated)')
    .option('--check', 'write nothing; exit 1 naming each generated file that is stale')
    .option('--report', 'write nothing; print the coverage report (per machine: states and transitions reachable and covered, paths)')
    .option('--json', 'the report as JSON')
    .option('-v, --verbose', 'the report lists what each machine defines but never reaches')
    .option('--max-states <n>', 'leave states past this many unexpanded (the report says BOUNDED)', count('max-states', 1))
    .option('--max-length <n>', 'longest path, in steps (default 1000)', count('max-length', 1))
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText('after', '\nExit status: 0 written, up to date or reported; 1 stale (--check); 2 bad input.')
    .action((opts) => {
      process.exitCode = runPaths(opts);
    });

  registerViz(p);
  registerExport(p);

  p.exitOverride();
  p.commands.forEach((c) => c.exitOverride());
  return p;
}

/** Errors of a path the user gave (an output directory under a file, a missing input): bad input, not a bug. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'already exists and is not a directory',
  ENAMETOOLONG: 'name too long',
};
/** What the failed system call was doing, as the error line says it. */
const SYSCALL_VERBS: Record<string, string> = { open: 'open', mkdir: 'create directory', write: 'write', rmdir: 'remove', unlink: 'remove' };

function fileError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  const why = err && typeof err.code === 'string' ? PATH_ERRORS[err.code] : undefined;
  if (!why || typeof err.path !== 'string') return undefined;
  return `cannot ${SYSCALL_VERBS[err.syscall ?? ''] ?? 'use'} ${err.path}: ${why}`;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad input.
      process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : EXIT.badInput;
      return;
    }
    if (e instanceof ModelError) {
      process.stderr.write(`daxspec: ${e.message}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    const io = fileError(e);
    if (io) {
      process.stderr.write(`daxspec: ${io}\n`);
      process.exitCode = EXIT.badInput;
      return;
    }
    process.stderr.write(`daxspec: internal error: ${(e as Error).message}\n`);
    if (process.env.DAXSPEC_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 4;
  }
}

await main(process.argv);
