import { InvalidArgumentError } from 'commander';

/** Parses a count option strictly: `12`, `1e6`, `1_000_000`; anything else is bad input. */
export function count(name: string, min = 0): (raw: string) => number {
  return (raw: string) => {
    const s = raw.replace(/_/g, '');
    const v = /^-?\d+(\.\d+)?(e\d+)?$/i.test(s) ? Number(s) : NaN;
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`--${name} takes a whole number (got '${raw}')`);
    if (v < min) throw new InvalidArgumentError(`--${name} must be at least ${min} (got ${v})`);
    if (v > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`--${name} is too large (got ${raw})`);
    return v;
  };
}
