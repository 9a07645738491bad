/**
 * Simulation: random walks through a composed system, for sizes whose state space exhaustive search cannot
 * store. Each walk starts at the initial state and takes one enabled step at a time, chosen by the run's own
 * seeded generator, until no step is left or the depth bound; on every state it visits it checks what the
 * explorer checks on a state (every invariant, every step's violation, including the steps it does not
 * take, and deadlock). At the end of each walk, progress and liveness are checked on the graph of the states
 * it visited (walkChecks.ts: only what that graph proves, with liveness.ts's own judgement of fairness);
 * liveness, for a walk cut at the depth bound with a property's Q false at its last state, on that graph
 * grown by the last state's breadth-first future (walkChecks.ts's END_FUTURE), so a lasso whose cycle lies
 * just past the cut, or needs states the walk did not pass, can be found. Over a run the futures added stay
 * within FUTURE_SHARE states per step walked (about a quarter more time; the first cut walk always has its
 * future added). It keeps the walk that first broke each property as a sequence of steps (and, for liveness,
 * where its cycle starts); shrink.ts and shrinkLasso.ts make it short.
 *
 * Walks are not steered towards closing cycles (as TLC's simulation mode closes a lasso only when its trace
 * comes back to a state): the liveness check reads every edge between the states a walk visited, taken or
 * not, so a cycle is seen as soon as the walk has passed its states in any order, and a stuttering lasso
 * (a state where no fair step is enabled) needs no cycle at all. Steering towards visited states would
 * spend the walk's steps on states already in its graph instead of reaching new ones.
 *
 * Swarm walks (Groce et al., "Swarm testing", ISSTA 2012) give each run its own weights: an actor or an
 * event type may be left out of the run altogether or made rare, so that runs explore the corners where
 * one actor races ahead of the others, which uniform choice almost never reaches at large sizes.
 */
import type { Liveness } from '../../machines/kit/types.ts';
import { decodeStep, STEP_BLOCKED, STEP_OK, stepLabel } from '../compose/stepLabel.ts';
import type { System } from '../compose/system.ts';
import { Fairness, type FairnessMode } from './fairness.ts';
import type { ViolationKind } from './finding.ts';
import { InvariantCheck } from './invariantCheck.ts';
import { Random, runSeed, unitHash } from './random.ts';
import { END_FUTURE, endProgress, FUTURE_SHARE, livenessKey, unsettledAt, walkLiveness, walkProgress } from './walkChecks.ts';
import { WalkStore, WalkSuccessors } from './walkGraph.ts';

/** One step of a walk: an actor and the environment event it takes (an interned event id). */
export interface SimStep {
  readonly actor: number;
  readonly event: number;
}

/** How each run picks among the enabled steps. */
export type Strategy = 'uniform' | 'swarm';

export interface SimulateOptions {
  readonly seed: number;
  /** Walks to run (default: unbounded, then `seconds` must be given). */
  readonly runs?: number;
  /** Time budget in seconds: no run starts after it. */
  readonly seconds?: number;
  /** Longest walk, in steps. */
  readonly maxDepth: number;
  readonly strategy: Strategy;
  /** Fairness the liveness properties are checked under (default: as declared), as check's --fairness. */
  readonly fairness?: FairnessMode;
  /** States of a cut walk's last state's future added to its graph for liveness (default END_FUTURE; 0: none). */
  readonly endFuture?: number;
  readonly onProgress?: (p: SimProgress) => void;
  readonly progressIntervalMs?: number;
  /** Asked between runs: a reason to stop now (a signal), or undefined. */
  readonly shouldStop?: () => string | undefined;
}

export interface SimProgress {
  readonly runs: number;
  readonly steps: number;
  readonly findings: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
}

/** A property broken by a walk, with the walk up to where it broke. */
export interface WalkFinding {
  readonly key: string;
  readonly property: string;
  readonly kind: ViolationKind;
  readonly text: string;
  readonly actor?: string;
  /** The run (0-based) whose walk found it. */
  readonly run: number;
  /** The walk's steps, the failing one last for a step violation; for liveness, a lasso's prefix then its cycle. */
  readonly steps: readonly SimStep[];
  /** Liveness: the property, and the index of the state where the lasso's cycle starts (== steps.length: it stutters there). */
  readonly liveness?: Liveness;
  readonly loop?: number;
  /** Progress: the oops a step from the stuck state ends in (the waiter is stuck behind a path that dies). */
  readonly cause?: string;
}

/** Why the runs ended before the number asked for. */
export type SimBound = 'time' | 'interrupted';

export interface SimulateResult {
  readonly runs: number;
  /** Steps taken over all runs. */
  readonly steps: number;
  /** Longest walk taken. */
  readonly longest: number;
  /** Runs that ended at the depth bound (the others ended where no step was left, or a path died). */
  readonly cutAtDepth: number;
  /** States reached exploring the futures of cut walks' last states for liveness (WalkSuccessors.addFuture), over all runs. */
  readonly futureStates: number;
  readonly seconds: number;
  readonly bound?: SimBound;
  readonly interrupted?: string;
  readonly findings: readonly WalkFinding[];
}

/** A simulation that can be advanced a few runs at a time (async callers let signals in between). */
export interface Simulation {
  /** Runs up to `runs` more walks; true when the simulation is over. */
  advance(runs: number): boolean;
  result(): SimulateResult;
}

/** Chance that a swarm run leaves an actor or an event type out (swarm testing omits each feature with probability 1/2). */
const OMIT = 0.5;

export function startSimulation(system: System, options: SimulateOptions): Simulation {
  const started = performance.now();
  const runsWanted = options.runs ?? Infinity;
  const deadline = options.seconds === undefined ? Infinity : started + options.seconds * 1000;
  if (runsWanted === Infinity && deadline === Infinity) throw new Error('internal: a simulation needs a number of runs or a time budget');
  const w = system.width;
  const findings = new Map<string, WalkFinding>();
  const check = system.invariants.length > 0 ? new InvariantCheck(system) : undefined;
  const fairness = new Fairness(system, options.fairness ?? 'declared');
  const liveness = system.liveness;
  const endFuture = options.endFuture ?? END_FUTURE;
  // A progress finding kept as a consequence (its waiter stuck behind an oops) gives way to one that is not.
  const consequence = new Set<string>();
  // Last states of walks whose waiters' futures were explored (walkChecks.ts's endProgress), across walks.
  const endKnown = new Map<string, number>();
  const prefix: SimStep[] = [];
  let run = 0;
  let steps = 0;
  let longest = 0;
  let cutAtDepth = 0;
  // States of cut walks' futures added for liveness, over all runs.
  let extended = 0;
  let bound: SimBound | undefined;
  let interrupted: string | undefined;
  let over = false;
  let nextReport = started + (options.progressIntervalMs ?? 2000);

  const note = (code: number, last: SimStep | undefined): void => {
    const v = system.violation(code);
    if (findings.has(v.key)) return;
    findings.set(v.key, {
      key: v.key,
      property: v.property,
      kind: v.kind,
      text: v.text,
      actor: v.actor,
      run,
      steps: last ? [...prefix, last] : [...prefix],
    });
  };
  const failed = (k: number): void => {
    const inv = system.invariants[k];
    const key = `invariant:${inv.id}`;
    if (!findings.has(key)) findings.set(key, { key, property: inv.id, kind: 'invariant', text: inv.text, run, steps: [...prefix] });
  };

  // Per-state candidates: the enabled steps that do not crash, with their successor and weight.
  // The chosen successor's buffer becomes `cur` and the old `cur` takes its place in the pool.
  const nexts: Int32Array[] = [];
  let weight = new Float64Array(64);
  const cActor = new Int32Array(4096);
  const cEvent = new Int32Array(4096);
  const cOffer = new Int32Array(4096);
  const actorWeight = new Float64Array(w);
  const eventWeight = new Map<number, number>();

  const walk = (): void => {
    const rs = runSeed(options.seed, run);
    const rnd = new Random(rs);
    const swarm = options.strategy === 'swarm';
    eventWeight.clear();
    for (let a = 0; a < w; a++) actorWeight[a] = swarm ? swarmWeight(unitHash(rs, `actor:${system.names[a]}`)) : 1;
    const weightOf = (event: number): number => {
      if (!swarm) return 1;
      let x = eventWeight.get(event);
      if (x === undefined) {
        x = swarmWeight(unitHash(rs, `event:${system.events.get(event).type}`));
        eventWeight.set(event, x);
      }
      return x;
    };
    prefix.length = 0;
    let cur: Int32Array = system.initial.slice();
    check?.checkAll(cur, failed);
    const graph = new WalkStore(w);
    let at = graph.add(cur, -1, -1);
    let cut = false;
    for (let depth = 0; ; depth++) {
      if (depth >= options.maxDepth) {
        cutAtDepth++;
        cut = true;
        break;
      }
      let enabled = false;
      let n = 0;
      let total = 0;
      for (let a = 0; a < w; a++) {
        const offers = system.actors[a].offers(cur[a]);
        for (let o = 0; o < offers.length; o++) {
          if (n === nexts.length) nexts.push(new Int32Array(w));
          const out = nexts[n];
          out.set(cur);
          const r = system.step(out, a, o);
          if (r === STEP_BLOCKED) continue;
          enabled = true;
          const step = { actor: a, event: offers[o].event };
          if (r !== STEP_OK) {
            const also = system.alsoViolated;
            note(r, step);
            if (also) note(also, step);
            // A step that oopses ends its code path: the walk does not take it (the explorer stops there too).
            if (!system.violation(r).continues) continue;
          }
          if (n === weight.length) {
            const g = new Float64Array(n * 2);
            g.set(weight);
            weight = g;
          }
          if (n === cActor.length) throw new Error('internal: more than 4096 steps enabled in one state');
          cActor[n] = a;
          cEvent[n] = step.event;
          cOffer[n] = o;
          const x = actorWeight[a] * weightOf(step.event);
          weight[n] = x;
          total += x;
          n++;
        }
      }
      if (!enabled && system.checkDeadlock) {
        const stuck = system.unfinished(cur);
        if (stuck >= 0 && !findings.has('deadlock')) {
          findings.set('deadlock', {
            key: 'deadlock',
            property: 'deadlock',
            kind: 'deadlock',
            text: `no step is possible and ${system.names[stuck]} has not finished`,
            actor: system.names[stuck],
            run,
            steps: [...prefix],
          });
        }
      }
      if (n === 0) break;
      // Every enabled step left out by the swarm's weights: the run falls back to a uniform choice here.
      let pick = 0;
      if (total > 0) {
        let x = rnd.float() * total;
        while (pick < n - 1 && (x -= weight[pick]) >= 0) pick++;
        // Rounding can leave x at the end on a zero-weight step: step back to one that has weight.
        while (weight[pick] === 0 && pick > 0) pick--;
      } else pick = rnd.below(n);
      const next = nexts[pick];
      nexts[pick] = cur;
      prefix.push({ actor: cActor[pick], event: cEvent[pick] });
      check?.checkChild(cur, next, failed);
      const added = graph.add(next, at, stepLabel(cActor[pick], cOffer[pick]));
      at = added >= 0 ? added : -1 - added;
      cur = next;
      steps++;
      if (depth + 1 > longest) longest = depth + 1;
    }
    checkGraph(graph, at, cut);
  };

  /** Progress and liveness on the graph of the walk just taken, for the properties not broken yet. */
  const checkGraph = (graph: WalkStore, end: number, cut: boolean): void => {
    const props = liveness.filter((p) => !findings.has(livenessKey(p)));
    const open = (key: string) => !findings.has(key) || consequence.has(key);
    // Edges are computed only for the states a check reads: the waiting ones, the not-Q region after a premise.
    const succ = new WalkSuccessors(system, graph, fairness);
    const skip = (key: string) => !open(key);
    for (const p of [...walkProgress(system, graph, succ, skip), ...endProgress(system, graph, succ, end, skip, endKnown)]) {
      // Kept: a finding already there, unless it is a consequence and this one is not.
      if (findings.has(p.key) && (!consequence.has(p.key) || p.cause !== undefined)) continue;
      if (p.cause === undefined) consequence.delete(p.key);
      else consequence.add(p.key);
      findings.set(p.key, {
        key: p.key,
        property: 'progress',
        kind: 'progress',
        text: p.text,
        actor: p.actor,
        run,
        steps: stepsOf(system, p.labels),
        ...(p.cause !== undefined ? { cause: p.cause } : {}),
      });
    }
    // Progress is judged above on what the walk visited alone; liveness also on the future of a cut walk's
    // last state, on a graph that grows (so with edges computed anew: the old ones say "outside" for states now in it).
    let live = succ;
    if (cut && endFuture > 0 && extended <= FUTURE_SHARE * steps && props.length > 0 && unsettledAt(system, graph.vector(end), props)) {
      live = new WalkSuccessors(system, graph, fairness);
      extended += live.addFuture(end, endFuture);
    }
    for (const l of walkLiveness(system, graph, live, fairness, props)) {
      const key = livenessKey(l.property);
      findings.set(key, {
        key,
        property: l.property.id,
        kind: 'liveness',
        text: l.property.text,
        ...(l.property.actor ? { actor: l.property.actor } : {}),
        run,
        steps: stepsOf(system, l.labels),
        liveness: l.property,
        loop: l.loop,
      });
    }
  };

  const advance = (slice: number): boolean => {
    if (over) return true;
    for (let i = 0; i < slice; i++) {
      if (run >= runsWanted) return (over = true);
      const why = options.shouldStop?.();
      if (why !== undefined) {
        bound = 'interrupted';
        interrupted = why;
        return (over = true);
      }
      const now = performance.now();
      if (now >= deadline) {
        // A time budget with no number of runs is the plan, not a bound.
        if (runsWanted !== Infinity) bound = 'time';
        return (over = true);
      }
      if (options.onProgress && now >= nextReport) {
        nextReport = now + (options.progressIntervalMs ?? 2000);
        const seconds = (now - started) / 1000;
        options.onProgress({ runs: run, steps, findings: findings.size, seconds, stepsPerSecond: steps / seconds });
      }
      walk();
      run++;
    }
    return false;
  };

  const result = (): SimulateResult => ({
    runs: run,
    steps,
    longest,
    cutAtDepth,
    futureStates: extended,
    seconds: (performance.now() - started) / 1000,
    bound,
    interrupted,
    findings: [...findings.values()],
  });
  return { advance, result };
}

/** Step labels replayed from the initial state as (actor, event) steps. */
export function stepsOf(system: System, labels: readonly number[]): SimStep[] {
  let cur: Int32Array = system.initial.slice();
  return labels.map((label) => {
    const { actor, offer } = decodeStep(label);
    const step = { actor, event: system.actors[actor].offers(cur[actor])[offer].event };
    const next = cur.slice();
    system.step(next, actor, offer);
    cur = next;
    return step;
  });
}

/** A swarm weight from a uniform draw: left out (0) with probability OMIT, else spread over (0, 1]. */
function swarmWeight(u: number): number {
  if (u < OMIT) return 0;
  const x = (u - OMIT) / (1 - OMIT);
  // Squared: some runs make an actor or event rare rather than merely less likely.
  return Math.max(x * x, 1e-3);
}

/** Runs the whole simulation at once. */
export function simulate(system: System, options: SimulateOptions): SimulateResult {
  const s = startSimulation(system, options);
  while (!s.advance(Infinity));
  return s.result();
}

/** The same in slices of runs, with a turn of the event loop between them, so a signal can stop it. */
export async function simulateAsync(system: System, options: SimulateOptions): Promise<SimulateResult> {
  const s = startSimulation(system, options);
  do await new Promise<void>((resolve) => setImmediate(resolve));
  while (!s.advance(16));
  return s.result();
}
