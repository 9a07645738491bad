import { getHeapStatistics } from 'node:v8';

/**
 * The memory a run may hold, as a budget the run keeps rather than a crash it meets. The state
 * store and the edge list live in typed arrays, outside the V8 heap, so --max-old-space-size does
 * not bound them and V8 cannot say how close they are to the end: they are counted here, with the
 * V8 heap in use. A store asks `reserve` before each growth for the whole of the new arrays (a
 * doubling that copies holds old and new at once; one that grows in place, stateStore.ts `extend`,
 * needs less, so the ask errs on the safe side); a growth past the budget is
 * refused by throwing, before anything is allocated, and the run stops at a state boundary with
 * what it has. The heap is also kept under V8's own limit, which ends the process when passed.
 */
export class MemoryBudget {
  constructor(
    readonly limit: number,
    /** Bytes held outside the V8 heap now (the store and the edge list). */
    private readonly held: () => number,
    /**
     * The V8 heap in use, as the budget counts it: V8's own figure, which moves with the collector's timing. A test
     * gives a fixed one, so that where a budget refuses depends on the run alone.
     */
    private readonly heap: () => number = heapUsed,
  ) {}

  /** Throws a refusal when allocating `bytes` more would pass the budget. */
  reserve(bytes: number): void {
    if (!this.allows(bytes)) throw new BudgetRefused(bytes);
  }

  /** Whether `bytes` more fit, for what the run may go without (a cache): asked, never refused. */
  allows(bytes: number): boolean {
    return this.held() + this.heap() + bytes <= this.limit && !nearHeapLimit();
  }

  /** Whether the run already holds more than the budget (checked between slices). */
  exceeded(): boolean {
    return this.held() + this.heap() > this.limit || nearHeapLimit();
  }

  /** Whether `e` is this budget's refusal. */
  refused(e: unknown): boolean {
    return e instanceof BudgetRefused;
  }
}

class BudgetRefused extends Error {
  constructor(readonly bytes: number) {
    super(`memory budget: ${bytes} more bytes refused`);
  }
}

function heapUsed(): number {
  return getHeapStatistics().used_heap_size;
}

/** V8 aborts the process when its heap passes its limit: stop at 90% of it instead. */
function nearHeapLimit(): boolean {
  const h = getHeapStatistics();
  return h.used_heap_size > 0.9 * h.heap_size_limit;
}

export { isAllocationFailure } from '../compose/errors.ts';
