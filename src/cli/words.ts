import {
  InputError,
  ModelError,
  isCodedModelError,
  type InputErrorCode,
  type InputErrorFields,
  type ModelErrorCode,
  type ModelErrorFields,
} from '../compose/errors.ts';
import { formatBytes } from './options.ts';
import { thousands } from '../check/thousands.ts';

/**
 * What users read when their input is wrong: each coded error of the engine worded in the CLI's
 * terms (options and files), as one line. The engine says what was wrong; this says it to a user.
 */

const list = (xs: readonly string[]): string => xs.join(', ');
const flag = (size: string): string => `--${size}`;

type Words = { [C in InputErrorCode]: (f: InputErrorFields[C]) => string };

const WORDS: Words = {
  'unknown-scenario': (f) => `unknown scenario '${f.name}' (run 'daxspec list' to see them)`,
  'unknown-revision': (f) =>
    f.scenario === undefined
      ? `${f.given ?? `--revision ${f.revision}`}: no such revision (revisions: ${list(f.revisions)})`
      : `${f.given ?? `--revision ${f.revision}`}: scenario ${f.scenario} has no ${f.given ? `revision ${f.revision}` : 'such revision'} (its revisions: ${list(f.revisions)})`,
  'revision-independent': (f) =>
    f.given
      ? `${f.given}: scenario ${f.scenario} does not depend on the kernel revision; drop the revision there`
      : `--revision: scenario ${f.scenario} does not depend on the kernel revision; drop --revision`,
  'unknown-size': (f) => `${flag(f.size)}: scenario ${f.scenario} has no such size (its sizes: ${list(f.sizes.map(flag)) || 'none'})`,
  'size-out-of-range': (f) => `${flag(f.size)} must be an integer from ${f.min} to ${f.max} for scenario ${f.scenario} (got ${f.got})`,
  'no-symmetry': (f) =>
    `--symmetry has no effect: scenario ${f.scenario}${f.revision ? ` @ ${f.revision}` : ''} declares no interchangeable actors`,
  'symmetry-not-interchangeable': (f) =>
    `--symmetry: the actors declared symmetric are not interchangeable in this system (${f.why ?? 'does another actor record their names?'}); run without --symmetry`,
  'actor-unbounded': (f) =>
    `actor ${f.actor}: more than ${f.max} distinct states; its context grows without bound${f.grown.length ? ` (${list(f.grown)})` : ''}; bound it in the machine (or, for a model written as one machine, split it into actors)`,
  'unknown-machine': (f) =>
    `no machine '${f.spec}'${f.revision ? ` at revision ${f.revision}` : ''}: name one as SCENARIO[@REVISION]:ACTOR or by machine id (${list(f.ids)})`,
  'unknown-actor': (f) =>
    `scenario ${f.scenario}${f.revision ? `@${f.revision}` : ''} has no actor '${f.actor}' (its actors: ${list(f.actors)})`,
  'layout-failed': (f) => `Graphviz could not lay out a diagram: ${f.errors.join('; ')}`,
  'foreign-folder': (f) =>
    `${f.dir}: not a folder ${f.generator} wrote (it holds ${f.files.slice(0, 3).join(', ')}${f.files.length > 3 ? `, and ${f.files.length - 3} more` : ''}); choose an empty or new folder, or --force to add the generated files, replacing only files daxspec generated`,
  'symlink-output': (f) => `${f.path} is a symbolic link; daxspec does not write through links (give the real path)`,
  'not-ours': (f) => `${f.path} ${f.what}; daxspec will not replace it (move it, or choose another path)`,
  'unwritable-output': (f) => `cannot write ${f.path}: ${f.why}`,
  'checkpoint-foreign': (f) => {
    const held = `${f.files.slice(0, 3).join(', ')}${f.files.length > 3 ? `, and ${f.files.length - 3} more` : ''}`;
    return f.resume
      ? `--resume ${f.dir}: the folder holds files a checkpoint does not write (${held}); daxspec leaves them be: move them out to resume`
      : `${f.dir}: not a checkpoint folder (it holds ${held}); give --checkpoint a new or empty folder`;
  },
  'checkpoint-exists': (f) =>
    `${f.dir} holds the checkpoint of an earlier run: continue it with --resume ${f.dir}, or give a new or empty folder`,
  'checkpoint-missing': (f) => `--resume ${f.dir}: no checkpoint there (start one with --checkpoint ${f.dir})`,
  'checkpoint-other-spec': (f) =>
    `--resume ${f.dir}: the checkpoint is of another spec (machines, scenario, revision, sizes or options differ); rerun the command that wrote it, or start anew with --checkpoint`,
  'checkpoint-damaged': (f) => `--resume ${f.dir}: the checkpoint cannot be read (${f.why})`,
  'resume-over-budget': (f) =>
    f.budget === undefined
      ? `--resume: the checkpoint's ${thousands(f.states)} states do not fit in this machine's memory (the system refused room after ${thousands(f.loaded)}); resume on a machine with the memory the run had`
      : `--max-memory ${formatBytes(f.budget)}: the checkpoint's ${thousands(f.states)} states do not fit (the store was refused room after ${thousands(f.loaded)}); resume with the budget the run had, or more`,
  'bad-trace': (f) => `${f.file}: ${f.step !== undefined ? `step ${f.step}: ` : ''}${f.field === 'the file' ? '' : `${f.field}: `}${f.why}`,
};

/**
 * The model's own faults, worded for someone running the CLI: which actor's machine (in machines/)
 * breaks which rule of docs/authoring.md, and what to do about it. Exit 2 like any bad input.
 */
type ModelWords = { [C in ModelErrorCode]: (f: ModelErrorFields[C]) => string };
const MODEL_WORDS: ModelWords = {
  'not-untimed': (f) =>
    f.uses === 'after'
      ? `model error: actor ${f.actor}, state '${f.state}', has a delayed transition (after); machines are untimed: offer the timeout as an event`
      : `model error: actor ${f.actor}, state '${f.state}', invokes '${f.src}'; machines must not invoke actors or promises: compose them as actors in the scenario`,
  'side-effect': (f) =>
    `model error: actor ${f.actor} runs action '${f.action}', a side effect; machines are pure (assign, raise, call, reply)`,
  'delayed-action': (f) => `model error: actor ${f.actor} delays action '${f.action}'; machines are untimed`,
  'impure-context': (f) => `model error: actor ${f.actor}: ${f.path} ${f.holds}; a machine's context must be plain finite JSON data`,
  'initial-sends': (f) =>
    `model error: actor ${f.actor} sends ${f.event} from its initial state; start actors quiet and let an event begin the work`,
  'unknown-state': (f) =>
    `model error: actor ${f.actor} (machine ${f.machine}) has no state '${f.path}' (its states: ${list(f.states)}); fix the invariant or premise that names it`,
  nondeterministic: (f) =>
    `model error: actor ${f.actor}: event ${f.event} in state ${f.state} gives different results on two runs; machines must be deterministic`,
  'send-by-reference': (f) => `model error: actor ${f.actor} sends to an actor reference; name the target with call() or reply()`,
  'machine-threw': (f) => `model error: actor ${f.actor}'s machine threw during ${f.during}: ${f.error}`,
  'property-threw': (f) => `model error: ${f.property}'s ${f.part} threw: ${f.error}; a property reads the views and returns a boolean`,
  'spawned-child': (f) => `model error: actor ${f.actor}'s machine spawned a child actor; compose actors in the scenario instead`,
  'no-actors': () => 'model error: the scenario builds a system with no actors',
  'duplicate-actor': (f) => `model error: the scenario names two actors ${f.actor}`,
  'actor-not-in-system': (f) =>
    `model error: ${f.by} ${f.by === 'a machine' ? 'calls' : 'reads'} actor '${f.actor}', which the scenario does not have (its actors: ${list(f.actors)})`,
  'endless-step': (f) => `model error: a step does not end: actors keep calling each other (more than ${f.max} calls in one step)`,
};

/** Errors of a path the user gave (an output folder under a file, a missing input): bad input, not a bug. */
const PATH_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'already exists and is not a directory',
  ENAMETOOLONG: 'name too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many symbolic links',
};
/** What the failed system call was doing, as the error line says it. */
const SYSCALL_VERBS: Record<string, string> = {
  open: 'open',
  mkdir: 'create directory',
  write: 'write',
  rmdir: 'remove',
  unlink: 'remove',
  rename: 'write',
};

function fileError(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  const why = err && typeof err.code === 'string' ? PATH_ERRORS[err.code] : undefined;
  if (!why || typeof err.path !== 'string') return undefined;
  return `cannot ${SYSCALL_VERBS[err.syscall ?? ''] ?? 'use'} ${err.path}: ${why}`;
}

/** One line for a user's error, or undefined when `e` is not one (then it is a bug of ours). */
export function wordError(e: unknown): string | undefined {
  if (e instanceof InputError) return oneLine((WORDS[e.code as InputErrorCode] as (f: unknown) => string)(e.fields));
  if (isCodedModelError(e)) return oneLine((MODEL_WORDS[e.code] as (f: unknown) => string)(e.fields));
  if (e instanceof ModelError) return oneLine(e.message);
  return fileError(e);
}

/** Any message as one line: a multi-line message from a machine would break "one line, naming it". */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').trim();
}
