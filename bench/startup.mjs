#!/usr/bin/env node
// Start-up of the built CLI, whole process, side by side with `node -e 0` on the same machine and in the
// same run: `npm run bench:startup` (after `npm run build`). Runs are interleaved (node, daxspec, node,
// ...) so that load from other processes falls on both alike; the table gives the median and the
// fastest of each and the difference of the medians, which is what daxspec itself costs. Not a test: it
// asserts nothing, it writes bench/startup.md.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
if (!existsSync(cli)) {
  console.error('bench/startup: dist/cli.js is missing; run npm run build first');
  process.exit(2);
}
const RUNS = Number(process.env.RUNS ?? 21);
const commands = [
  { name: 'node -e 0', argv: ['-e', '0'] },
  { name: 'daxspec --help', argv: [cli, '--help'] },
  { name: 'daxspec list', argv: [cli, 'list'] },
  // The same help from the sources through tsx (bin/daxspec.js, what the repository's tests run): what the build saves.
  { name: 'bin/daxspec.js --help (sources, tsx)', argv: [join(root, 'bin/daxspec.js'), '--help'] },
  {
    name: 'daxspec check --scenario root-nondax --revision v8',
    argv: [cli, 'check', '--scenario', 'root-nondax', '--revision', 'v8', '-q'],
  },
];
const times = commands.map(() => []);
for (let i = 0; i < RUNS; i++) {
  commands.forEach((c, k) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, c.argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    times[k].push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== 0 && !(c.name.startsWith('daxspec check') && r.status === 1))
      throw new Error(`${c.name}: exit ${r.status}: ${r.stderr}`);
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(times[0]);
const rows = commands.map(
  (c, k) =>
    `| \`${c.name}\` | ${median(times[k]).toFixed(3)} | ${Math.min(...times[k]).toFixed(3)} | ${k === 0 ? '' : `+${(median(times[k]) - base).toFixed(3)}`} |`,
);
const text = [
  '# Start-up of the built CLI',
  '',
  `Written by \`npm run bench:startup\` (bench/startup.mjs) after \`npm run build\`: ${RUNS} interleaved runs of each command, whole process`,
  `(spawn to exit), Node ${process.version}; load average at the end ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (a shared machine: read the`,
  'difference to `node -e 0` measured in the same run, not the seconds across runs).',
  '',
  '| command | median s | fastest s | over node -e 0 (median) |',
  '| --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
writeFileSync(join(root, 'bench/startup.md'), text);
process.stdout.write(text);
