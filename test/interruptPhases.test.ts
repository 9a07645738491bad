import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkScenario, checkScenarioAsync, reportJson, resolveSizes } from '../src/check/check.ts';
import type { Phase } from '../src/check/exploration.ts';
import { findScenario } from '../src/registry.ts';

/*
 * A stop asked for after the exploration, during the progress check, while the counterexamples
 * are built or during the liveness check, ends the run INCOMPLETE like one during the exploration. The stop comes the way a
 * signal does: from a callback of the event loop (setImmediate), so it is seen only if the phase
 * gives the event loop a turn; a phase that ran to its end in one go would never see it.
 */
const scenario = findScenario('kill-dax-readers');
const sizes = resolveSizes(scenario, {});

/** Runs the check and asks it to stop, from the event loop, as soon as `phase` begins. */
async function stopIn(phase: Phase, at = sizes) {
  let stop: string | undefined;
  const seen: Phase[] = [];
  const report = await checkScenarioAsync(scenario, 'v5.10', at, {
    shouldStop: () => stop,
    onPhase: (p) => {
      seen.push(p);
      if (p === phase) setImmediate(() => (stop = 'SIGINT'));
    },
  });
  return { report, seen };
}

test('SIGINT during the progress check: every state explored, progress not checked, the exploration findings kept with their traces', async () => {
  const full = checkScenario(scenario, 'v5.10', sizes);
  assert.ok(
    full.findings.some((f) => f.kind === 'progress'),
    'the whole run finds a lost wake-up (kill_dax in synchronize_srcu)',
  );
  const { report, seen } = await stopIn('progress');
  assert.equal(seen, ['progress']);
  assert.is(report.bound, 'interrupted');
  assert.is(report.interrupted, 'SIGINT');
  assert.is(report.interruptedIn, 'progress');
  assert.is(report.complete, false);
  assert.is(report.states, full.states, 'the exploration itself had finished');
  assert.is(
    report.findings.some((f) => f.kind === 'progress'),
    false,
  );
  const failure = report.findings.find((f) => f.kind === 'violation-state' || f.property === 'kernel-failure');
  assert.ok(failure, 'the oops found while exploring is reported');
  assert.ok(failure!.trace.steps.length > 0);
  assert.match(String(report.progressSkipped), 'interrupted during the progress check');
  assert.is(report.liveness?.skipped !== undefined, true, 'liveness is not claimed on an interrupted run');
  const json = reportJson(report) as { interruptedIn: string; complete: boolean };
  assert.is(json.interruptedIn, 'progress');
  assert.is(json.complete, false);
});

test('SIGINT while building counterexamples: the findings not yet built are counted, not shown', async () => {
  const full = checkScenario(scenario, 'v5.10', sizes);
  const { report, seen } = await stopIn('traces');
  assert.equal(seen, ['progress', 'traces']);
  assert.is(report.interruptedIn, 'traces');
  assert.is(report.bound, 'interrupted');
  assert.is(report.findings.length + report.untraced!, full.findings.length - full.findings.filter((f) => f.kind === 'liveness').length);
  assert.is(report.untraced, full.findings.length, 'stopped before the first trace');
});

test('SIGINT during the liveness check: the safety findings kept with their traces, liveness not claimed', async () => {
  // Four readers (8,178 states): a check of a few slices (slices.ts); the default sizes' ends in one, before a stop is seen.
  const more = resolveSizes(scenario, { readers: 4 });
  const full = checkScenario(scenario, 'v5.10', more);
  assert.ok(full.liveness && full.liveness.properties.length > 0 && full.liveness.skipped === undefined);
  const { report, seen } = await stopIn('liveness', more);
  assert.equal(seen, ['progress', 'traces', 'liveness']);
  assert.is(report.bound, 'interrupted');
  assert.is(report.interrupted, 'SIGINT');
  assert.is(report.interruptedIn, 'liveness');
  assert.is(report.complete, false);
  assert.is(report.states, full.states);
  const safety = full.findings.filter((f) => f.kind !== 'liveness');
  assert.ok(safety.length > 0);
  assert.equal(
    report.findings.map((f) => [f.key, f.trace.steps.length]),
    safety.map((f) => [f.key, f.trace.steps.length]),
  );
  assert.equal(report.liveness?.properties, []);
  assert.match(String(report.liveness?.skipped), 'interrupted by SIGINT');
  assert.is((reportJson(report) as { interruptedIn: string }).interruptedIn, 'liveness');
});

test('without a stop the async run equals the synchronous one', async () => {
  const full = checkScenario(scenario, 'v5.10', sizes);
  const seen: Phase[] = [];
  const r = await checkScenarioAsync(scenario, 'v5.10', sizes, { onPhase: (p) => seen.push(p) });
  assert.equal(seen, ['progress', 'traces', 'liveness']);
  assert.is(r.verdict, full.verdict);
  assert.equal(
    r.findings.map((f) => [f.key, f.trace.steps.length]),
    full.findings.map((f) => [f.key, f.trace.steps.length]),
  );
  assert.equal(r.liveness?.properties, full.liveness?.properties);
  assert.is(r.interruptedIn, undefined);
});

test.run();
