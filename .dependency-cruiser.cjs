/**
 * Layer rules and import cycles (run by `npm run lint`; see README, "Layers and the linter").
 *
 * Paths are those of the layered layout (domain/, contract/, adapters/, schema/, telemetry/, subgraphs/,
 * gateway/, migration/, fixtures/generator/, portal/, and the composition roots scripts/, bench/, test/).
 *
 * Tests are exempt from the layer rules: a `*.test.ts` file, or a test helper (a file named
 * `testSupport.ts` or any file in a folder named `testSupport/`), may import whatever it needs to
 * set up a case — an adapter's emulator in a subgraph test, the gateway in a subgraph test, and so
 * on; that is wiring, not a dependency of the layer. Two rules still hold for them:
 *   - domain/ production code imports nothing of the project, tests and helpers included;
 *   - no production file imports a test file or a test helper (so test code never ships).
 * Type-only imports (`import type`) count like any other import.
 */

/** A test file or a test helper (one naming: testSupport.ts, or a testSupport/ folder). */
const TEST = '(^|/)[^/]+\\.test\\.ts$|(^|/)testSupport(\\.ts$|/)';

/** Files of the project (anything resolved outside node_modules). */
const PACKAGE = '(^|/)node_modules/';

/**
 * A production file under `from` may import project files only under `allowed`
 * (its own folder is always allowed). Packages and node: built-ins are always allowed.
 */
function layer(name, from, allowed, comment) {
  const allowedHere = [from, ...allowed];
  return {
    name,
    severity: 'error',
    comment,
    from: { path: `^${from}`, pathNot: TEST },
    to: {
      pathNot: [PACKAGE, ...allowedHere.map((dir) => `^${dir}`)],
      dependencyTypesNot: ['core'],
      couldNotResolve: false,
    },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-nothing',
      severity: 'error',
      comment:
        'domain/ is the kernel (model, identity codes, Helsinki time, money, region table, source errors, SourceAdapter): ' +
        'its production code imports only node: built-ins and packages — no other folder of the project, not even a test helper.',
      from: { path: '^domain/', pathNot: TEST },
      to: { pathNot: [PACKAGE, '^domain/'], dependencyTypesNot: ['core'], couldNotResolve: false },
    },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'A production file imports a test file or a test helper (testSupport.ts, testSupport/): test code must not ship.',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
    layer(
      'contract-imports-domain-only',
      'contract/',
      ['domain/'],
      'contract/ (verified identity, internal token: the gateway<->subgraph contract) may import domain/ only.',
    ),
    layer(
      'adapters-import-domain-only',
      'adapters/',
      ['domain/'],
      'adapters/ (legacy products, adapters/wire, adapters/emulator) may import domain/ and adapters/ only — ' +
        'not subgraphs/, gateway/, schema/, contract/, migration/, fixtures/, scripts/, bench/, test/.',
    ),
    layer('schema-imports-domain-only', 'schema/', ['domain/'], 'schema/ (the federated schema) may import domain/ only.'),
    layer(
      'telemetry-imports-domain-only',
      'telemetry/',
      ['domain/'],
      'telemetry/ (traces, metrics, source-call decorators) may import domain/ only; gateway/, subgraphs/ and the composition roots import it.',
    ),
    layer(
      'subgraphs-layer',
      'subgraphs/',
      ['domain/', 'contract/', 'schema/', 'telemetry/'],
      'subgraphs/ may import domain/, contract/, schema/, telemetry/ — not adapters/ (sources reach a subgraph through the ' +
        'SourceAdapter contract, wired in scripts/), gateway/, migration/, fixtures/, scripts/, bench/, test/.',
    ),
    layer(
      'gateway-layer',
      'gateway/',
      ['domain/', 'contract/', 'schema/', 'telemetry/'],
      'gateway/ may import domain/, contract/, schema/, telemetry/ — not subgraphs/ or adapters/ (it talks to subgraphs over HTTP).',
    ),
    layer(
      'migration-layer',
      'migration/',
      ['domain/', 'adapters/', 'fixtures/'],
      'migration/ may import domain/, adapters/, fixtures/ — not subgraphs/, gateway/.',
    ),
    layer(
      'fixtures-generator-layer',
      'fixtures/generator/',
      ['domain/', 'adapters/'],
      'fixtures/generator/ may import domain/ and adapters/ only.',
    ),
    layer(
      'portal-layer',
      'portal/',
      ['domain/', 'gateway/'],
      'portal/ (the sample citizen portal: its static page, its trusted documents and their manifest, its browser test) ' +
        'may import gateway/ (whose plugin serves it) and domain/ — not subgraphs/, adapters/, scripts/, test/. ' +
        'The gateway serves portal/public/ by path and imports nothing of portal/.',
    ),
    // scripts/, bench/, test/ are composition roots and end-to-end tests: no layer rule.
    // deploy/ holds the packaging (Dockerfile's companions, compose, Kubernetes) and only test code (its drift test and
    // helper), exempt like every test: no layer rule either, and no production file may import it (no-test-code-in-production).
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports included). Break it by moving the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve to a file or an installed package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // bench/load/ is a separately installed package (its own package.json); test/interop/node_modules
    // is installed by test/interop/install.ts; .data/ holds runtime state.
    exclude: { path: ['(^|/)node_modules/', '^bench/load/', '^\\.data/', '^bench/results/', '^migration-report/', '^tmp/'] },
    doNotFollow: { path: ['(^|/)node_modules/'] },
    moduleSystems: ['es6', 'cjs'],
    // Type-only imports are dependencies too (a layer may not even name another layer's types).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
