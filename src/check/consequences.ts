import type { System } from '../compose/system.ts';
import type { Finding } from './explore.ts';
import {
  BAD_CALL_SEVERITY,
  DEFAULT_INVARIANT_SEVERITY,
  HANG_SEVERITY,
  NULL_CALL_SEVERITY,
  stateSeverity,
  type Severity,
} from './severity.ts';
import type { Trace } from './trace.ts';

/**
 * What a finding is, beyond its property: how bad (its severity, from where the machines declare
 * it), which way of failing its property it is (its variant, where a property fails in more than
 * one way), and whether it is a consequence of another finding of the same run rather than a
 * root cause of its own.
 *
 * A consequence is a finding whose shortest trace passes through an earlier failure state that
 * stops the kernel's code path or the system's progress: a state failing an invariant whose
 * severity is `oops` or `hang`, or (found by the explorer, Finding.cause) a waiter stuck behind a
 * path that oopses next. A WARN is not such a state: the kernel goes on after a WARN, so what
 * follows it is a finding of its own; silent corruption is not either (it stops nothing).
 */
export interface Classified {
  readonly severity: Severity;
  readonly variant?: string;
  /** The finding this one follows from: its property and, where it has one, its variant. */
  readonly consequenceOf?: { readonly key: string; readonly property: string; readonly variant?: string };
}

/** Severity and variant of one finding, from the declarations of the machine or invariant where it failed. */
export function describe(system: System, f: Finding): Omit<Classified, 'consequenceOf'> {
  switch (f.kind) {
    case 'invariant': {
      const inv = system.invariants.find((i) => `invariant:${i.id}` === f.key);
      return { severity: inv?.severity ?? DEFAULT_INVARIANT_SEVERITY, ...(inv?.variant ? { variant: inv.variant } : {}) };
    }
    case 'violation-state': {
      const v = system.violations.find((x) => x.key === f.key);
      return { severity: stateSeverity(v?.severity, v?.continues ?? false), ...(v?.variant ? { variant: v.variant } : {}) };
    }
    case 'null-call':
      return { severity: NULL_CALL_SEVERITY };
    case 'unaccepted':
      return { severity: BAD_CALL_SEVERITY };
    case 'deadlock':
    case 'progress':
    case 'liveness':
      return { severity: HANG_SEVERITY };
  }
}

/** Which invariants stop the run when they fail: the kernel oopses or hangs there. */
function stopping(system: System): { key: string; property: string; variant?: string; holds: (s: Int32Array) => boolean }[] {
  return system.invariants
    .filter((i) => i.severity === 'oops' || i.severity === 'hang')
    .map((i) => ({
      key: `invariant:${i.id}`,
      property: i.id,
      ...(i.variant ? { variant: i.variant } : {}),
      holds: (s: Int32Array) => i.holds(system.view(s)),
    }));
}

/**
 * Classifies every finding of one run. `findings` carry their traces; a finding is a consequence of
 * the first stopping failure its trace passes before its last state (never of itself).
 */
export function classify(system: System, findings: readonly (Finding & { readonly trace: Trace })[]): Classified[] {
  const stops = stopping(system);
  const byKey = new Map(findings.map((f) => [f.key, f]));
  return findings.map((f): Classified => {
    const own = describe(system, f);
    if (f.cause !== undefined) {
      const c = byKey.get(f.cause);
      const cv = c ? describe(system, c).variant : undefined;
      return { ...own, consequenceOf: { key: f.cause, property: c?.property ?? f.cause, ...(cv ? { variant: cv } : {}) } };
    }
    const states = f.trace.states;
    for (let i = 0; i < states.length - 1; i++) {
      const stop = stops.find((x) => x.key !== f.key && !x.holds(states[i]));
      if (stop)
        return { ...own, consequenceOf: { key: stop.key, property: stop.property, ...(stop.variant ? { variant: stop.variant } : {}) } };
    }
    return own;
  });
}
