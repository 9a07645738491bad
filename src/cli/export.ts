import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ModelError } from '../compose/errors.ts';
import type { Registry } from '../scenarioRegistry.ts';
import { FORMATS, type Format } from '../viz/formats.ts';

export interface ExportArgs {
  format: string;
  revision?: string;
  out?: string;
}

/** `daxspec export --format F MACHINE`: one machine as Graphviz DOT, Mermaid, SCXML or XState JSON. */
export async function runExport(machine: string, args: ExportArgs, reg: Registry): Promise<number> {
  // Loaded here, not above: the CLI starts without XState until a command needs it.
  const { exportMachine } = await import('../viz/exportMachine.ts');
  const { findMachine } = await import('../viz/findMachine.ts');
  if (!(FORMATS as readonly string[]).includes(args.format)) throw new ModelError(`--format must be one of ${FORMATS.join(', ')} (got '${args.format}')`);
  const found = findMachine(reg.scenarios, machine, args.revision);
  const text = exportMachine(found.actor.machine, args.format as Format, found.actor.input);
  if (args.out) {
    writeFileSync(args.out, text);
    process.stderr.write(`wrote ${args.out} (${found.where}, ${args.format})\n`);
  } else process.stdout.write(text);
  return 0;
}

export function registerExport(p: Command, reg: Registry, model: readonly [string, string]): void {
  p.command('export')
    .description('print one machine as Graphviz DOT, Mermaid, SCXML (W3C) or JSON (a config XState createMachine takes back)')
    .argument('<machine>', 'SCENARIO[@REVISION]:ACTOR (kill-dax-readers@v6.15:pmem0.dax, percpu-ref:user0) or a machine id (dax_device: its first use)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).makeOptionMandatory())
    .option('-r, --revision <rev>', 'the revision (default: the scenario\'s newest)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option(...model)
    .addHelpText(
      'after',
      '\nMachines are named SCENARIO[@REVISION]:ACTOR, as `daxspec list` and the site show them, or by machine id.\n' +
        'Guards and actions are exported by name; JSON round-trips: createMachine(json).provide(machine.implementations).\n\n' +
        'Examples:\n  daxspec export --format scxml percpu-ref:ref\n  daxspec export --format json --revision v8 dax_device\n\nExit status: 0 written, 2 bad input.',
    )
    .action(async (machine, opts) => {
      process.exitCode = await runExport(machine, opts, reg);
    });
}
