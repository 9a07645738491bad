#!/usr/bin/env node
/** The `daxspec` command: runs src/cli/main.ts on the process's arguments and exits with its code. */
import { main } from './cli/main.ts';

/**
 * A reader that closes the pipe early (`daxspec check --json | head`) ends daxspec at once and quietly, as
 * SIGPIPE ends other Unix filters, with the status a shell shows for that (128 + SIGPIPE): Node ignores the
 * signal and would otherwise print the write's EPIPE as an unhandled error's stack.
 */
const BROKEN_PIPE = 141;
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(BROKEN_PIPE);
    throw e;
  });
}

process.exitCode = await main(process.argv);
