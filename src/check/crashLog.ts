/**
 * The states with a step that crashes the kernel (an oops: the path ends there) and the key of that violation,
 * for the progress check, which calls a waiter stuck behind such a step its consequence. A Map holds at most
 * 2^24 entries in V8, and a large run passes that (kill-dax-readers with six readers and three sections stopped
 * on "Map maximum size exceeded"), so the log keeps one word per state, by index, and interns the keys.
 */

/** What the progress check reads of the log (a Map of the same pairs reads the same). */
export interface CrashReader {
  has(state: number): boolean;
  get(state: number): string | undefined;
}

export class CrashLog implements CrashReader {
  /** Key id + 1 per state (0: no crash), as far as the highest state logged. */
  private byState = new Int32Array(1 << 10);
  private readonly keys: string[] = [];
  private readonly ids = new Map<string, number>();
  private count = 0;

  /** The states logged. */
  get size(): number {
    return this.count;
  }

  has(state: number): boolean {
    return state < this.byState.length && this.byState[state] !== 0;
  }

  get(state: number): string | undefined {
    const id = state < this.byState.length ? this.byState[state] : 0;
    return id === 0 ? undefined : this.keys[id - 1];
  }

  /** Logs `key` for `state` (replacing what it had). */
  set(state: number, key: string): this {
    if (state >= this.byState.length) {
      let n = this.byState.length;
      while (n <= state) n *= 2;
      const grown = new Int32Array(n);
      grown.set(this.byState);
      this.byState = grown;
    }
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.push(key) - 1;
      this.ids.set(key, id);
    }
    if (this.byState[state] === 0) this.count++;
    this.byState[state] = id + 1;
    return this;
  }

  /** The pairs [state, key] in state order (what a checkpoint saves). */
  *[Symbol.iterator](): IterableIterator<[number, string]> {
    const by = this.byState;
    for (let s = 0; s < by.length; s++) if (by[s] !== 0) yield [s, this.keys[by[s] - 1]];
  }
}
