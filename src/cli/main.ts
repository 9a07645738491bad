import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { FAIRNESS_MODES } from '../check/fairness.ts';
import { packageFile } from '../files.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { EXIT, EXIT_HELP } from './exit.ts';
import { registerExport } from './export.ts';
import { emptyRegistry, loadRegistry, modelArgument, topLevelHelp } from './model.ts';
import { count, duration, memorySize, size, text } from './options.ts';
import { UsageError } from './usage.ts';
import { FORCE_HELP, registerViz } from './viz.ts';
import { oneLine, wordError } from './words.ts';
import { isCodedModelError } from '../compose/errors.ts';

/**
 * The `daxspec` command line: every command, option and help text, and the one place that turns
 * what went wrong into one line on stderr and an exit code (src/cli/exit.ts). `main` returns the
 * exit code instead of exiting, so tests can run it in-process.
 */

/** --model on every command that reads scenarios: main() loads it before the commands are built. */
const MODEL = [
  '-m, --model <file>',
  'your own scenarios: an ES module (.ts or .js) exporting `scenarios` (docs/authoring.md); default: the built-in DAX scenarios',
] as const;

/** The version package.json gives (a small file, read when the program is built). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Builds the program on a registry (the built-in scenarios, or --model's); each action hands its exit
 * code to `done`. Each command's module is loaded when it runs: help and start-up do not load the checker.
 */
function program(done: (code: number) => void, reg: Registry): Command {
  const p = new Command('daxspec')
    .description('Model-check the Linux DAX lifecycle protocols, specified as composed XState machines, in every kernel revision.')
    .version(packageVersion(), '-V, --version', "daxspec's version")
    // Errors are worded by main() as one line; commander's own printing is off.
    .configureOutput({ outputError: () => undefined })
    .addHelpText('after', EXIT_HELP);

  const check = p
    .command('check')
    .description('explore every reachable interleaving of a scenario and check every property')
    .option('-s, --scenario <name>', 'the scenario to check (see daxspec list)', text('scenario'))
    .option('-r, --revision <rev>', 'the kernel revision (default: every revision the scenario has)', text('revision'))
    .option(
      '-a, --all',
      'the bug matrix: every scenario in every revision over the small configurations it declares (sizes, --symmetry, --fingerprint, --itf do not apply)',
    )
    .option('--quick', 'with --all: each cell at its default sizes only (one configuration a cell)')
    .option('--max-states <n>', 'stop after this many distinct states (the run is then bounded, exit 3)', count('max-states', 1))
    .option('--max-depth <n>', 'do not explore past this many steps (bounded, exit 3)', count('max-depth', 0))
    .option(
      '--max-memory <size>',
      "stop cleanly, with what was explored, before the run's states, edges and V8 heap pass this (512M, 4G; default: half of this machine's memory); Node's own memory comes on top, some tens of MB; exit 3",
      memorySize('max-memory'),
    )
    .option(
      '--workers <n>',
      "threads to explore on (default, and at most: one per core); findings, traces and counts are the same for any number, unless --max-memory stops a run. with --all, the matrix's configurations are shared among the threads (not with --model; under --max-memory, a thread for each 64 MiB at most, each its share). runs with --symmetry, --fingerprint, --max-states, --model, --store disk, --checkpoint or --resume stay on one thread, and so do runs that check progress (their edges would be rebuilt on one thread after the others) and every run until it passes 200,000 states: below that a second thread costs more than it gives",
      count('workers', 1),
    )
    .option(
      '--symmetry',
      "reduce by symmetry between the actors a scenario declares interchangeable (percpu-ref's users, dma-truncate's pinners of one page); counts are then orbits",
    )
    .option(
      '--fingerprint',
      'keep 64-bit fingerprints instead of states (hash compaction, for very large models); reports the chance of a missed state',
    )
    .addOption(
      // No commander default: check tells a --fairness given from one left out (it refuses one that would do nothing).
      new Option(
        '--fairness <mode>',
        'fairness for liveness properties: declared in the machines (the default), none, or next (every step weakly fair, TLA+ WF_vars(Next))',
      ).choices([...FAIRNESS_MODES]),
    )
    .option(
      '--no-liveness',
      'check the safety properties only (invariants, step violations, deadlock, progress): the liveness properties are then not checked, and the report says so (as TLC with INVARIANT and no PROPERTY)',
    )
    .addOption(
      new Option(
        '--store <kind>',
        'where the visited states live: memory, or disk (files in the temporary folder, memory only for their hash table: for runs past --max-memory)',
      )
        .choices(['memory', 'disk'])
        .default('memory'),
    )
    .option(
      '--checkpoint <dir>',
      'save the run (states, frontier, findings) in this new or empty folder every --checkpoint-every and when stopped by a signal',
      text('checkpoint'),
    )
    .option('--checkpoint-every <time>', 'how often --checkpoint saves: 90s, 5m, 1h (default 5m)', duration('checkpoint-every'))
    .option(
      '--resume <dir>',
      'continue the run saved in this folder by --checkpoint (give the same scenario, sizes and options); it goes on saving there',
      text('resume'),
    )
    .option('--json', 'print the report as JSON on stdout')
    .option(
      '--itf <file>',
      'write each counterexample as an ITF trace (.itf.json, the trace format of Apalache and Quint); replaces only a trace daxspec wrote',
      text('itf'),
    )
    .option('-q, --quiet', 'no progress on stderr')
    .option(...MODEL)
    .addHelpText(
      'after',
      '\nCtrl-C (SIGINT) or SIGTERM stops the run at the next state boundary and prints what was explored, marked INCOMPLETE\n' +
        '(with --checkpoint it saves first; --resume continues with the same counts, findings and traces as a run never stopped).\n' +
        '\nExamples:\n  daxspec check --scenario percpu-ref --users 4\n  daxspec check --all --json\n  daxspec check --model ./my-model.ts --scenario my-system\n' +
        "\ncheck --all exits 0 when every cell was checked (violations in old revisions are the matrix's content, not a failure), 3 when a cell stopped at a bound.\n" +
        EXIT_HELP,
    );
  for (const name of reg.sizeNames())
    check.addOption(
      new Option(
        `--${name} <n>`,
        `size: ${name} (for the scenarios that have it, within their range: see daxspec list)${reg.sizeLabels(name) ? `; or by name: ${reg.sizeLabels(name)!.labels.join(', ')}` : ''}`,
      ).argParser(size(name, reg.sizeLabels(name))),
    );
  check.action(async (opts) => done(await (await import('./check.ts')).runCheck(opts, reg)));

  const simulate = p
    .command('simulate')
    .description(
      'random and swarm walks at sizes exhaustive search cannot finish: every safety property on every state visited, progress and liveness on what each walk visited, each counterexample shrunk',
    )
    .option('-s, --scenario <name>', 'the scenario to simulate (see daxspec list)', text('scenario'))
    .option('-r, --revision <rev>', 'the kernel revision (default: every revision the scenario has)', text('revision'))
    .option(
      '--seed <n>',
      'the seed of the random choices (default: from the clock; the report prints it to repeat the run)',
      count('seed', 0),
    )
    .option('--runs <n>', 'walks to take (default 1000, or as many as --time allows)', count('runs', 1))
    .option(
      '--time <seconds>',
      'time budget: no walk starts after it (with --runs: stopping before them is a bound, exit 3)',
      count('time', 1),
    )
    .option('--max-depth <n>', 'longest walk, in steps (default 1000)', count('max-depth', 1))
    .addOption(
      new Option(
        '--strategy <how>',
        'how a walk picks its next step: uniform among the enabled steps, or swarm (each run weighs actors and event types its own way, leaving some out)',
      )
        .choices(['uniform', 'swarm'])
        .default('swarm'),
    )
    .addOption(
      new Option(
        '--fairness <mode>',
        'fairness for liveness properties, as check has it: declared in the machines, none, or next (every step weakly fair, TLA+ WF_vars(Next))',
      )
        .choices([...FAIRNESS_MODES])
        .default('declared'),
    )
    .option('--json', 'print the report as JSON on stdout')
    .option(
      '--itf <file>',
      'write each shrunk counterexample as an ITF trace (.itf.json) that daxspec replay reads; replaces only a trace daxspec wrote',
      text('itf'),
    )
    .option('-q, --quiet', 'no progress on stderr')
    .option(...MODEL)
    .addHelpText(
      'after',
      '\nEach walk starts at the initial state and takes one enabled step at a time until none is left or --max-depth.\n' +
        'On every state visited it checks every invariant, every step (those not taken too: an oops, a WARN, a NULL\n' +
        'or bad call) and deadlock, as check does. After each walk, progress and liveness are checked on the graph of\n' +
        'the states it visited (every step between them, taken or not): a liveness property fails there when\n' +
        "check's own search finds a fair lasso in that graph under --fairness (a prefix, then a cycle or stuttering),\n" +
        'and a waiter is reported when it waits in a state whose every way on stays among the visited states and\n' +
        'keeps it waiting (no step possible at all, or a cycle whose every exit the walk saw), or where a walk ends\n' +
        'with it waiting and the whole future of that last state (explored, up to 2,000 states) keeps it waiting.\n' +
        'For liveness, a walk cut at --max-depth with a property still unmet at its last state first has the future of\n' +
        'that state added to its graph (breadth-first, 500 states; over a run no more such states than a quarter of\n' +
        'the steps walked), so a lasso just past the cut is found too; progress is judged on the walk alone.\n' +
        'Both claims hold on the whole graph too; a property the walks never break is not thereby shown to hold.\n' +
        'A walk that breaks a property is shrunk (chunks of steps dropped, then all steps of one actor, replaying each\n' +
        'try; a lasso re-judged at each try) while the same property still fails; the result is short, not necessarily\n' +
        'the shortest.\n' +
        'The same seed, sizes, runs, depth, strategy and fairness give the same walks and the same counterexamples.\n' +
        '\nExamples:\n  daxspec simulate --scenario kill-dax-readers --revision v5.10 --readers 6 --sections 3 --seed 1\n' +
        '  daxspec simulate --scenario dma-truncate --revision v4.16 --pages 3 --pinners 4 --rounds 4 --time 60 --itf cex.itf.json\n' +
        '\nsimulate exits 0 when the walks found nothing (which proves nothing about states not visited), 1 when a property\n' +
        '(safety, progress or liveness) failed, 3 when --time ended it before --runs.\n' +
        EXIT_HELP,
    );
  for (const name of reg.sizeNames())
    simulate.addOption(
      new Option(
        `--${name} <n>`,
        `size: ${name} (for the scenarios that have it, within their range: see daxspec list)${reg.sizeLabels(name) ? `; or by name: ${reg.sizeLabels(name)!.labels.join(', ')}` : ''}`,
      ).argParser(size(name, reg.sizeLabels(name))),
    );
  simulate.action(async (opts) => done(await (await import('./simulate.ts')).runSimulate(opts, reg)));

  p.command('list')
    .description('the scenarios, revisions and properties there are')
    .option('--json', 'as JSON')
    .option(...MODEL)
    .addHelpText('after', EXIT_HELP)
    .action(async (opts) => done((await import('./list.ts')).runList(opts, reg)));

  p.command('replay')
    .description(
      'replay a trace against the machines, say where it diverges, and re-check every property where it ends (deadlock and progress included)',
    )
    .argument(
      '<file>',
      "an .itf.json trace (daxspec check --itf, or another tool's with the same variables), or a daxspec check --json report (one revision or several)",
    )
    .option('--finding <n>', 'which counterexample of a --json report (default 1)', count('finding', 1))
    .option('-s, --scenario <name>', 'the scenario, when the trace does not name it', text('scenario'))
    .option(
      '-r, --revision <rev>',
      'the revision, when the trace does not name it (or which report of a several-revision --json report)',
      text('revision'),
    )
    .option('--json', 'print the result as JSON')
    .option(...MODEL)
    .addHelpText(
      'after',
      '\nreplay exits 0 when the trace replays and every property holds where it ends, 1 when it reaches a violation, 2 when it diverges or cannot be read.\n' +
        EXIT_HELP,
    )
    .action(async (file, opts) => done((await import('./replay.ts')).runReplay(file, opts, reg)));

  p.command('docs')
    .description('generate the spec as Markdown from the machines and the checker (index, a page per machine and per invariant)')
    .option(
      '-o, --out <dir>',
      'where to write the pages (default: docs/spec of this repository); a new or empty folder, or one daxspec docs wrote',
      text('out'),
    )
    .option(
      '--site <dir>',
      'where the viewer (daxspec viz --out DIR --docs ...) lives, relative to the docs folder, for the links to it (default: ../../site, the site folder of this repository when the docs are docs/spec)',
      text('site'),
    )
    .option('--check', 'write nothing; exit 1 naming each page that differs from what the machines generate')
    .option('--lint', 'write nothing; exit 1 listing each state, transition or invariant that does not say what it is')
    .option('--force', FORCE_HELP)
    .option('-q, --quiet', 'no progress on stderr')
    .option(...MODEL)
    .addHelpText(
      'after',
      '\nThe folder keeps a manifest (.daxspec-manifest.json) of the pages written; only those are ever replaced or removed.\n' + EXIT_HELP,
    )
    .action(async (opts) => done((await import('./docs.ts')).runDocs(opts, reg)));

  p.command('paths')
    .description(
      'generate uvu tests from the machines: paths covering every reachable state and transition, and every counterexample as a regression',
    )
    .option('-s, --scenario <name>', 'only this scenario (default: every scenario)', text('scenario'))
    .option('-r, --revision <rev>', 'only this revision', text('revision'))
    .option(
      '-o, --out <dir>',
      'where the generated tests go (default: test/generated); a new or empty folder, or one daxspec paths wrote',
      text('out'),
    )
    .option('--check', 'write nothing; exit 1 naming each generated file that is stale')
    .option('--report', 'write nothing; print the coverage report (per machine: states and transitions reachable and covered, paths)')
    .option('--json', 'the report as JSON (with --report)')
    .option('-v, --verbose', 'the report lists what each machine defines but never reaches (with --report)')
    .option('--max-states <n>', 'leave states past this many unexpanded (the report says BOUNDED)', count('max-states', 1))
    .option('--max-length <n>', 'longest path, in steps (default 1000)', count('max-length', 1))
    .option(
      '--cover <kinds>',
      'what the paths aim at: states, transitions, guards, pairs, partitions, waits, comma-separated (default: states,transitions,guards,waits)',
      text('cover'),
    )
    .option('--to <state>', 'print the shortest path to each state where ACTOR.STATE holds (one actor: just STATE); writes nothing')
    .option('--simple', 'with --to: every simple path (no state twice), at most --max-length steps')
    .option('--force', FORCE_HELP)
    .option('-q, --quiet', 'no progress on stderr')
    .option(...MODEL)
    .addHelpText(
      'after',
      '\nThe folder keeps a manifest (.daxspec-manifest.json) of the files written; only those are ever replaced or removed.\n' + EXIT_HELP,
    )
    .action(async (opts) => done((await import('./paths.ts')).runPaths(opts, reg)));

  registerViz(p, done, reg, MODEL);
  registerExport(p, done, reg, MODEL);

  p.exitOverride();
  p.commands.forEach((c) => c.exitOverride());
  return p;
}

/** Commander's own messages, as one line without its "error: " prefix. */
function commanderLine(e: CommanderError): string {
  const m = oneLine(e.message.replace(/^error: /, ''));
  // "option '--users <n>' argument '-1' is invalid. --users must be ..." says it twice: keep ours.
  const ours = /^option '(?:-\w, )?(--[\w-]+)[^']*' argument '(.*)' is invalid\. (.*)$/.exec(m);
  if (ours) return ours[3].startsWith(ours[1]) ? ours[3] : `${ours[1]} ${ours[2]}: ${ours[3]}`;
  return `${m} (see daxspec --help)`;
}

/**
 * The long names of every option of every command and of the top level (`--no-liveness` as `liveness`), and help:
 * a size of a user's model takes an option of its own name, so it may not be named like one of these.
 */
function optionNames(): ReadonlySet<string> {
  const p = program(() => undefined, emptyRegistry());
  const names = new Set(['help']);
  for (const c of [p, ...p.commands]) for (const o of c.options) if (o.long) names.add(o.long.replace(/^--(no-)?/, ''));
  return names;
}

/** Runs the command line; returns the exit code. Never throws: a bug of ours is exit 4. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.holds;
  try {
    const args = argv.slice(2);
    // Help without a command shows no scenario or size: it starts without loading any model.
    const reg = topLevelHelp(args) ? emptyRegistry() : await loadRegistry(modelArgument(args), optionNames);
    const cli = program((c) => (code = c), reg);
    // commander shows the general help for `help` of a command it does not have, and calls that success.
    const asked = args[0] === 'help' ? args[1] : undefined;
    if (asked !== undefined && !asked.startsWith('-') && asked !== 'help' && !cli.commands.some((c) => c.name() === asked))
      throw new UsageError(`help: no command named '${asked}' (the commands: ${cli.commands.map((c) => c.name()).join(', ')})`);
    await cli.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are not errors; everything else commander rejects is bad input.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.holds;
      process.stderr.write(`daxspec: ${commanderLine(e)}\n`);
      return EXIT.badInput;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`daxspec: ${oneLine(e.message)}\n`);
      return EXIT.badInput;
    }
    const line = wordError(e);
    // A built-in machine or property that throws is a bug of ours (exit 4); a user's (--model) is the model's fault.
    if (
      line &&
      isCodedModelError(e) &&
      (e.code === 'machine-threw' || e.code === 'property-threw') &&
      modelArgument(argv.slice(2)) === undefined
    ) {
      process.stderr.write(`daxspec: internal error (a bug of daxspec, in a built-in model; DAXSPEC_DEBUG=1 shows where): ${line}\n`);
      if (process.env.DAXSPEC_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
      return EXIT.internal;
    }
    if (line) {
      process.stderr.write(`daxspec: ${line}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(
      `daxspec: internal error (a bug of daxspec; DAXSPEC_DEBUG=1 shows where): ${oneLine(String((e as Error)?.message ?? e))}\n`,
    );
    if (process.env.DAXSPEC_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    return EXIT.internal;
  }
  return code;
}
