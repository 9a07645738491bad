/**
 * Path generation, daxspec against @xstate/graph, on the systems where @xstate/graph finishes:
 * reachable states (must be equal), paths and steps, and the transitions those paths cover.
 * Each run is a child process with a time cap (getSimplePaths is exponential).
 * Run: npx tsx bench/pathsVsXstateGraph.ts [--cap SECONDS]; prints a Markdown table.
 */
import { spawnSync } from 'node:child_process';
import { percpuRefSystem } from '../machines/bench/percpuRef.ts';
import { resolveSizes } from '../src/check/check.ts';
import type { SystemDecl } from '../machines/kit/types.ts';
import { pathFigures, type PathFigures } from '../src/paths/xstateGraphCompare.ts';
import { findScenario } from '../src/registry.ts';
import { ordered } from '../test/fixtures/deadlock.ts';
import { dieHard } from '../test/fixtures/dieHard.ts';
import { historyLamp } from '../test/fixtures/history.ts';
import { lostUpdate } from '../test/fixtures/lostUpdate.ts';
import { lostWakeup } from '../test/fixtures/lostWakeup.ts';

const fromRegistry = (name: string, rev?: string) => (): SystemDecl => {
  const s = findScenario(name);
  return s.build(rev, resolveSizes(s, {}));
};

const SYSTEMS: Record<string, () => SystemDecl> = {
  'fixture die-hard': dieHard,
  'fixture lost-update': lostUpdate,
  'fixture ordered-locks': ordered,
  'fixture lost-wakeup': lostWakeup,
  'fixture history-lamp': historyLamp,
  'percpu-ref N=2 K=2': () => percpuRefSystem(2, 2),
  'percpu-ref N=3 K=3': () => percpuRefSystem(3, 3),
  'nondax-mount-umount @ v8': fromRegistry('nondax-mount-umount', 'v8'),
  'pmem-partitions @ v8': fromRegistry('pmem-partitions', 'v8'),
  'dcssblk-mount @ v4.18': fromRegistry('dcssblk-mount', 'v4.18'),
  'pmem-remove-mounted @ v4.18': fromRegistry('pmem-remove-mounted', 'v4.18'),
  'dma-truncate @ v4.18': fromRegistry('dma-truncate', 'v4.18'),
  'kill-dax-readers @ v8': fromRegistry('kill-dax-readers', 'v8'),
  'dm-targets-one-pmem @ v8': fromRegistry('dm-targets-one-pmem', 'v8'),
  'static-key-race @ v4.18': fromRegistry('static-key-race', 'v4.18'),
};
const TOOLS: PathFigures['tool'][] = ['daxspec', 'getShortestPaths', 'getSimplePaths'];

const args = process.argv.slice(2);
if (args[0] === '--one') {
  process.stdout.write(JSON.stringify(pathFigures(SYSTEMS[args[1]](), args[2] as PathFigures['tool'])) + '\n');
} else {
  const cap = args.includes('--cap') ? Number(args[args.indexOf('--cap') + 1]) : 60;
  const rows = [
    '| system | tool | states | paths | steps | states covered | transitions covered | s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const name of Object.keys(SYSTEMS)) {
    for (const tool of TOOLS) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--one', name, tool], {
        encoding: 'utf8',
        timeout: cap * 1000,
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) {
        rows.push(
          `| ${name} | ${tool} | did not finish in ${cap} s${r.signal ? '' : `: ${r.stderr.trim().split('\n').pop()}`} | | | | | |`,
        );
      } else {
        const f = JSON.parse(r.stdout.trim().split('\n').pop()!) as PathFigures;
        rows.push(
          `| ${name} | ${tool} | ${f.states} | ${f.paths} | ${f.steps} | ${f.statesCovered}/${f.statesReachable} | ${f.transitionsCovered}/${f.transitionsReachable} | ${f.seconds.toFixed(2)} |`,
        );
      }
      process.stderr.write(rows[rows.length - 1] + '\n');
    }
  }
  process.stdout.write(rows.join('\n') + '\n');
}
