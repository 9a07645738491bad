/**
 * The kernel revisions daxspec models. A revision is a name for a set of behaviours;
 * each machine factory takes one and builds that era, whose behaviours machines/eras.ts
 * tabulates (DOMAIN.md, "Revisions to model"). Adding a revision: a name here and a row there.
 */
export const REVISIONS = ['v4.16', 'v4.17', 'v8', 'v9', 'v4.18', 'v5.10', 'v5.19', 'v6.0', 'v6.8', 'v6.15'] as const;
export type Revision = (typeof REVISIONS)[number];

export function isRevision(s: string): s is Revision {
  return (REVISIONS as readonly string[]).includes(s);
}
