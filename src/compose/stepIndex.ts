/**
 * Every offer of every actor state the system has met, numbered and laid out in typed arrays, with the memo of
 * whole call-and-reply steps beside each: what the explorer's loop reads for each successor instead of the
 * actor tables' lists of Delivery objects. An actor state's offers take consecutive numbers, in the order
 * ActorTable.offers lists them, so offer o of actor a in state id is number `begin(a, id) + o`.
 *
 * Why: enumerating percpu_ref N=5's 8.6M successors (every stored state's offers and memo hits, nothing stored)
 * took 0.45-0.49 s through the tables' lists of Delivery objects and the memo's plain arrays of numbers that each
 * Delivery held, and 0.26-0.28 s through typed arrays like these, in a prototype of this change. With the memo in
 * typed arrays either way, bench/successorLoop.ts still finds the numbered offers faster than the lists
 * (medians 229 and 315 ms, `npx tsx bench/successorLoop.ts 5 5`).
 *
 * The index is filled as the tables are: an actor state's offers when the loop first asks for them (a frozen
 * table throws MemoMiss then, as it would have), a memo entry when System.step first takes that step from that
 * callee state. It never changes an entry it has filled, except to mark a step the memo cannot hold.
 */
import { NULL_TARGET, type ActorTable, type Delivery } from './actorTable.ts';

/** An offer's callee when the step is the actor's own move: no call, no violation. */
export const OWN_MOVE = -1;
/** An offer's callee when the memo cannot hold the step (it calls NULL, touches more actors, or only enters a violation). */
export const WHOLE_STEP = -2;

/** Int32 per memo entry: own next id, callee's next id, step code, alsoViolated. */
export const MEMO_ENTRY = 4;
/** A memo entry's first word until the step is taken (every next id is at least 0). */
export const UNKNOWN = -1;

export class StepIndex {
  /** Per actor, [begin, end) of each id's offers, or -1 while that id's offers are not indexed. */
  private readonly ranges: Int32Array[];
  /** Per offer: the actor's next id. */
  next = new Int32Array(256);
  /** Per offer: the one actor the step calls (its memo is keyed by that actor's id), OWN_MOVE or WHOLE_STEP. */
  callee = new Int32Array(256);
  /** Per offer with a callee: MEMO_ENTRY Int32 per callee id, the first UNKNOWN until that step is taken. */
  readonly memo: Int32Array[] = [];
  readonly deliveries: Delivery[] = [];
  count = 0;
  /** Set by `begin`: the end of the range it returned. */
  end = 0;

  constructor(private readonly actors: readonly ActorTable[]) {
    this.ranges = actors.map(() => new Int32Array(64).fill(-1));
  }

  /** The number of actor `a`'s first offer in state `id` (the range's end in `end`); indexes that state's offers first if needed. */
  begin(a: number, id: number): number {
    const r = this.ranges[a];
    const at = 2 * id;
    if (at < r.length && r[at] >= 0) {
      this.end = r[at + 1];
      return r[at];
    }
    return this.add(a, id);
  }

  /** Records step `k` from callee state `calleeId`: the actor's and the callee's next ids, the code and the second violation. */
  remember(k: number, calleeId: number, self: number, calleeNext: number, code: number, also: number): void {
    let m = this.memo[k];
    const at = MEMO_ENTRY * calleeId;
    if (at >= m.length) {
      const grown = new Int32Array(Math.max(2 * m.length, at + MEMO_ENTRY)).fill(UNKNOWN);
      grown.set(m);
      this.memo[k] = m = grown;
    }
    m[at] = self;
    m[at + 1] = calleeNext;
    m[at + 2] = code;
    m[at + 3] = also;
  }

  /** Marks step `k` as one the memo cannot hold (a step from it touched a third actor). */
  wholeStep(k: number): void {
    this.callee[k] = WHOLE_STEP;
    this.memo[k] = EMPTY;
  }

  private add(a: number, id: number): number {
    // Asked of the table first: a frozen one throws here, before anything is indexed.
    const offers = this.actors[a].offers(id);
    let r = this.ranges[a];
    if (2 * id >= r.length) {
      const grown = new Int32Array(Math.max(2 * r.length, 2 * id + 2)).fill(-1);
      grown.set(r);
      this.ranges[a] = r = grown;
    }
    const first = this.count;
    for (const d of offers) this.push(d);
    r[2 * id] = first;
    r[2 * id + 1] = this.end = this.count;
    return first;
  }

  private push(d: Delivery): void {
    const k = this.count++;
    if (k === this.next.length) {
      this.next = doubled(this.next);
      this.callee = doubled(this.callee);
    }
    this.next[k] = d.next;
    const sends = d.sendVector;
    const own = sends.length === 0 && d.violation === undefined;
    // A step with no call, or whose first call is on NULL, goes through the whole cascade each time (System.step).
    this.callee[k] = own ? OWN_MOVE : sends.length === 0 || sends[0] === NULL_TARGET ? WHOLE_STEP : sends[0];
    this.memo.push(this.callee[k] >= 0 ? new Int32Array(MEMO_ENTRY * 8).fill(UNKNOWN) : EMPTY);
    this.deliveries.push(d);
  }
}

const EMPTY = new Int32Array(0);

function doubled(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}
