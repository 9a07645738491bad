import type { AnyStateMachine, EventObject, StateValue } from 'xstate';

/*
 * The vocabulary of the spec: what a machine module, a scenario and an invariant declare
 * (actors, systems, sizes, scenarios, the views invariants read) and what the composer in
 * src/compose builds from them. It is the ground floor: it imports nothing of daxspec, and
 * src/ implements it.
 */

/**
 * Payload variants of the environment events an actor may take. The machine
 * decides which of them it offers in a given state (an event is offered only
 * where the machine has a transition for it whose guard passes); this table
 * only says which payloads exist. `[{}]` is an event without payload.
 */
export type EnvEvents = Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;

/**
 * Kernel objects (dax_device, dev_pagemap, page, static key) react to calls and
 * never finish; code paths (mount, truncate, DMA) are expected to reach a final
 * state, and one that can no longer move while not final is deadlocked.
 */
export type ActorKind = 'object' | 'path';

/** One actor instance of a system. */
export interface ActorDecl {
  /** Instance name, unique in its system: `fs0`, `pmem0.dax`, `page1`. */
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly input?: unknown;
  readonly kind: ActorKind;
  readonly env?: EnvEvents;
}

/**
 * The dotted paths of a machine's state value type (XState's StateValueFrom):
 * `'alive' | 'mem' | 'mem.online' | 'mem.online.released'`. Views typed with it reject a
 * state the machine does not have at compile time.
 */
export type StatePath<V> = V extends string
  ? V
  : V extends object
    ? { [K in keyof V & string]: K | `${K}.${StatePath<NonNullable<V[K]>>}` }[keyof V & string]
    : never;

/**
 * The view of one actor that invariants read. `P` narrows the state paths `matches` takes
 * and `C` the context, where the reader knows the actor's machine; the composer also
 * refuses, when an invariant asks, a path the actor's machine does not have.
 */
export interface ActorView<P extends string = string, C = unknown> {
  readonly value: StateValue;
  readonly context: C;
  readonly tags: ReadonlySet<string>;
  readonly done: boolean;
  /** True when the actor is in the state at this dotted path (`'mounted'`, `'alive.locked'`). */
  matches(path: P): boolean;
}

/** The whole system state, actor by actor, as invariants see it. */
export type SystemView = (name: string) => ActorView;

/**
 * How bad a finding is, from what the kernel does at that point: `warn` (WARN/WARN_ON_ONCE, the
 * kernel goes on), `oops` (NULL or bad pointer dereference, BUG: the code path dies), `corruption`
 * (use after free, a block reused under DMA, a wrong owner: silent), `hang` (deadlock, lost
 * wake-up, no progress). Machines declare it where the failure is: `meta.severity` on a
 * violation state (default: `warn` when tagged warn, else `oops`), `severity` on an invariant.
 */
export type Severity = 'warn' | 'oops' | 'corruption' | 'hang';

/** A state invariant: a predicate every reachable system state must satisfy. */
export interface Invariant {
  /** Stable id: `I7`, `safe`. */
  readonly id: string;
  /** The property in words, as the report prints it. */
  readonly text: string;
  /** What the kernel does in a state that fails it (see Severity); a model without it reads `corruption`. */
  readonly severity?: Severity;
  /**
   * The short name of this way of failing the property, where one property fails in more than one way
   * (I9: "block freed while pinned" here, "device DMAs into a block reused by another file" on the
   * block's violation state, meta.variant): reports name each finding by it.
   */
  readonly variant?: string;
  /** Why the kernel relies on it: the docs print this beside the text. */
  readonly why?: string;
  readonly holds: (view: SystemView) => boolean;
  /**
   * The antecedent the invariant is about (`a final put happened`): the run reports whether a
   * state where it held was ever reached, so that a "holds" that was never put to the test says so.
   */
  readonly premise?: Premise;
}

/** What a property is about, as a predicate and in words ("a final put of a dax_device"). */
export interface Premise {
  readonly text: string;
  readonly holds: (view: SystemView) => boolean;
}

/**
 * A liveness property, checked under the declared fairness (src/check/fairness.ts) on the whole
 * explored graph: `leads-to` is P ~> Q (whenever `when` holds, `then` holds then or later),
 * `eventually` is <>Q from the initial state, `infinitely-often` is []<>Q. A violation is a lasso:
 * a path to a cycle that fair behaviours may go round for ever with `then` false throughout.
 */
export interface Liveness {
  readonly id: string;
  readonly text: string;
  readonly why?: string;
  readonly form: 'leads-to' | 'eventually' | 'infinitely-often';
  /** For a property stated per actor: the actor it is about (one property id may have one instance per actor). */
  readonly actor?: string;
  /** P of a leads-to: its premise. A run in which it never held says so (the property held vacuously). */
  readonly when?: (view: SystemView) => boolean;
  readonly then: (view: SystemView) => boolean;
}

/** A composed system: actors plus the properties that must hold over it. */
export interface SystemDecl {
  readonly actors: readonly ActorDecl[];
  readonly invariants?: readonly Invariant[];
  /** Temporal properties checked under fairness (see Liveness). */
  readonly liveness?: readonly Liveness[];
  /** Report states where no step is possible and a code path has not finished (default true). */
  readonly deadlock?: boolean;
  /** Report waiting states from which the waiter can never finish waiting (default true). */
  readonly progress?: boolean;
  /**
   * Groups of actor names that are interchangeable (identical machines and
   * inputs up to their own names). Used only when symmetry reduction is on.
   */
  readonly symmetric?: readonly (readonly string[])[];
}

/** A size a scenario can be checked at (pages, filesystems, readers, users). */
export interface SizeParam<N extends string = string> {
  readonly name: N;
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  /** Names of the values min..max, for a size that is a choice (arch: x86, nonipi): the CLI takes either. */
  readonly labels?: readonly string[];
}

/**
 * The small configurations a scenario's matrix cell covers: for some of its sizes, the values to
 * try (the default first). `check --all` explores every combination; a size not named stays at its
 * default. Typed by the scenario's own size names.
 */
export type ConfigSpace<S extends string = string> = Readonly<Partial<Record<S, readonly number[]>>>;

/**
 * Sizes that matter only when others have some value (arch only with GUP-fast on): a size named
 * here departs from its default only in configurations where these sizes have these values, so
 * the matrix does not explore the same system twice.
 */
export type SpaceRequires<S extends string = string> = Readonly<Partial<Record<S, Readonly<Partial<Record<S, number>>>>>>;

/**
 * A size whose value makes no difference in a configuration (arch without GUP-fast, FOLL_PIN before the revision
 * has it): the system built is the same as with its default. `check` refuses it given there (exit 2) rather than
 * answer for a configuration the user did not get; `why` says so in kernel terms.
 */
export interface InertSize<S extends string = string> {
  readonly size: S;
  readonly why: string;
}

/** A named system a user checks: `daxspec check --scenario NAME`. */
export interface Scenario<R extends string = string> {
  readonly name: string;
  readonly description: string;
  /** Revisions this scenario applies to; empty for revision-independent models. */
  readonly revisions: readonly R[];
  readonly sizes: readonly SizeParam[];
  /** The configurations its matrix cell covers (see ConfigSpace); none: the defaults only. */
  readonly space?: ConfigSpace;
  readonly spaceRequires?: SpaceRequires;
  /** The sizes that make no difference at this revision with these sizes (each a departure from its default or not). */
  inert?(revision: R | undefined, sizes: Readonly<Record<string, number>>): readonly InertSize[];
  build(revision: R | undefined, sizes: Readonly<Record<string, number>>): SystemDecl;
}

/** The sizes a scenario declared, each with its value: what its build reads. */
export type Sizes<S extends string> = Readonly<Record<S, number>>;

/** A scenario as written in machines/scenarios: its build sees exactly the sizes it declares (machines/kit/scenario.ts). */
export interface ScenarioSpec<R extends string, S extends string> {
  readonly name: string;
  readonly description: string;
  readonly revisions: readonly R[];
  readonly sizes: readonly SizeParam<S>[];
  readonly space?: ConfigSpace<S>;
  readonly spaceRequires?: SpaceRequires<S>;
  inert?(revision: R | undefined, sizes: Sizes<S>): readonly InertSize<S>[];
  build(revision: R | undefined, sizes: Sizes<S>): SystemDecl;
}

/** An event as the environment delivers it to one actor: one step of the system. */
export interface StepLabel {
  readonly actor: string;
  readonly event: EventObject;
}
