/**
 * The progress line long runs print on stderr: states, rate, transitions, queue and depth while
 * exploring, then the phase that follows (progress checks, replay), in place on a terminal.
 */
import type { Phase, Progress } from '../check/exploration.ts';
import { thousands } from '../check/thousands.ts';

const n = (x: number): string => thousands(Math.round(x));

/** A progress line on stderr: overwritten in place on a terminal, one line per report otherwise. */
export function progressPrinter(label: string): (p: Progress) => void {
  const tty = process.stderr.isTTY;
  return (p) => {
    const line = `${label}: ${n(p.states)} states (${n(p.statesPerSecond)}/s), ${n(p.edges)} transitions, queue ${n(p.queue)}, depth ${p.depth}, ${p.seconds.toFixed(1)} s`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
}

export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[K');
}

/** The work after the exploration, on the same line: a long progress check or replay shows it is alive. */
export function phasePrinter(label: string): (phase: Phase) => void {
  const tty = process.stderr.isTTY;
  const words: Record<Phase, string> = {
    progress: 'every state explored; checking progress (can every waiter still be woken?)',
    traces: 'building the counterexamples',
    liveness: 'checking liveness (does every wait end, under the fairness assumed?)',
  };
  return (phase) => {
    const line = `${label}: ${words[phase]}`;
    process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
  };
}
