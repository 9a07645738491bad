import { REVISION_LABEL } from '../../machines/eras.ts';
import { isRevision } from '../../machines/kit/revision.ts';

/**
 * What the CLI calls a revision in what users read: the release's name, or "v8 series"
 * for a patch-series posting (machines/eras.ts Era.label); a name that is not a
 * revision (a benchmark's) is shown as it is.
 */
export function revisionLabel(revision: string): string {
  return isRevision(revision) ? REVISION_LABEL[revision] : revision;
}
