import { Option, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ModelError } from '../compose/errors.ts';
import { SCENARIOS } from '../registry.ts';
import { exportMachine, FORMATS, type Format } from '../viz/exportMachine.ts';
import { findMachine } from '../viz/findMachine.ts';

export interface ExportArgs {
  format: string;
  revision?: string;
  out?: string;
}

/** `daxspec export --format F MACHINE`: one machine as Graphviz DOT, Mermaid, SCXML or XState JSON. */
export function runExport(machine: string, args: ExportArgs): number {
  if (!(FORMATS as readonly string[]).includes(args.format)) throw new ModelError(`--format must be one of ${FORMATS.join(', ')} (got '${args.format}')`);
  const found = findMachine(SCENARIOS, machine, args.revision);
  const text = exportMachine(found.actor.machine, args.format as Format, found.actor.input);
  if (args.out) {
    writeFileSync(args.out, text);
    process.stderr.write(`wrote ${args.out} (${found.where}, ${args.format})\n`);
  } else process.stdout.write(text);
  return 0;
}

export function registerExport(p: Command): void {
  p.command('export')
    .description('print one machine as Graphviz DOT, Mermaid, SCXML (W3C) or JSON (a config XState createMachine takes back)')
    .argument('<machine>', 'SCENARIO[@REVISION]:ACTOR (kill-dax-readers@v6.15:pmem0.dax, percpu-ref:user0) or a machine id (dax_device: its first use)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).makeOptionMandatory())
    .option('-r, --revision <rev>', 'the revision (default: the scenario\'s newest)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .addHelpText(
      'after',
      '\nMachines are named SCENARIO[@REVISION]:ACTOR, as `daxspec list` and the site show them, or by machine id.\n' +
        'Guards and actions are exported by name; JSON round-trips: createMachine(json).provide(machine.implementations).\n\n' +
        'Examples:\n  daxspec export --format scxml percpu-ref:ref\n  daxspec export --format json --revision v8 dax_device\n\nExit status: 0 written, 2 bad input.',
    )
    .action((machine, opts) => {
      process.exitCode = runExport(machine, opts);
    });
}
