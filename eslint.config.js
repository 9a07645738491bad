// ESLint: typescript-eslint's recommended rules over the TypeScript sources, with the few rules this project
// leans on stated outright. Formatting is prettier's job and layering is dependency-cruiser's (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', 'site/**', 'test/generated/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-syntax': [
        'error',
        // Only the CLI reads the command line; everything else takes its options as arguments.
        { selector: "MemberExpression[object.name='process'][property.name='argv']", message: 'only src/cli reads process.argv' },
      ],
    },
  },
  {
    // Tests read parsed JSON reports and traces and build deliberately malformed ones: typing each
    // shape would restate the reports' types in every test; src, machines and bench stay strict.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/cli.ts', 'src/cli/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'scripts/**', 'bin/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
);
