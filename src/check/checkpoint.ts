/**
 * Checkpoints of a long check in a folder of their own, so a run killed (SIGKILL, a power cut) goes on
 * from its last checkpoint with the same counts, findings and traces as a run never stopped. A
 * checkpoint holds, per run (one a revision): the stored states with their parents and step labels
 * and the edge list (append-only: each checkpoint adds a segment file with what is new since the
 * last), each actor's interned snapshots in id order (state vectors are vectors of those ids), and in
 * the manifest the frontier, counters, findings and what the property checks and the symmetry
 * remember. Every file is written to a temporary name, synced and renamed; the manifest last, so a
 * kill at any point leaves the previous checkpoint whole. The manifest records the spec's
 * fingerprint (specFingerprint.ts) and a resume refuses another spec's checkpoint. Every file's SHA-256 is in
 * the manifest, and the manifest's own over the rest of it: a resume checks each before it reads anything from it,
 * so a damaged checkpoint is refused as one (exit 2) instead of read into a wrong graph. The folder holds
 * only files of these names: a folder with anything else is refused, and nothing is ever removed
 * but this module's own temporary files.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import type { AnyMachineSnapshot } from 'xstate';
import { InputError } from '../compose/errors.ts';
import type { System } from '../compose/system.ts';
import type { CheckpointSink, ExplorationState, ResumePoint } from './exploration.ts';
import type { Finding } from './finding.ts';
import type { InvariantMemory } from './invariantCheck.ts';
import type { EdgeList } from './progress.ts';
import type { StateStore } from './storeInterface.ts';
import type { SymmetryMemory } from './symmetry.ts';

/** Bumped when what a checkpoint holds or means changes: an older one is then another spec's. 2: the digests. */
export const CHECKPOINT_FORMAT = 2;

const MANIFEST = 'checkpoint.json';
/** The names this module writes; anything else in the folder is someone else's. */
const OURS = /^(checkpoint\.json|run\d+\.(states|edges)\.\d+\.bin|run\d+\.tables\.\d+\.json)$/;
const TEMP = /^\.(checkpoint\.json|run\d+\.(states|edges)\.\d+\.bin|run\d+\.tables\.\d+\.json)\.\d+\.tmp$/;

interface Segment {
  readonly seq: number;
  readonly states: readonly [number, number];
  readonly edges: readonly [number, number];
  /** Snapshots added per actor: ids [tables[a][0], tables[a][1]). */
  readonly tables: readonly (readonly [number, number])[];
  /** SHA-256 (hex) of each file of the segment: a states or edges file only where it has one. */
  readonly digests: { readonly states?: string; readonly edges?: string; readonly tables: string };
}

interface SavedRun {
  readonly label: string;
  readonly width: number;
  readonly segments: readonly Segment[];
  readonly head: number;
  readonly depth: number;
  readonly levelEnd: number;
  readonly edgeCount: number;
  readonly bound?: 'depth';
  readonly explored: boolean;
  readonly findings: readonly Finding[];
  readonly crashes: readonly (readonly [number, string])[];
  readonly invariants?: InvariantMemory;
  readonly symmetry?: SymmetryMemory;
}

interface Manifest {
  readonly format: 'daxspec-checkpoint';
  readonly version: number;
  readonly spec: string;
  readonly littleEndian: boolean;
  readonly runs: Record<string, SavedRun>;
  /** SHA-256 (hex) of the manifest's JSON without this field (`sealed`). */
  readonly digest?: string;
}

/** The manifest's JSON with its digest over the rest. */
function sealed(m: Manifest): string {
  const { digest: _, ...rest } = m;
  return JSON.stringify({ ...rest, digest: sha256(JSON.stringify(rest)) }) + '\n';
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What a run's last checkpoint says about how far it got (reports and tests read it). */
export interface CheckpointSummary {
  readonly states: number;
  readonly head: number;
  readonly explored: boolean;
}

/**
 * A checkpoint folder, opened to start a new run (`create`) or to continue one (`resume`). Both check
 * everything before the first state is explored.
 */
export class CheckpointFolder {
  private constructor(
    readonly dir: string,
    private readonly spec: string,
    private manifest: Manifest,
  ) {}

  /** A new or empty folder (or one holding only this module's leftovers from a run killed before its first checkpoint). */
  static create(dir: string, spec: string): CheckpointFolder {
    const names = openFolder(dir);
    if (names.includes(MANIFEST)) throw new InputError('checkpoint-exists', { dir });
    return new CheckpointFolder(dir, spec, {
      format: 'daxspec-checkpoint',
      version: CHECKPOINT_FORMAT,
      spec,
      littleEndian: LITTLE_ENDIAN,
      runs: {},
    });
  }

  /** A folder holding a checkpoint of this spec. */
  static resume(dir: string, spec: string): CheckpointFolder {
    const names = openFolder(dir, false);
    if (!names.includes(MANIFEST)) throw new InputError('checkpoint-missing', { dir });
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
    } catch (e) {
      throw new InputError('checkpoint-damaged', { dir, why: `${MANIFEST}: ${(e as Error).message}` });
    }
    if (typeof m !== 'object' || m === null || Array.isArray(m))
      throw new InputError('checkpoint-damaged', { dir, why: `${MANIFEST} holds no manifest` });
    // Another format's manifest may have no digest, or one made otherwise: it is another spec's, whatever it holds.
    if (m.format === 'daxspec-checkpoint' && m.version !== CHECKPOINT_FORMAT) throw new InputError('checkpoint-other-spec', { dir });
    // The digest before the fields it covers: a manifest damaged in its spec is damaged, not another spec's.
    const { digest, ...rest } = m;
    if (digest !== sha256(JSON.stringify(rest)))
      throw new InputError('checkpoint-damaged', { dir, why: `${MANIFEST} does not match its digest` });
    if (m.format !== 'daxspec-checkpoint' || m.spec !== spec || m.littleEndian !== LITTLE_ENDIAN)
      throw new InputError('checkpoint-other-spec', { dir });
    return new CheckpointFolder(dir, spec, m);
  }

  /** How far run `run` got at its last checkpoint; undefined when it has none. */
  summary(run: number): CheckpointSummary | undefined {
    const r = this.manifest.runs[runName(run)];
    if (!r) return undefined;
    const states = r.segments.length ? r.segments[r.segments.length - 1].states[1] : 0;
    return { states, head: r.head, explored: r.explored };
  }

  /**
   * Where run `run` of `system` left off, its actors' tables restored (so the saved vectors mean what
   * they meant); undefined when the run has no checkpoint yet.
   */
  resumePoint(run: number, system: System): ResumePoint | undefined {
    const saved = this.manifest.runs[runName(run)];
    if (!saved) return undefined;
    if (saved.width !== system.width) throw new InputError('checkpoint-other-spec', { dir: this.dir });
    for (const seg of saved.segments) this.restoreTables(run, seg, system);
    const damaged = (why: string): InputError => new InputError('checkpoint-damaged', { dir: this.dir, why });
    /** A segment file as a reader of int ranges, checked to hold exactly `words` ints whose SHA-256 is `digest`. */
    const open = (name: string, words: number, digest: string | undefined): { ints(at: number, n: number): Int32Array; close(): void } => {
      let fd: number;
      try {
        fd = openSync(join(this.dir, name), 'r');
      } catch (e) {
        throw damaged(`${name}: ${(e as Error).message}`);
      }
      const size = fstatSync(fd).size;
      if (size !== 4 * words) {
        closeSync(fd);
        throw damaged(`${name} has ${size} bytes, not ${4 * words}`);
      }
      if (digestOf(fd, size) !== digest) {
        closeSync(fd);
        throw damaged(`${name} does not match its digest`);
      }
      return {
        ints: (at, n) => {
          const out = new Int32Array(n);
          const bytes = new Uint8Array(out.buffer);
          let done = 0;
          while (done < bytes.length) done += readSync(fd, bytes, done, bytes.length - done, 4 * at + done);
          return out;
        },
        close: () => closeSync(fd),
      };
    };
    const last = saved.segments[saved.segments.length - 1];
    return {
      states: last ? last.states[1] : 0,
      head: saved.head,
      depth: saved.depth,
      levelEnd: saved.levelEnd,
      edgeCount: saved.edgeCount,
      ...(saved.bound ? { bound: saved.bound } : {}),
      findings: saved.findings,
      crashes: saved.crashes,
      invariants: saved.invariants,
      symmetry: saved.symmetry,
      fill: (store: StateStore, edges: EdgeList | undefined): void => {
        const w = system.width;
        for (const seg of saved.segments) {
          const [from, to] = seg.states;
          const n = to - from;
          if (n > 0) {
            // Read a chunk at a time: a segment may hold more than memory spares for a copy.
            const f = open(fileName(run, 'states', seg.seq), n * (w + 2), seg.digests.states);
            try {
              for (let c = 0; c < n; c += CHUNK) {
                const m = Math.min(CHUNK, n - c);
                const vectors = f.ints(c * w, m * w);
                const parents = f.ints(n * w + c, m);
                const labels = f.ints(n * w + n + c, m);
                for (let i = 0; i < m; i++) {
                  const at = store.add(vectors.subarray(i * w, (i + 1) * w), parents[i], labels[i]);
                  if (at !== from + c + i) throw damaged(`state ${from + c + i} is stored twice`);
                }
              }
            } finally {
              f.close();
            }
          }
          const [ef, et] = seg.edges;
          if (edges && et > ef) {
            const m = et - ef;
            const f = open(fileName(run, 'edges', seg.seq), 2 * m, seg.digests.edges);
            try {
              for (let c = 0; c < m; c += CHUNK) {
                const k = Math.min(CHUNK, m - c);
                const src = f.ints(c, k);
                const dst = f.ints(m + c, k);
                for (let i = 0; i < k; i++) edges.add(src[i], dst[i]);
              }
            } finally {
              f.close();
            }
          }
        }
      },
    };
  }

  /**
   * The sink that checkpoints run `run` (labelled for the manifest) every `everyMs` and when it ends.
   * It writes only what is new since the run's last checkpoint.
   */
  sink(run: number, label: string, system: System, everyMs: number): CheckpointSink {
    const prior = this.manifest.runs[runName(run)];
    const last = prior?.segments[prior.segments.length - 1];
    let states = last?.states[1] ?? 0;
    let edgeCount = last?.edges[1] ?? 0;
    let tables = last ? last.tables.map((t) => t[1]) : system.actors.map(() => 0);
    let seq = last?.seq ?? 0;
    let next = performance.now() + everyMs;
    return {
      due: () => performance.now() >= next,
      save: (s: ExplorationState): void => {
        seq++;
        const stored = {
          seq,
          states: [states, s.store.count] as const,
          edges: [edgeCount, s.edges?.count ?? 0] as const,
          tables: system.actors.map((t, a) => [tables[a], t.size] as const),
        };
        const statesDigest = this.writeStates(run, stored, s.store, system.width);
        const edges = s.edges;
        let edgesDigest: string | undefined;
        if (edges && stored.edges[1] > stored.edges[0]) {
          const [start, end] = stored.edges;
          const side = function* (which: 'from' | 'to'): Generator<Int32Array> {
            for (let c = start; c < end; c += CHUNK) yield edges.slice(c, Math.min(end, c + CHUNK))[which];
          };
          edgesDigest = writeAtomic(join(this.dir, fileName(run, 'edges', seq)), [side('from'), side('to')]);
        }
        const tablesDigest = this.writeTables(run, stored, system);
        const seg: Segment = {
          ...stored,
          digests: {
            ...(statesDigest ? { states: statesDigest } : {}),
            ...(edgesDigest ? { edges: edgesDigest } : {}),
            tables: tablesDigest,
          },
        };
        const saved: SavedRun = {
          label,
          width: system.width,
          segments: [...(this.manifest.runs[runName(run)]?.segments ?? []), seg],
          head: s.head,
          depth: s.depth,
          levelEnd: s.levelEnd,
          edgeCount: s.edgeCount,
          ...(s.bound ? { bound: s.bound } : {}),
          explored: s.explored,
          findings: s.findings,
          crashes: s.crashes,
          invariants: s.invariants,
          symmetry: s.symmetry,
        };
        this.manifest = { ...this.manifest, runs: { ...this.manifest.runs, [runName(run)]: saved } };
        writeAtomic(join(this.dir, MANIFEST), [[Buffer.from(sealed(this.manifest))]]);
        states = seg.states[1];
        edgeCount = seg.edges[1];
        tables = seg.tables.map((t) => t[1]);
        // The next one counts from the end of this one: a slow disk does not make checkpoints back to back.
        next = performance.now() + everyMs;
      },
    };
  }

  /** States [from, to) as their vectors, then their parents, then their labels, written a chunk at a time; the file's digest. */
  private writeStates(run: number, seg: Omit<Segment, 'digests'>, store: StateStore, width: number): string | undefined {
    const [from, to] = seg.states;
    if (to === from) return undefined;
    const vectors = function* (): Generator<Int32Array> {
      const vec = new Int32Array(width);
      for (let c = from; c < to; c += CHUNK) {
        const m = Math.min(CHUNK, to - c);
        const chunk = new Int32Array(m * width);
        for (let i = 0; i < m; i++) {
          store.load(c + i, vec);
          chunk.set(vec, i * width);
        }
        yield chunk;
      }
    };
    const field = function* (of: (i: number) => number): Generator<Int32Array> {
      for (let c = from; c < to; c += CHUNK) {
        const chunk = new Int32Array(Math.min(CHUNK, to - c));
        for (let i = 0; i < chunk.length; i++) chunk[i] = of(c + i);
        yield chunk;
      }
    };
    return writeAtomic(join(this.dir, fileName(run, 'states', seg.seq)), [
      vectors(),
      field((i) => store.parent(i)),
      field((i) => store.label(i)),
    ]);
  }

  /** Each actor's snapshots added since the last checkpoint, as XState persists them, in id order; the file's digest. */
  private writeTables(run: number, seg: Omit<Segment, 'digests'>, system: System): string {
    const actors = system.actors.map((t, a) => {
      const out: unknown[] = [];
      for (let id = seg.tables[a][0]; id < seg.tables[a][1]; id++) out.push(t.machine.getPersistedSnapshot(t.snapshot(id)));
      return out;
    });
    return writeAtomic(join(this.dir, fileName(run, 'tables', seg.seq)), [[Buffer.from(JSON.stringify(actors) + '\n')]]);
  }

  private restoreTables(run: number, seg: Segment, system: System): void {
    const name = fileName(run, 'tables', seg.seq);
    let actors: unknown[][];
    try {
      const bytes = readFileSync(join(this.dir, name));
      if (createHash('sha256').update(bytes).digest('hex') !== seg.digests.tables) throw new Error('it does not match its digest');
      actors = JSON.parse(bytes.toString('utf8')) as unknown[][];
    } catch (e) {
      throw new InputError('checkpoint-damaged', { dir: this.dir, why: `${name}: ${(e as Error).message}` });
    }
    system.actors.forEach((t, a) => {
      const [from, to] = seg.tables[a];
      for (let id = from; id < to; id++) {
        // The initial snapshot (and any the build already interned) is there: re-interning it finds it.
        const restored = t.machine.restoreSnapshot(actors[a][id - from] as never, undefined as never) as AnyMachineSnapshot;
        const got = t.adopt(restored);
        if (got !== id) throw new InputError('checkpoint-other-spec', { dir: this.dir });
      }
    });
  }
}

const runName = (run: number): string => `run${run}`;
const fileName = (run: number, kind: 'states' | 'edges' | 'tables', seq: number): string =>
  `run${run}.${kind}.${seq}.${kind === 'tables' ? 'json' : 'bin'}`;

/**
 * Checks the folder and returns its entries: a folder (made when missing and `make`), not a link,
 * holding only this module's files. Its own leftover temporary files (a kill during a write) are removed.
 */
function openFolder(dir: string, make = true): string[] {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) throw new InputError('symlink-output', { path: dir }, `${dir} is a symbolic link`);
  if (st && !st.isDirectory()) throw new InputError('unwritable-output', { path: dir, why: 'exists and is not a folder' });
  if (!st) {
    if (!make) throw new InputError('checkpoint-missing', { dir });
    mkdirSync(dir);
    return [];
  }
  const names = readdirSync(dir).sort();
  const foreign = names.filter((n) => !OURS.test(n) && !TEMP.test(n));
  if (foreign.length) throw new InputError('checkpoint-foreign', { dir, files: foreign, resume: !make });
  for (const n of names) if (TEMP.test(n)) rmSync(join(dir, n), { force: true });
  return names.filter((n) => OURS.test(n));
}

/** Records a checkpoint file holds per chunk written: a checkpoint never copies all it writes at once. */
const CHUNK = 1 << 16;

/**
 * Writes `parts` (each a sequence of chunks) to a temporary file beside `path`, syncs it and renames it over `path`;
 * returns the SHA-256 (hex) of what it wrote.
 */
function writeAtomic(path: string, parts: readonly Iterable<ArrayBufferView>[]): string {
  const slash = path.lastIndexOf('/');
  const tmp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  const hash: Hash = createHash('sha256');
  try {
    for (const part of parts) {
      for (const p of part) {
        const bytes = new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
        hash.update(bytes);
        let off = 0;
        while (off < bytes.length) off += writeSync(fd, bytes, off);
      }
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  return hash.digest('hex');
}

/** The SHA-256 (hex) of the `size` bytes of open file `fd`, read a few MB at a time. */
function digestOf(fd: number, size: number): string {
  const hash = createHash('sha256');
  const buf = new Uint8Array(Math.min(size, 1 << 22));
  for (let at = 0; at < size;) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
    if (n <= 0) break;
    hash.update(buf.subarray(0, n));
    at += n;
  }
  return hash.digest('hex');
}
