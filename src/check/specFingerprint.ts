/**
 * The fingerprint of what a run checks: a SHA-256 over the systems' declarations (each actor's machine
 * definition with the source of its guards and actions, its input and offered events; the invariants,
 * liveness properties and their predicates' source; deadlock, progress and symmetry declarations), the
 * scenario, revision and sizes, and every option that changes results. A checkpoint records it, and a
 * resume refuses a checkpoint whose fingerprint differs: its states are vectors of ids that mean
 * nothing to another spec. Options that change only how a run is carried out (memory budget, store,
 * progress output) are left out, so a run may be resumed with more memory or on disk.
 */
import { createHash } from 'node:crypto';
import type { System } from '../compose/system.ts';

/** What, besides the systems, decides a run's results. */
export interface SpecParts {
  readonly scenario: string;
  readonly revisions: readonly (string | undefined)[];
  readonly sizes: Readonly<Record<string, number>>;
  /** Options that change results (bounds, symmetry, fingerprint mode, fairness); undefined ones are dropped. */
  readonly options: Readonly<Record<string, unknown>>;
}

export function specFingerprint(parts: SpecParts, systems: readonly System[]): string {
  const hash = createHash('sha256');
  hash.update(describe(parts));
  for (const s of systems) hash.update(describe(s.decl));
  return hash.digest('hex');
}

/**
 * A deterministic text for any value: objects with sorted keys, functions by their source (a guard
 * or action that changes changes the text), shared objects described once per path and cycles cut.
 * A machine is described by its config and implementations: its state nodes are built from them.
 */
export function describe(value: unknown): string {
  const path = new Set<object>();
  const walk = (v: unknown): string => {
    if (typeof v === 'function') return `fn:${JSON.stringify(v.toString())}`;
    if (v === null || typeof v !== 'object') return v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v));
    if (path.has(v)) return '<cycle>';
    path.add(v);
    let out: string;
    if (Array.isArray(v)) out = `[${v.map(walk).join(',')}]`;
    else if (v instanceof Map) out = `Map${walk([...v.entries()])}`;
    else if (v instanceof Set) out = `Set${walk([...v.values()])}`;
    else if (ArrayBuffer.isView(v)) out = `${v.constructor.name}[${Array.from(v as unknown as ArrayLike<number>).join(',')}]`;
    else if (isMachine(v)) out = `machine${walk({ id: v.id, config: v.config, implementations: v.implementations })}`;
    else {
      const keys = Object.keys(v).sort();
      out = `{${keys.map((k) => `${JSON.stringify(k)}:${walk((v as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    path.delete(v);
    return out;
  };
  return walk(value);
}

/** An XState machine: described by its config and implementations, which is all it is built from. */
function isMachine(v: object): v is { id: string; config: unknown; implementations: unknown } {
  return 'config' in v && 'implementations' in v && 'getTransitionData' in v;
}
