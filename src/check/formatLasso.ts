/**
 * A liveness counterexample (a lasso: a prefix and a cycle the system can repeat forever) as text.
 */
import type { Obligation } from './liveness.ts';
import type { LivenessReport } from './livenessCheck.ts';
import type { Trace } from './trace.ts';
import { formatStep } from './formatStep.ts';
import { thousands } from './thousands.ts';

/**
 * A liveness counterexample as text: the prefix as kernel calls, then the cycle marked (or the
 * stuttering it ends in), then how the cycle treats each fair action it passes (taken on it, or
 * disabled at one of its states): what makes the cycle a behaviour the kernel can really have.
 */
export function formatLasso(
  head: string,
  trace: Trace,
  loop: number,
  obligations: readonly Obligation[],
  unassumed: readonly string[] = [],
  what = 'shortest lasso',
): string {
  const steps = trace.steps.length;
  const lines = [
    head,
    `  ${what}: ${loop} step${loop === 1 ? '' : 's'} to the cycle, ${steps - loop === 0 ? 'then nothing more happens (the system stutters)' : `then a cycle of ${steps - loop} step${steps - loop === 1 ? '' : 's'} repeated for ever`}`,
  ];
  for (const step of trace.steps) {
    if (step.index === loop + 1) lines.push('  --- cycle: from here, repeated for ever ---');
    lines.push(...formatStep(step));
  }
  if (steps === loop) lines.push('  --- cycle: the system stays in this state for ever (no fair step is enabled that it must take) ---');
  else lines.push(`  --- back to the state after step ${loop} ---`);
  for (const o of obligations) {
    const where =
      o.how === 'taken'
        ? `taken at step ${loop + o.at}`
        : `disabled ${o.at === 0 ? 'where the cycle starts' : `after step ${loop + o.at}`}`;
    lines.push(`       ${o.fair.kind}ly fair ${o.fair.name}: ${where} (${o.fair.why})`);
  }
  if (unassumed.length)
    lines.push(`       enabled on the cycle, assumed by no fairness (only a choice would end it): ${unassumed.join(', ')}`);
  return lines.join('\n');
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** One line per liveness run: its fairness, each property's verdict and premise, and its cost beside the safety run's. */
export function formatLivenessRun(r: LivenessReport, safetySeconds: number): string {
  if (r.skipped) return `(liveness not checked: ${r.skipped})`;
  const props = r.properties
    .map(
      (p) =>
        `${p.id}${p.actor ? ` (${p.actor})` : ''} ${p.holds ? (p.premiseReached ? 'holds' : 'holds vacuously (its premise never held)') : 'VIOLATED'}`,
    )
    .join(', ');
  return `liveness under ${r.mode === 'declared' ? 'the declared fairness' : r.mode === 'next' ? 'weak fairness of every step' : 'no fairness'} (${r.fairness.length} fair action${r.fairness.length === 1 ? '' : 's'}): ${props}; ${r.seconds.toFixed(2)} s and ${mb(r.bytes)} beside the safety run's ${safetySeconds.toFixed(2)} s (${thousands(r.expansions)} state${r.expansions === 1 ? '' : 's'} expanded again)`;
}
