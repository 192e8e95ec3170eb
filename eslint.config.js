// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules, without type
// information so a run stays fast. The layer rules and import cycles are checked by
// dependency-cruiser (.dependency-cruiser.cjs); `npm run lint` runs both.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  globalIgnores([
    '**/node_modules/', // includes test/interop/node_modules (installed by test/interop/install.ts)
    'bench/load/', // a package of its own (own package.json and lock), installed separately
    'bench/results/',
    '.data/',
    'migration-report/',
    'tmp/',
    // Resolver types written by `npm run codegen` (schema/codegen.ts): the plugins' own style (`any`, `{}`). tsc still checks them.
    'subgraphs/generated/',
  ]),
  {
    // An eslint-disable comment that no longer suppresses anything is an error: it would hide the next real problem.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{ts,js,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    rules: {
      // Omitting a property by destructuring it into a placeholder (`const { address: _drop, ...rest } = x`)
      // is a deliberate pattern in the tests; the rest sibling is what is used.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // GraphiQL's page script: a hand-written browser script (not a bundle, no imports) that the gateway
    // serves as-is; React, ReactDOM and GraphiQL are declared in its `/* global */` comment.
    files: ['gateway/graphiql/app.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
  {
    // The sample citizen portal's page scripts: browser ES modules served as they are (no bundle, no build step).
    files: ['portal/public/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
]);
