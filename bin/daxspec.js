#!/usr/bin/env node
// The CLI from the sources, through tsx: what this repository's tests run, with no build step to forget.
// The published package's bin is the built dist/cli.js (npm run build).
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
