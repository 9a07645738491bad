#!/usr/bin/env node
/** The `daxspec` command: runs src/cli/main.ts on the process's arguments and exits with its code. */
import { main } from './cli/main.ts';

process.exitCode = await main(process.argv);
