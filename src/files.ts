/**
 * Where daxspec's own files are. The same modules run from the sources (src/*.ts through tsx, in this
 * repository) and from the build (bundled into dist/*.js, the published package). This module sits one
 * folder below the package root in both (src/files.ts, or a chunk in dist/), so the root is one step up
 * from it either way; what exists in only one of them (the browser sources, the prebuilt browser bundle)
 * is chosen by `FROM_SOURCES`.
 */
import { fileURLToPath } from 'node:url';

/** True when running the TypeScript sources (tsx), false when running the built package. */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

/** The package root: the folder of package.json. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A file of the package, by its path from the package root. */
export const packageFile = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
