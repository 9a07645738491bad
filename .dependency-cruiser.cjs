// The layering rule, checked on every `npm test`: the spec (machines/) stands on nothing of the engine; composition
// knows nothing of checking; the checker knows nothing of the generators or the CLI; only the CLI is a client of all.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'machines-on-the-ground',
      severity: 'error',
      comment: 'machines/ imports nothing from src/',
      from: { path: '^machines/' },
      to: { path: '^src/' },
    },
    {
      name: 'compose-not-check',
      severity: 'error',
      comment: 'src/compose never imports src/check',
      from: { path: '^src/compose/' },
      to: { path: '^src/check/' },
    },
    {
      name: 'check-not-clients',
      severity: 'error',
      comment: 'src/check never imports paths, viz, docs or cli',
      from: { path: '^src/check/' },
      to: { path: '^src/(paths|viz|docs|cli)(/|\\.ts$)' },
    },
    {
      name: 'generators-not-cli',
      severity: 'error',
      comment: 'only the CLI imports the CLI',
      from: { path: '^src/(compose|check|paths|viz|docs|kernel)/' },
      to: { path: '^src/cli(/|\\.ts$)' },
    },
    {
      name: 'docs-not-viz',
      severity: 'error',
      comment: 'docs and viz are siblings: shared pieces live below both',
      from: { path: '^src/docs/' },
      to: { path: '^src/viz/' },
    },
    {
      name: 'model-below-generators',
      severity: 'error',
      comment: 'src/model (machines read as charts, reachability, sends, Mermaid) serves viz and docs and imports neither',
      from: { path: '^src/model/' },
      to: { path: '^src/(paths|viz|docs|cli)(/|\\.ts$)' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'no import loop',
      from: { path: '^(src|machines)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(test/generated|node_modules)/' },
  },
};
