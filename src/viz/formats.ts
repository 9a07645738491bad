/** The formats `exportMachine` writes. Its own module so the CLI can offer them without loading XState. */
export const FORMATS = ['dot', 'mermaid', 'scxml', 'json'] as const;
export type Format = (typeof FORMATS)[number];
