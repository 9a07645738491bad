/**
 * Errors that are a fault in the input rather than a finding or a bug of ours. Each carries a
 * `code` and the `fields` that say what was wrong, so that the one place that talks to users
 * (src/cli) can word it in that place's own terms (an option, a file); the message is a plain
 * fallback for programs that use the package without the CLI.
 *
 * - ModelError (code 'model'): a machine or scenario that breaks the rules (not pure, unknown actor);
 *   its message is about the model and is shown as it is.
 * - InputError: a request the model cannot answer (an unknown scenario, a size out of its range, a
 *   trace that is not one). The CLI words each code; see src/cli/words.ts.
 */
export class ModelError extends Error {
  override readonly name: string = 'ModelError';
  readonly code: string = 'model';
  readonly fields: Readonly<Record<string, unknown>> = {};
}

/** What an InputError can be about, with the fields each carries. */
export interface InputErrorFields {
  /** No scenario of this name. */
  'unknown-scenario': { name: string };
  /** The scenario has no such revision. */
  'unknown-revision': { scenario?: string; revision: string; revisions: readonly string[] };
  /** A revision was given to a scenario that does not depend on it. */
  'revision-independent': { scenario: string };
  /** The scenario does not declare this size. */
  'unknown-size': { scenario: string; size: string; sizes: readonly string[] };
  /** A size outside the scenario's declared range. */
  'size-out-of-range': { scenario: string; size: string; min: number; max: number; got: number };
  /** Symmetry asked of a system that declares no interchangeable actors. */
  'no-symmetry': { scenario: string; revision?: string };
  /** The actors declared symmetric turn out not to be interchangeable. */
  'symmetry-not-interchangeable': Record<string, never>;
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
