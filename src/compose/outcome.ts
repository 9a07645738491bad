/**
 * What a machine does with one event in one snapshot, in the machine's own terms: the next snapshot, the calls it
 * makes by address, the transitions it takes, the violation state it enters. Nothing here belongs to a system (no
 * actor index, no interned id, no sender's name), so one outcome can stand for any actor of the machine in any
 * system: the actor table makes it a Delivery of its system (actorTable.ts), and the bug matrix keeps outcomes
 * across the configurations of a cell (transitionCache.ts).
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import type { Address } from '../../machines/kit/messages.ts';

/**
 * The fate of one event in one actor state:
 * taken; blocked (transitions exist, every guard fails: the kernel would sleep);
 * unaccepted (no transition at all: the kernel called into an object in a state where that is a bug).
 */
export type Fate = 'taken' | 'blocked' | 'unaccepted';

/** What one transition of a machine says about itself, for traces. */
export interface TransitionInfo {
  /** `transitionId` of the definition: what diagrams light. */
  readonly id: string;
  readonly source: string;
  readonly fn?: string;
  readonly src?: string;
  readonly description?: string;
}

/** A call as the machine made it: where to (resolved per system) and the event, before the sender is stamped on it. */
export interface Call {
  readonly address: Address;
  readonly event: EventObject;
  /** The canonical key of the event stamped with each sender's name, as tables ask for it (a memo). */
  readonly keys: Map<string, string>;
}

/** What a delivery of one event says in any system: its fate, the transitions taken, the violation state entered. */
export interface DeliveryFacts {
  readonly fate: Fate;
  readonly taken: readonly TransitionInfo[];
  /** The text of the `violation`-tagged state this delivery enters, if any. */
  readonly violation?: string;
  /** The invariant that state breaks, when its `meta.violates` names one (`I2`). */
  readonly violates?: string;
  /** The violation state's `meta.severity` and `meta.variant` (src/check/severity.ts reads them). */
  readonly severity?: string;
  readonly variant?: string;
  /** Whether that state is tagged `warn`: the kernel printed a WARN and went on (the step's violation continues). */
  readonly warns: boolean;
  /** What the state that could not take the event says such a call means. */
  readonly unaccepted?: string;
}

/** The machine's answer, before any system's ids: the next snapshot itself and the calls by address. */
export interface Outcome extends DeliveryFacts {
  /** Taken: the next snapshot and its identity key. */
  readonly next?: AnyMachineSnapshot;
  readonly nextKey?: string;
  readonly calls: readonly Call[];
}
