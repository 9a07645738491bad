/** Where each generated page lives under the docs root; pages link to each other through these only. */

const slug = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '-');

export const machinePath = (id: string): string => `machines/${slug(id)}.md`;

/** Invariants and the checker's built-in failure kinds get pages in separate folders. */
export const propertyPath = (p: { id: string; invariant: boolean }): string =>
  `${p.invariant ? 'invariants' : 'properties'}/${slug(p.id)}.md`;
