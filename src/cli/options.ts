import { InvalidArgumentError } from 'commander';
import { availableParallelism, totalmem } from 'node:os';

/**
 * Option parsers: each refuses what it cannot take with a message that names the option, and each
 * refuses being given twice (the second value would silently win otherwise).
 */

type Parser<T> = (raw: string, previous: T | undefined) => T;

function once<T>(name: string, parse: (raw: string) => T): Parser<T> {
  return (raw, previous) => {
    if (previous !== undefined) throw new InvalidArgumentError(`--${name} is given twice; give it once`);
    return parse(raw);
  };
}

/** A name or path option, given once. */
export function text(name: string): Parser<string> {
  return once(name, (raw) => {
    if (raw === '') throw new InvalidArgumentError(`--${name} is empty`);
    return raw;
  });
}

function integer(name: string, raw: string): number {
  const s = raw.replace(/_/g, '');
  const v = /^[+-]?\d+(\.\d+)?(e\d+)?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(v)) throw new InvalidArgumentError(`--${name} takes a whole number (got '${raw}')`);
  if (Math.abs(v) > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`--${name} is too large (got ${raw})`);
  return v;
}

/** A count option: `12`, `1e6`, `1_000_000`, at least `min`. */
export function count(name: string, min = 0): Parser<number> {
  return once(name, (raw) => {
    const v = integer(name, raw);
    if (v < min) throw new InvalidArgumentError(`--${name} must be at least ${min} (got ${v})`);
    return v;
  });
}

/** A size option: a whole number; its range is the scenario's and is checked against it. */
/** A size: a number, or one of the labels the scenarios give its values (`--arch nonipi`). */
export function size(name: string, labelled?: { min: number; labels: readonly string[] }): Parser<number> {
  return once(name, (raw) => {
    const at = labelled?.labels.indexOf(raw) ?? -1;
    if (at >= 0) return labelled!.min + at;
    // A word that is not one of the names: say the names, which is what the user was reaching for.
    if (labelled && /^[a-z]/i.test(raw))
      throw new InvalidArgumentError(`--${name} takes a whole number or one of ${labelled.labels.join(', ')} (got '${raw}')`);
    return integer(name, raw);
  });
}

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
/** Less than this cannot hold a run's first tables and the machines. */
const MIN_MEMORY = 64 * 2 ** 20;

/** The memory this process may use: the machine's, or its container's when that is less. */
export function availableMemory(): number {
  const c = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  return c && c > 0 && c < totalmem() ? c : totalmem();
}

/** Default --workers: one thread per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/** Default --max-memory: half of the memory there is, leaving the rest to the system and other work. */
export function defaultMaxMemory(): number {
  return Math.floor(availableMemory() / 2);
}

/** A memory size: `512M`, `4G`, `1.5GiB`, `800MB` (powers of 1024); a unit is required. */
export function memorySize(name: string): Parser<number> {
  return once(name, (raw) => {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw.trim());
    if (!m || (m[2] === '' && !/b$/i.test(raw.trim())))
      throw new InvalidArgumentError(`--${name} takes a size with a unit, as 512M or 4G (got '${raw}')`);
    const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
    if (bytes < MIN_MEMORY) throw new InvalidArgumentError(`--${name} must be at least 64M (got ${raw})`);
    const have = availableMemory();
    if (bytes > have) throw new InvalidArgumentError(`--${name} ${raw} is more than the ${formatBytes(have)} of memory this machine has`);
    return bytes;
  });
}

export function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(0)} MiB`;
  return `${(b / 2 ** 10).toFixed(0)} KiB`;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration: `500ms`, `90s`, `5m`, `1h` (a unit is required); returned in milliseconds. */
export function duration(name: string): Parser<number> {
  return once(name, (raw) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/i.exec(raw.trim());
    if (!m) throw new InvalidArgumentError(`--${name} takes a duration with a unit, as 90s or 5m (got '${raw}')`);
    return Math.round(Number(m[1]) * DURATION_UNITS[m[2].toLowerCase()]);
  });
}
