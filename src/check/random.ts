/**
 * Seeded pseudo-random numbers for simulation: a small generator (sfc32) whose whole sequence follows from one
 * 32-bit seed, streams derived from a seed and a run number, and a stateless hash of a seed and a name to a
 * weight. Math.random is never used: a seed must reproduce a run exactly, in any process.
 */

/** splitmix32 finalizer: spreads a 32-bit input over all bits (used to derive seeds and hash names). */
function mix(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/** A seeded generator (sfc32: small, fast, passes PractRand for far longer than any simulation runs). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = mix(seed);
    this.b = mix(this.a);
    this.c = mix(this.b);
    this.d = 1;
    // The first outputs of sfc32 still show the seed's structure: discard them.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** The seed of run `run` of a simulation seeded `seed`: each run is reproducible on its own. */
export function runSeed(seed: number, run: number): number {
  return mix(mix(seed) ^ Math.imul(run + 1, 0x85ebca6b));
}

/** FNV-1a of a string, for hashing names into a run's weights. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A number in [0, 1) fixed by a seed and a name, without a generator's state: a run's weight for an
 * actor or an event depends on nothing but the run and the name, whatever order they are met in.
 */
export function unitHash(seed: number, name: string): number {
  return mix(seed ^ hashString(name)) / 4294967296;
}

/** A seed from the clock, for runs without --seed: printed, so the run can be repeated. */
export function freshSeed(): number {
  return mix((Date.now() ^ Math.floor(performance.now() * 1000)) >>> 0);
}
