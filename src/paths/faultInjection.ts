import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KernelRevision } from '../kernel/kernel.ts';
import { SCENARIOS } from '../registry.ts';
import { traceAgainstImplementation } from './adapter.ts';
import { suiteStem } from './emitFiles.ts';
import type { GeneratedSuite } from './generate.ts';
import { kernelAdapter, type KernelCode } from './kernelAdapter.ts';
import { readPinned, samePlace, type PinnedDivergence } from './knownDivergences.ts';
import { implementationFor, readSuite, suiteSystem } from './suiteTests.ts';

/**
 * Fault injection (mutation testing) of the generated paths: each fault is a source edit of one
 * statement of src/kernel, applied to a copy in a temporary folder (src/kernel itself is never
 * touched). Every generated suite that src/kernel implements then runs against the faulty copy; a
 * fault is caught at a revision when some path there diverges other than as pinned. The copy also
 * records whether the edited statement ran at all, so the catch rate counts only the revisions where
 * the fault's code runs: a fault no path executes is a coverage gap, reported apart.
 */
export interface Fault {
  readonly name: string;
  /** File of src/kernel. */
  readonly file: string;
  /** One whole statement (or the head of one) as it is in the file, found exactly once. */
  readonly find: string;
  readonly replace: string;
}

export interface FaultResult {
  readonly fault: string;
  /** Revisions where some path ran the edited statement. */
  readonly ran: readonly KernelRevision[];
  /** Of those, where some path diverged as it should not. */
  readonly caught: readonly KernelRevision[];
  /** The first divergence per revision where it was caught. */
  readonly how: Readonly<Partial<Record<KernelRevision, string>>>;
}

const HIT = '__daxspecFaultRan';
const KERNEL = new URL('../kernel/', import.meta.url);

/** The generated suites the implementation runs, with their pinned divergences. */
export function implementedSuites(generated: URL): { suite: GeneratedSuite; pinned: readonly PinnedDivergence[] }[] {
  const pinned = readPinned(generated).divergences;
  return readdirSync(generated)
    .filter((f) => f.endsWith('.paths.json'))
    .sort()
    .map((f) => readSuite(new URL(f, generated)))
    .filter((s) => implementationFor(s, suiteSystem(s, SCENARIOS)))
    .map((suite) => ({ suite, pinned: pinned.filter((p) => p.suite === suiteStem(suite)) }));
}

/** Writes the faulty copy of src/kernel and loads its code paths. */
async function faultyCode(fault: Fault, dir: string): Promise<KernelCode> {
  const copy = join(dir, 'kernel');
  cpSync(KERNEL, copy, { recursive: true });
  const path = join(copy, fault.file);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(fault.find);
  if (at < 0 || text.indexOf(fault.find, at + 1) >= 0)
    throw new Error(`fault ${fault.name}: the statement is not in ${fault.file} exactly once`);
  const probe = `(globalThis as Record<string, unknown>).${HIT} = true; `;
  writeFileSync(path, text.slice(0, at) + probe + fault.replace + text.slice(at + fault.find.length));
  const load = (f: string) => import(pathToFileURL(join(copy, f)).href);
  const [drivers, fsdax, gup, memremap] = await Promise.all(['drivers.ts', 'fsdax.ts', 'gup.ts', 'memremap.ts'].map(load));
  return {
    mount_bdev: drivers.mount_bdev,
    pmem_attach_disk: drivers.pmem_attach_disk,
    pmem_remove: drivers.pmem_remove,
    dax_reader: drivers.dax_reader,
    dm_device: drivers.dm_device,
    pmem_dax_ops: drivers.pmem_dax_ops,
    dcssblk_dax_ops: drivers.dcssblk_dax_ops,
    dma_process: gup.dma_process,
    xfs_setattr_size: fsdax.xfs_setattr_size,
    evict: fsdax.evict,
    xfs_bmapi_write: fsdax.xfs_bmapi_write,
    generic_dax_pagefree: memremap.generic_dax_pagefree,
  };
}

/** Runs one fault against every implemented suite. */
export async function injectFault(fault: Fault, suites: ReturnType<typeof implementedSuites>): Promise<FaultResult> {
  const dir = mkdtempSync(join(tmpdir(), 'daxspec-fault-'));
  const g = globalThis as Record<string, unknown>;
  try {
    const code = await faultyCode(fault, dir);
    const ran = new Set<KernelRevision>();
    const how: Partial<Record<KernelRevision, string>> = {};
    for (const { suite, pinned } of suites) {
      const rev = suite.revision as KernelRevision;
      const system = suiteSystem(suite, SCENARIOS);
      const adapter = kernelAdapter(rev, code);
      for (const p of [...suite.paths, ...suite.regressions]) {
        const mine = pinned.filter((d) => d.path === p.name);
        g[HIT] = false;
        const seen = traceAgainstImplementation(system, p.steps, adapter, (d) => mine.some((m) => samePlace(m, d)));
        if (g[HIT]) ran.add(rev);
        const extra = seen.find((d) => !mine.some((m) => samePlace(m, d)))?.message;
        const gone = mine.find((m) => !seen.some((d) => samePlace(m, d)));
        const bad = extra ?? (gone && `the pinned divergence at step ${gone.step} went away`);
        if (bad && g[HIT] && !how[rev]) how[rev] = `${suiteStem(suite)} ${p.name}: ${bad}`;
      }
    }
    const order: KernelRevision[] = ['v8', 'v4.18'];
    return { fault: fault.name, ran: order.filter((r) => ran.has(r)), caught: order.filter((r) => how[r]), how };
  } finally {
    delete g[HIT];
    rmSync(dir, { recursive: true, force: true });
  }
}
