/**
 * Resume in-process, where what the run remembers besides its states matters most: with symmetry
 * (shape ids decide each orbit's representative), with invariants that skip states by what they read,
 * and with premises. A run is checkpointed once mid-way and then "killed" (the checkpoints after the
 * first are dropped, as a kill loses them), and a fresh system resumed from the folder must give the
 * same report, traces included, as the run never stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSystem, checkScenarioAsync, reportJson, resolveSizes, type CheckOptions } from '../src/check/check.ts';
import { CheckpointFolder } from '../src/check/checkpoint.ts';
import type { CheckpointSink } from '../src/check/exploration.ts';
import { specFingerprint } from '../src/check/specFingerprint.ts';
import { scenarios } from '../machines/scenarios.ts';
import { percpuRefScenario } from '../machines/bench/percpuRef.ts';

const find = (name: string) => [...scenarios, percpuRefScenario].find((s) => s.name === name)!;

/**
 * The report as JSON without its timings and the liveness check's bytes. A run that keeps every edge records each
 * state's successors for the liveness check as it explores them, and a resumed run has not recorded those of the
 * states explored before the checkpoint, so its check works those out: other bytes, more expansions. Expansions stay
 * in as a bound (each state worked out once at most: the check keeps what it works out, resumed or not).
 */
function comparable(r: Parameters<typeof reportJson>[0]): unknown {
  const j = reportJson(r) as Record<string, unknown> & { states: number; liveness?: Record<string, unknown> | null };
  delete j.seconds;
  if (j.liveness) {
    delete j.liveness.seconds;
    delete j.liveness.bytes;
    j.liveness.expansions = (j.liveness.expansions as number) <= j.states;
  }
  return j;
}

/** A sink that saves at the `at`-th slice boundary and never again: what a kill right after it leaves. */
function onceAt(sink: CheckpointSink, at: number): CheckpointSink & { saved: () => number } {
  let calls = 0;
  let saves = 0;
  return {
    due: () => ++calls === at,
    save: (s) => {
      if (saves++ === 0) sink.save(s);
    },
    saved: () => saves,
  };
}

async function resumeMatches(
  name: string,
  revision: string | undefined,
  given: Record<string, number>,
  options: CheckOptions,
  /** The slice boundary the killed run saves at. */
  boundary = 3,
): Promise<void> {
  const scenario = find(name);
  const sizes = resolveSizes(scenario, given);
  const full = await checkScenarioAsync(scenario, revision, sizes, options);
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-resume-'));
  try {
    const first = buildSystem(scenario, revision, sizes, options);
    const spec = specFingerprint({ scenario: name, revisions: [revision], sizes, options: { symmetry: !!options.symmetry } }, [first]);
    const folder = CheckpointFolder.create(dir, spec);
    const sink = onceAt(folder.sink(0, name, first, 60_000), boundary);
    // The killed run: it goes on past its checkpoint, and what it does after is lost.
    await checkScenarioAsync(scenario, revision, sizes, { ...options, checkpoint: sink }, first);
    const at = CheckpointFolder.resume(dir, spec).summary(0)!;
    assert.ok(at.head > 0 && !at.explored, `the checkpoint is mid-way (${at.head} of ${at.states} expanded)`);

    const second = buildSystem(scenario, revision, sizes, options);
    const resume = CheckpointFolder.resume(dir, spec).resumePoint(0, second);
    const resumed = await checkScenarioAsync(scenario, revision, sizes, { ...options, resume }, second);
    assert.equal(comparable(resumed), comparable(full));
    // The traces' states as vectors of ids too: the resumed tables number snapshots as the first run did.
    const vectors = (r: typeof full): number[][][] => r.findings.map((f) => f.trace.states.map((v) => [...v]));
    assert.equal(vectors(resumed), vectors(full));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('resume with symmetry: the shapes are numbered as before, so the orbits keep their representatives', async () => {
  await resumeMatches('dma-truncate', 'v4.16', { pinners: 4, pages: 1, rounds: 2 }, { symmetry: true });
});

test('resume of percpu-ref (an invariant, a liveness property) gives the same report', async () => {
  await resumeMatches('percpu-ref', undefined, { users: 4 }, {});
});

test('resume of a run with premises and a progress check (dma-truncate at v5.10) gives the same report', async () => {
  await resumeMatches('dma-truncate', 'v5.10', { pinners: 3, pages: 3, rounds: 2 }, {});
});

test('resume of a run whose findings include a lost wake-up or a deadlock keeps their shortest traces', async () => {
  await resumeMatches('kill-dax-readers', 'v4.16', { readers: 4, sections: 2 }, {});
});

test('resume of a run whose lasso owes several fair actions lists them as the run never stopped does', async () => {
  // The resumed run recorded the successors of the states after its checkpoint only, and its fair classes were
  // numbered in that order: the check's own numbering keeps the obligations' order (pmem-remove-pinned's I12 lasso
  // owes truncate and dma0.unpin).
  await resumeMatches('pmem-remove-pinned', 'v8', { pinners: 2 }, {}, 2);
});

test.run();
