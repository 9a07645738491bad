/**
 * `docs --lint` over the machines as data: every state and transition says what it is (a description),
 * every state its kernel condition, function and source, every transition its kernel function and source;
 * a kernel function is a C identifier and, where the model declares its kernel's functions per revision
 * (machines/kernelFunctions.ts), one that revision's kernel has. Reach is src/docs/reachLint.ts's.
 */
import { ANY_REVISION, type Catalog } from './catalog.ts';
import type { DocInvariant } from './invariants.ts';
import { transitionLabel } from './machineModel.ts';

/**
 * A kernel function by its shape: a C identifier (`dax_layout_busy_page`, `___wait_var_event`), not a
 * structure (`struct page`), a call (`put_page()`) or prose. What a model without a list of its kernel's
 * functions can be checked against.
 */
export const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What a state lacks when a kernel column of its row would be empty. */
export const STATE_CELLS = {
  condition: 'kernel condition (meta.condition)',
  fn: 'kernel function (meta.fn)',
  src: 'source (meta.src)',
} as const;

/**
 * What the lint checks beyond the machines themselves, when the model gives it: the functions each
 * revision's kernel has, and what no scenario reaches in each revision (a row no scenario reaches there
 * is marked so on the page, and names no function that revision must have).
 */
export interface LintContext {
  /** Whether the kernel of `revision` has function `fn` (machines/kernelFunctions.ts for the DAX model). */
  readonly kernelFunction?: (revision: string, fn: string) => boolean;
  /** State paths and transition ids of machine `id` that no scenario reaches in `revision`. */
  readonly unreached?: (id: string, revision: string) => { states: ReadonlySet<string>; transitions: ReadonlySet<string> } | undefined;
}

/** Something the docs would have to leave blank, because the machine does not say it. */
export interface LintIssue {
  readonly machine: string;
  /** `state alive.locked`, `transition alive: put_dax #2`, `machine`, `invariant I3`. */
  readonly where: string;
  readonly missing: string;
  /** Revisions whose build lacks it; empty when it does not depend on the revision. */
  readonly revisions: readonly string[];
}

/**
 * Every state and transition must say what it is, and every transition which
 * kernel function it models and from which source (docs/authoring.md): each
 * missing one is a blank cell in the spec. Reported once per place, with the
 * revisions whose build lacks it.
 */
export function lintCatalog(catalog: Catalog, invariants: readonly DocInvariant[] = [], context: LintContext = {}): LintIssue[] {
  const found = new Map<string, { issue: Omit<LintIssue, 'revisions'>; revisions: string[] }>();
  const add = (machine: string, where: string, missing: string, rev: string): void => {
    const key = `${machine}\u0000${where}\u0000${missing}`;
    let f = found.get(key);
    if (!f) found.set(key, (f = { issue: { machine, where, missing }, revisions: [] }));
    if (rev !== ANY_REVISION) f.revisions.push(rev);
  };
  // A function the revision's kernel lacks; a revision-independent build has no kernel to ask.
  const notInKernel = (rev: string, fn: string | undefined): boolean =>
    !!fn && FUNCTION_NAME.test(fn) && rev !== ANY_REVISION && !!context.kernelFunction && !context.kernelFunction(rev, fn);
  const notIn = (fn: string): string =>
    `kernel function of this revision (meta.fn ${JSON.stringify(fn)} is not declared for it in the model's list)`;
  for (const m of catalog.machines) {
    for (const [rev, model] of m.builds) {
      const never = context.unreached?.(m.id, rev);
      if (!model.description) add(m.id, 'machine', 'description', rev);
      if (notInKernel(rev, model.fn)) add(m.id, 'machine', notIn(model.fn!), rev);
      for (const s of model.states) {
        if (!s.description) add(m.id, `state ${s.path}`, 'description', rev);
        // The state table's kernel columns: a reader of a kernel patch looks for these first.
        if (!s.condition) add(m.id, `state ${s.path}`, STATE_CELLS.condition, rev);
        if (!s.fn) add(m.id, `state ${s.path}`, STATE_CELLS.fn, rev);
        if (!s.src) add(m.id, `state ${s.path}`, STATE_CELLS.src, rev);
        if (s.fn && !FUNCTION_NAME.test(s.fn))
          add(m.id, `state ${s.path}`, `function name (meta.fn ${JSON.stringify(s.fn)} is not one)`, rev);
        if (!never?.states.has(s.path) && notInKernel(rev, s.fn)) add(m.id, `state ${s.path}`, notIn(s.fn!), rev);
      }
      if (model.fn && !FUNCTION_NAME.test(model.fn))
        add(m.id, 'machine', `function name (meta.fn ${JSON.stringify(model.fn)} is not one; a structure is meta.object)`, rev);
      for (const t of model.transitions) {
        const where = `transition ${transitionLabel(t)}`;
        if (!t.description) add(m.id, where, 'description', rev);
        // docs/authoring.md: every transition names the kernel function it models and where that comes from.
        if (!t.fn) add(m.id, where, 'kernel function (meta.fn)', rev);
        if (!t.src) add(m.id, where, 'source (meta.src)', rev);
        if (t.fn && !FUNCTION_NAME.test(t.fn)) add(m.id, where, `function name (meta.fn ${JSON.stringify(t.fn)} is not one)`, rev);
        if (!never?.transitions.has(t.id) && notInKernel(rev, t.fn)) add(m.id, where, notIn(t.fn!), rev);
      }
    }
  }
  const issues = [...found.values()].map(({ issue, revisions }) => ({
    ...issue,
    // A place missing its description in every revision that builds it is not a revision matter.
    revisions: revisions.length === (catalog.machines.find((m) => m.id === issue.machine)?.builds.size ?? 0) ? [] : revisions,
  }));
  for (const inv of invariants) {
    if (!inv.why)
      issues.push({
        machine: 'invariants',
        where: `invariant ${inv.id}`,
        missing: 'why (the reason the kernel relies on it)',
        revisions: [],
      });
  }
  return issues;
}

export function formatLint(issues: readonly LintIssue[]): string {
  return issues
    .map((i) => `${i.machine}: ${i.where}: no ${i.missing}${i.revisions.length ? ` (in ${i.revisions.join(', ')})` : ''}`)
    .join('\n');
}
