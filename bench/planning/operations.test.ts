/**
 * The planning scenario's operations: read from the README as it stands,
 * copied honestly from the end-to-end tests (each copied text must still be
 * in its file), valid against the committed supergraph, uniquely named.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALIASED_CLIENTS,
  CEILINGS_MAX_DEPTH,
  chainOperation,
  chainOperations,
  e2eOperations,
  fillTemplate,
  planningOperations,
  readmeOperations,
  selectOperations,
} from './operations.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');
// From the main install, as the gateway loads them (bench/ may have node_modules of its own with another graphql).
const requireFromRoot = createRequire(`${ROOT}package.json`);
const fi = requireFromRoot('@apollo/federation-internals') as typeof import('@apollo/federation-internals');
const gql = requireFromRoot('graphql') as typeof import('graphql');

describe('readmeOperations', () => {
  it('finds graphql blocks and JSON bodies, named by operation and sourced by section', () => {
    const markdown = [
      '# Title',
      '## Querying',
      '```graphql',
      'query Overview($h: ID!) { customer(hetu: $h) { surname } }',
      '```',
      '### From a shell',
      '```sh',
      `curl -d '{"query":"query($h: ID!) { customer(hetu: $h) { \\"x\\" } }","variables":{}}' http://localhost`,
      '```',
      '```ts',
      'const notAQuery = 1;',
      '```',
    ].join('\n');
    expect(readmeOperations(markdown)).toEqual([
      {
        name: 'readme/Overview',
        source: 'README.md, section "Querying" (graphql block)',
        query: 'query Overview($h: ID!) { customer(hetu: $h) { surname } }',
        operationName: 'Overview',
      },
      {
        name: 'readme/curl-1',
        source: 'README.md, section "From a shell" (curl example\'s JSON body)',
        query: 'query($h: ID!) { customer(hetu: $h) { "x" } }',
        operationName: null,
      },
    ]);
  });

  it("finds the README's client overview and its curl example", () => {
    const names = readmeOperations(README).map((o) => o.name);
    expect(names).toContain('readme/ClientOverview');
    expect(names).toContain('readme/curl-1');
  });
});

describe('the end-to-end tests’ operations, copied', () => {
  it('are copies of texts that stand, exactly so, in the test files they name (update the copy when a test changes)', () => {
    for (const op of e2eOperations()) {
      for (const copied of op.copiedFrom) {
        const file = readFileSync(`${ROOT}${copied.file}`, 'utf8');
        expect(file.includes(copied.text), `${op.name}: this text is no longer in ${copied.file}:\n${copied.text}`).toBe(true);
      }
      expect(op.source).toMatch(/^test\/e2e\/\w+\.test\.ts /);
    }
  });

  it("ask as many clients in the aliased query as access.test.ts's PHYSICIAN_PATIENTS holds", () => {
    const file = readFileSync(`${ROOT}test/e2e/access.test.ts`, 'utf8');
    const list = /const PHYSICIAN_PATIENTS = \[([^\]]*)\]/.exec(file)?.[1] ?? '';
    expect(list.match(/'[^']+'/g)?.length).toBe(ALIASED_CLIENTS);
    const aliased = e2eOperations().find((o) => o.name === 'e2e-access/AliasedClients')!;
    expect(aliased.query.match(/customer\(hetu: \$h\d+\)/g)).toHaveLength(ALIASED_CLIENTS);
  });

  it('fill every placeholder of a template, and refuse one without a value', () => {
    expect(fillTemplate('a ${X} b ${X}', { X: 'x' })).toBe('a x b x');
    expect(() => fillTemplate('${Y}', {})).toThrow(/\$\{Y\}/);
  });
});

describe('planningOperations', () => {
  const all = planningOperations(README, 3);

  it('are uniquely named, carry no identity code, and are valid against the committed supergraph, but the old guardians chain', () => {
    expect(new Set(all.map((o) => o.name)).size).toBe(all.length);
    const schema = fi.Supergraph.build(readFileSync(`${ROOT}schema/supergraph.graphql`, 'utf8'))
      .apiSchema()
      .toGraphQLJSSchema();
    for (const op of [...all, ...chainOperations(8)]) {
      expect(op.query, op.name).not.toMatch(/\d{6}[-+A]\d{3}[0-9A-Z]/);
      expect(
        gql.validate(schema, gql.parse(op.query)).map((e) => e.message),
        op.name,
      ).toEqual(op.name === 'issue-13/guardians-8' ? ['Cannot query field "guardians" on type "Relative".'] : []);
    }
  });

  it('take every source: README, both example files, the e2e tests, the issue, and the three chains up to the depth asked', () => {
    const groups = new Set(all.map((o) => o.name.split('/')[0]));
    expect([...groups]).toEqual(['readme', 'gateway-examples', 'schema-examples', 'e2e-region', 'e2e-access', 'issue-13', 'chain']);
    expect(all.filter((o) => o.name.startsWith('issue-13/')).map((o) => o.name)).toEqual([
      'issue-13/dependants',
      'issue-13/guardians-surname',
      'issue-13/guardians-8',
    ]);
    expect(all.find((o) => o.name === 'issue-13/guardians-8')!.query).toBe(
      `query GuardiansChain8($hetu: ID!) { customer(hetu: $hetu) { ${'guardians { '.repeat(8)}surname${' }'.repeat(8)} } }`,
    );
    expect(all.filter((o) => o.chainDepth !== undefined).map((o) => o.name)).toEqual([
      'chain/relatives-1',
      'chain/relatives-2',
      'chain/relatives-3',
      'chain/relatives-lists-1',
      'chain/relatives-lists-2',
      'chain/relatives-lists-3',
      'chain/ceilings-1',
      'chain/ceilings-2',
      'chain/ceilings-3',
    ]);
    expect(chainOperation('relatives', 3).query).toBe(
      'query RelativesChain3($hetu: ID!) { customer(hetu: $hetu) { guardians { customer { guardians { customer { guardians { surname } } } } } } }',
    );
    expect(chainOperation('relatives-lists', 2).query).toBe(
      'query RelativesListsChain2($hetu: ID!) { customer(hetu: $hetu) { appointments { start } guardians { surname customer { ' +
        'appointments { start } guardians { surname customer { appointments { start } } } } } } }',
    );
    expect(chainOperation('ceilings', 2)).toMatchObject({
      name: 'chain/ceilings-2',
      operationName: 'CeilingsChain2',
      chain: 'ceilings',
      chainDepth: 2,
      query:
        'query CeilingsChain2($hetu: ID!) { customer(hetu: $hetu) { feeCeiling(year: 2026) { includesDependants { ' +
        'feeCeiling(year: 2026) { includesDependants { surname } } } } } }',
    });
  });

  it('stop the fee-ceiling chain at its cap whatever --chain asks (7 would plan for minutes)', () => {
    const deep = chainOperations(8);
    expect(deep.filter((o) => o.chain === 'relatives')).toHaveLength(8);
    expect(deep.filter((o) => o.chain === 'ceilings').map((o) => o.chainDepth)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(CEILINGS_MAX_DEPTH).toBe(6);
    expect(chainOperations(0)).toEqual([]);
  });

  it('select by name fragments, and refuse a fragment that names none', () => {
    expect(selectOperations(all, ['ClientOverview']).map((o) => o.name)).toEqual([
      'readme/ClientOverview',
      'gateway-examples/ClientOverview',
      'schema-examples/ClientOverview',
    ]);
    expect(selectOperations(all, ['ceilings', 'issue-13/d']).map((o) => o.name)).toEqual([
      'issue-13/dependants',
      'chain/ceilings-1',
      'chain/ceilings-2',
      'chain/ceilings-3',
    ]);
    expect(() => selectOperations(all, ['nothing-like-it'])).toThrow(/nothing-like-it/);
  });
});
