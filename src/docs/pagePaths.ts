/** Where each generated page lives under the docs root; pages link to each other through these only. */

const slug = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '-');

export const machinePath = (id: string): string => `machines/${slug(id)}.md`;

/** Invariants, liveness properties and the checker's built-in failure kinds get pages in separate folders. */
export const propertyPath = (p: { id: string; invariant: boolean; liveness?: unknown }): string =>
  `${p.invariant ? 'invariants' : p.liveness ? 'liveness' : 'properties'}/${slug(p.id)}.md`;

/** A machine's changelog: what each revision adds, removes or changes. */
export const changesPath = (id: string): string => `changes/${slug(id)}.md`;

/** The history of the protocols: every revision's changes, and the matrix cells they flip. */
export const HISTORY_PATH = 'changes/index.md';
