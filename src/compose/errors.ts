/**
 * Errors that are a fault in the input rather than a finding or a bug of ours. Each carries a
 * `code` and the `fields` that say what was wrong, so that the one place that talks to users
 * (src/cli) can word it in that place's own terms (an option, a file); the message is a plain
 * fallback for programs that use the package without the CLI.
 *
 * - ModelError: a machine or scenario that breaks the rules (not pure, not deterministic, an
 *   unknown actor, a step that never ends). The composer's carry a ModelErrorCode and its fields
 *   (`new ModelError('side-effect', { actor, action })`); a plain `new ModelError(message)` is code
 *   'model' and its message is shown as it is.
 * - InputError: a request the model cannot answer (an unknown scenario, a size out of its range, a
 *   trace that is not one). The CLI words each code; see src/cli/words.ts.
 */

/** What a ModelError of the composer can be about, with the fields each carries. */
export interface ModelErrorFields {
  /** A state with a delayed transition (`after`) or an invoked actor: machines are untimed and compose their actors in the scenario. */
  'not-untimed': { actor: string; state: string; uses: 'after' | 'invoke'; src?: string };
  /** An action that is neither assign, raise, call nor reply. */
  'side-effect': { actor: string; action: string };
  /** An action with a delay. */
  'delayed-action': { actor: string; action: string };
  /** Context that is not plain finite JSON data (a class instance, a function, NaN). */
  'impure-context': { actor: string; path: string; holds: string };
  /** An initial state that already sends. */
  'initial-sends': { actor: string; event: string };
  /** A state path (from an invariant or a premise) that the actor's machine does not have. */
  'unknown-state': { actor: string; machine: string; path: string; states: readonly string[] };
  /** The same event in the same state gave two different results. */
  nondeterministic: { actor: string; event: string; state: string };
  /** sendTo given an actor reference instead of call() / reply(). */
  'send-by-reference': { actor: string };
  /** The machine itself threw (a guard or action raised an exception). */
  'machine-threw': { actor: string; during: string; error: string };
  /** An invariant's or a liveness property's own code threw. */
  'property-threw': { property: string; part: string; error: string };
  /** The machine spawned a child actor. */
  'spawned-child': { actor: string };
  /** A system without actors. */
  'no-actors': Record<string, never>;
  /** Two actors of one system with the same name. */
  'duplicate-actor': { actor: string };
  /** A call to, or a view of, an actor that is not in the system. */
  'actor-not-in-system': { actor: string; by: 'a machine' | 'an invariant'; actors: readonly string[] };
  /** Actors that keep calling each other within one step. */
  'endless-step': { max: number };
}
export type ModelErrorCode = keyof ModelErrorFields;

/** The fallback messages: the model's fault in the model's terms. */
const MODEL_MESSAGES: { [C in ModelErrorCode]: (f: ModelErrorFields[C]) => string } = {
  'not-untimed': (f) =>
    f.uses === 'after'
      ? `actor ${f.actor}: state '${f.state}' has a delayed transition (after); machines must be untimed, offer the timeout as an event`
      : `actor ${f.actor}: state '${f.state}' invokes '${f.src}'; machines must not invoke actors or promises, compose them as actors`,
  'side-effect': (f) => `actor ${f.actor}: action '${f.action}' is a side effect; machines must be pure (use assign, raise, call or reply)`,
  'delayed-action': (f) => `actor ${f.actor}: action '${f.action}' is delayed; machines must be untimed`,
  'impure-context': (f) => `actor ${f.actor}: ${f.path} ${f.holds}; context must be plain finite JSON data`,
  'initial-sends': (f) => `actor ${f.actor}: its initial state sends ${f.event}; start actors quiet and let an event begin the work`,
  'unknown-state': (f) => `actor ${f.actor} (machine ${f.machine}) has no state '${f.path}'; its states: ${f.states.join(', ')}`,
  nondeterministic: (f) =>
    `actor ${f.actor}: event ${f.event} in state ${f.state} gives different results on two runs; machines must be deterministic`,
  'send-by-reference': (f) => `actor ${f.actor}: sendTo must name its target with call() or reply(), not an actor reference`,
  'machine-threw': (f) => `actor ${f.actor}: machine threw during ${f.during}: ${f.error}`,
  'property-threw': (f) => `property ${f.property}: its ${f.part} threw: ${f.error}`,
  'spawned-child': (f) => `actor ${f.actor}: machine spawned a child actor; compose actors in the scenario instead`,
  'no-actors': () => 'the system has no actors',
  'duplicate-actor': (f) => `two actors are named ${f.actor}`,
  'actor-not-in-system': (f) =>
    f.by === 'a machine'
      ? `a machine calls actor '${f.actor}', which is not in the system (actors: ${f.actors.join(', ')})`
      : `an invariant reads actor '${f.actor}', which is not in the system`,
  'endless-step': (f) => `a step does not terminate: actors keep calling each other (more than ${f.max} calls)`,
};

export class ModelError<C extends ModelErrorCode = ModelErrorCode> extends Error {
  override readonly name: string = 'ModelError';
  readonly code: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** A coded model error of the composer. */
  constructor(code: C, fields: ModelErrorFields[C]);
  /** Any other rule of the model broken: code 'model', the message as it is. */
  constructor(message: string);
  constructor(codeOrMessage: string, fields?: ModelErrorFields[C]) {
    super(fields === undefined ? codeOrMessage : MODEL_MESSAGES[codeOrMessage as C](fields));
    this.code = fields === undefined ? 'model' : codeOrMessage;
    this.fields = fields ?? {};
  }
}

/** Whether `e` is a ModelError with one of the composer's codes (then its fields are typed by it). */
export function isCodedModelError(e: unknown): e is ModelError & { code: ModelErrorCode; fields: ModelErrorFields[ModelErrorCode] } {
  return e instanceof ModelError && !(e instanceof InputError) && Object.hasOwn(MODEL_MESSAGES, e.code);
}

/** What an InputError can be about, with the fields each carries. */
export interface InputErrorFields {
  /** No scenario of this name. */
  'unknown-scenario': { name: string };
  /** The scenario has no such revision. */
  /** `given`: where the revision was written when not as --revision (a trace's #meta, SCENARIO@REVISION:ACTOR). */
  'unknown-revision': { scenario?: string; revision: string; revisions: readonly string[]; given?: string };
  /** A revision was given to a scenario that does not depend on it. */
  'revision-independent': { scenario: string; given?: string };
  /** The scenario does not declare this size. */
  'unknown-size': { scenario: string; size: string; sizes: readonly string[] };
  /** A size outside the scenario's declared range. */
  'size-out-of-range': { scenario: string; size: string; min: number; max: number; got: number };
  /** Symmetry asked of a system that declares no interchangeable actors. */
  'no-symmetry': { scenario: string; revision?: string };
  /** The actors declared symmetric turn out not to be interchangeable. */
  'symmetry-not-interchangeable': { why?: string };
  /** An actor's context grows without bound. */
  'actor-unbounded': { actor: string; max: number; grown: readonly string[] };
  /** A machine name that names nothing (export). */
  'unknown-machine': { spec: string; revision?: string; ids: readonly string[] };
  /** An actor a SCENARIO:ACTOR name asks for is not in the system. */
  'unknown-actor': { scenario: string; revision?: string; actor: string; actors: readonly string[] };
  /** Graphviz failed on a diagram. */
  'layout-failed': { errors: readonly string[] };
  /** An output folder holds files the generator did not write. */
  'foreign-folder': { dir: string; generator: string; files: readonly string[] };
  /** An output path is (or passes through) a symbolic link. */
  'symlink-output': { path: string };
  /** An output path exists and is not what we would write there. */
  'not-ours': { path: string; what: string };
  /** An output path whose parent is missing or not a folder, or not writable. */
  'unwritable-output': { path: string; why: string };
  /** A trace or report that cannot be replayed as it is. */
  'bad-trace': { file: string; step?: number; field: string; why: string };
  /** A checkpoint folder that holds files a checkpoint does not write. */
  'checkpoint-foreign': { dir: string; files: readonly string[]; resume?: boolean };
  /** A new run asked to checkpoint into a folder that already holds a checkpoint. */
  'checkpoint-exists': { dir: string };
  /** A resume from a folder without a checkpoint. */
  'checkpoint-missing': { dir: string };
  /** A checkpoint of another spec (machines, scenario, revision, sizes or options that change results). */
  'checkpoint-other-spec': { dir: string };
  /** A checkpoint that cannot be read back as written. */
  'checkpoint-damaged': { dir: string; why: string };
  /** A resume whose memory budget cannot hold the checkpoint's states: refused after `loaded` of `states`. */
  'resume-over-budget': { budget?: number; states: number; loaded: number };
}
export type InputErrorCode = keyof InputErrorFields;

export class InputError<C extends InputErrorCode = InputErrorCode> extends ModelError {
  override readonly name = 'InputError';
  override readonly code: C;
  override readonly fields: InputErrorFields[C];
  constructor(code: C, fields: InputErrorFields[C], message?: string) {
    super(message ?? `${code}: ${JSON.stringify(fields)}`);
    this.code = code;
    this.fields = fields;
  }
}

/**
 * Whether `e` is an allocation the system refused (an ArrayBuffer or typed array too large for the
 * memory there is): the same bound as the budget, met without warning.
 */
export function isAllocationFailure(e: unknown): boolean {
  return (
    e instanceof RangeError &&
    /Array buffer allocation failed|Invalid typed array length|Invalid array buffer length|Array buffer allocation|Invalid array length|ArrayBuffer\.prototype\.resize: Out of memory/i.test(
      e.message,
    )
  );
}
