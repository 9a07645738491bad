import type { Severity } from '../../machines/kit/types.ts';

/**
 * How bad a finding is (machines/kit/types.ts Severity), read from where the machines declare it:
 * a violation state's `meta.severity`, an invariant's `severity`. The kinds the checker finds on
 * its own have the kernel's answer fixed by what they are: a call on NULL is a NULL dereference
 * (oops), a call an object in its state cannot take is a use of freed or missing memory (oops
 * unless the state's meta says otherwise), and a deadlock, lost wake-up or liveness lasso is a
 * task that never finishes (hang). Nothing here reads a property's name.
 */
export type { Severity };

export const SEVERITIES: readonly Severity[] = ['corruption', 'oops', 'hang', 'warn'];

/** Worst first: silent corruption (nobody notices), then an oops, a hang, and a WARN the kernel survives. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** The worst of some severities (undefined for none). */
export function worstSeverity(all: Iterable<Severity>): Severity | undefined {
  let worst: Severity | undefined;
  for (const s of all) if (worst === undefined || severityRank(s) < severityRank(worst)) worst = s;
  return worst;
}

/** A violation state: its declared severity, else a WARN when it is tagged warn, else an oops. */
export function stateSeverity(declared: string | undefined, warnTagged: boolean): Severity {
  if (declared !== undefined) {
    if (!isSeverity(declared)) throw new Error(`meta.severity '${declared}' is not one of ${SEVERITIES.join(', ')}`);
    return declared;
  }
  return warnTagged ? 'warn' : 'oops';
}

/** Failures a step commits that no state declares: a NULL dereference, an unhandled call. */
export const NULL_CALL_SEVERITY: Severity = 'oops';
export const BAD_CALL_SEVERITY: Severity = 'oops';
/** Deadlock, progress and liveness: a task that never finishes. */
export const HANG_SEVERITY: Severity = 'hang';
/** An invariant of a user's model that declares none. */
export const DEFAULT_INVARIANT_SEVERITY: Severity = 'corruption';
