/**
 * `daxspec export`: one machine as Graphviz DOT, Mermaid, SCXML or XState JSON, on stdout or into a
 * file the export marks as its own so that a later export may replace it and nothing else.
 */
import { Option, type Command } from 'commander';
import { checkOutputFile, marked, writeAtomic } from '../outputs/generatedFolder.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { FORMATS, type Format } from '../viz/formats.ts';
import { EXIT, EXIT_HELP } from './exit.ts';
import { text as textOption } from './options.ts';
import { UsageError } from './usage.ts';

export interface ExportArgs {
  format: string;
  revision?: string;
  out?: string;
}

/** `daxspec export --format F MACHINE`: one machine as Graphviz DOT, Mermaid, SCXML or XState JSON. */
export async function runExport(machine: string, args: ExportArgs, reg: Registry): Promise<number> {
  if (!(FORMATS as readonly string[]).includes(args.format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${args.format}')`);
  const named = /^[^:@]+@([^:]+):/.exec(machine)?.[1];
  if (named && args.revision && named !== args.revision)
    throw new UsageError(`--revision ${args.revision} contradicts ${machine}, which names revision ${named}; give one`);
  // The output is checked before the work; a file there is replaced only if daxspec wrote it.
  if (args.out) checkOutputFile(args.out, marked);
  // Loaded here, not above: the CLI starts without XState until a command needs it.
  const { exportMachine } = await import('../viz/exportMachine.ts');
  const { findMachine } = await import('../viz/findMachine.ts');
  const found = findMachine(reg.scenarios, machine, args.revision);
  const text = withMark(exportMachine(found.actor.machine, args.format as Format, found.actor.input), args.format as Format, !!args.out);
  if (args.out) {
    writeAtomic(args.out, text);
    process.stderr.write(`wrote ${args.out} (${found.where}, ${args.format})\n`);
  } else process.stdout.write(text);
  return EXIT.holds;
}

/**
 * A file export writes says daxspec wrote it (so a later export may replace it, and nothing else),
 * in a comment its format allows; JSON has none, so a JSON file is marked by its `$comment` key.
 */
function withMark(text: string, format: Format, toFile: boolean): string {
  if (!toFile) return text;
  const mark = 'exported by daxspec export';
  if (format === 'dot') return `// ${mark}\n${text}`;
  if (format === 'mermaid') return `%% ${mark}\n${text}`;
  if (format === 'scxml') return text.replace(/^(<\?xml[^>]*\?>\n)?/, `$1<!-- ${mark} -->\n`);
  return text.replace(/^\{/, `{\n  "$comment": "${mark}",`);
}

export function registerExport(p: Command, done: (code: number) => void, reg: Registry, model: readonly [string, string]): void {
  p.command('export')
    .description('print one machine as Graphviz DOT, Mermaid, SCXML (W3C) or JSON (a config XState createMachine takes back)')
    .argument(
      '<machine>',
      'SCENARIO[@REVISION]:ACTOR (kill-dax-readers@v6.15:pmem0.dax, percpu-ref:user0) or a machine id (dax_device: its first use)',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).makeOptionMandatory())
    .option('-r, --revision <rev>', "the revision (default: the scenario's newest)", textOption('revision'))
    .option('-o, --out <file>', 'write to a file instead of stdout (replaces only a file daxspec export wrote)', textOption('out'))
    .option(...model)
    .addHelpText(
      'after',
      '\nMachines are named SCENARIO[@REVISION]:ACTOR, as `daxspec list` and the site show them, or by machine id.\n' +
        'Guards and actions are exported by name; JSON round-trips: createMachine(json).provide({ ...impl, guards: { ...impl.guards, ...higherOrderGuards(impl.guards) } }),\n' +
        "impl being the machine's implementations and higherOrderGuards (exported by daxspec) the not/and/or guards the JSON names.\n\n" +
        'Examples:\n  daxspec export --format scxml percpu-ref:ref\n  daxspec export --format json --revision v8 dax_device\n' +
        EXIT_HELP,
    )
    .action(async (machine, opts) => {
      done(await runExport(machine, opts, reg));
    });
}
