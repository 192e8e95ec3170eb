import { readFileSync } from 'node:fs';
import type { FetchNode, FlattenNode, ParallelNode, PlanNode, SequenceNode } from '@apollo/query-planner';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCEPTED_HINTS,
  CLIENT_OVERVIEW_PLAN_PATH,
  clientOverviewPlanText,
  composeRegion,
  SUPERGRAPH_PATH,
  unacceptedHints,
} from './compose.ts';
import type { Hint } from './compose.ts';
import { CLIENT_OVERVIEW, EXAMPLE_OPERATIONS, FEES_AND_CEILING } from './examples.ts';
import { SCHEMA_MUNICIPALITIES, SUBGRAPH_NAMES } from './municipalities.ts';
import { createPlanner, outlinePlan } from './plan.ts';
import type { QueryPlan } from '@apollo/query-planner';
import { listsSubgraphSdl, municipalitySubgraphSdl } from './sdl.ts';
import { supergraphWithUrls } from './supergraph.ts';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLObjectType } from 'graphql';

let composed: { supergraphSdl: string; hints: Hint[] };
let plan: (query: string, operationName?: string) => QueryPlan;
beforeAll(() => {
  composed = composeRegion();
  plan = createPlanner(composed.supergraphSdl);
});

describe('supergraph composition', () => {
  it('composes without a hint that has not been accepted', () => {
    expect(unacceptedHints(composed.hints).map((h) => `${h.code}: ${h.message}`)).toEqual([]);
    for (const a of ACCEPTED_HINTS) expect(a.reason.trim().length, `reason for ${a.code}`).toBeGreaterThan(0);
  });

  it('treats a hint as unaccepted unless both its code and message match an accepted entry', () => {
    const hints = [
      { code: 'INCONSISTENT_DESCRIPTION', message: 'Element "Fee" has inconsistent descriptions' },
      { code: 'INCONSISTENT_DESCRIPTION', message: 'Element "Plan" has inconsistent descriptions' },
    ];
    const accepted = [{ code: 'INCONSISTENT_DESCRIPTION', messageIncludes: '"Fee"', reason: 'test' }];
    expect(unacceptedHints(hints, accepted)).toEqual([hints[1]]);
  });

  it('matches the committed schema/supergraph.graphql (run `npm run compose` after changing the schema)', () => {
    expect(
      readFileSync(SUPERGRAPH_PATH, 'utf8') === composed.supergraphSdl,
      'schema/supergraph.graphql is stale: run npm run compose',
    ).toBe(true);
  });

  it('matches the committed client overview plan', () => {
    expect(
      readFileSync(CLIENT_OVERVIEW_PLAN_PATH, 'utf8') === clientOverviewPlanText(composed.supergraphSdl),
      'schema/client-overview.plan.txt is stale: run npm run compose',
    ).toBe(true);
  });

  it('generates the seven municipality subgraphs and the lists requirements from one list', () => {
    expect(SUBGRAPH_NAMES).toEqual(['region', 'lists', 'porvoo', 'sipoo', 'loviisa', 'askola', 'lapinjarvi', 'myrskyla', 'pukkila']);
    const lapinjarvi = municipalitySubgraphSdl(SCHEMA_MUNICIPALITIES.find((m) => m.code === '407')!);
    expect(lapinjarvi).toContain('type LapinjarviRecords @key(fields: "id")');
    expect(lapinjarvi).not.toContain('LoviisaRecords');
    const lists = listsSubgraphSdl();
    for (const m of SCHEMA_MUNICIPALITIES) expect(lists).toContain(`... on ${m.typeName} { appointments { careArea professionalKind`);
  });
});

describe('query plans', () => {
  const fetchOf = (node: PlanNode | undefined): { service: string; path: string } => {
    if (node?.kind === 'Flatten') return { service: (node.node as FetchNode).serviceName, path: (node as FlattenNode).path.join('.') };
    if (node?.kind === 'Fetch') return { service: node.serviceName, path: '' };
    throw new Error(`expected a fetch, received ${node?.kind}`);
  };

  it('plans the client overview as region, then the municipalities in parallel, then lists', () => {
    const root = plan(CLIENT_OVERVIEW.query, CLIENT_OVERVIEW.name).node as SequenceNode;
    expect(root.kind).toBe('Sequence');
    // Then the same again for the guardians and dependants the overview names (their own access decisions).
    const [first, parallel, last] = root.nodes as [PlanNode, ParallelNode, PlanNode];
    expect(fetchOf(first)).toEqual({ service: 'region', path: '' });
    expect(parallel.kind).toBe('Parallel');
    expect(parallel.nodes.map(fetchOf)).toEqual(SCHEMA_MUNICIPALITIES.map((m) => ({ service: m.subgraph, path: 'customer.sources.@' })));
    expect(fetchOf(last)).toEqual({ service: 'lists', path: 'customer' });
  });

  it('serves even basic data through the access point (lists), after the records its decisions need', () => {
    const outline = outlinePlan(plan('query ($h: ID!) { customer(hetu: $h) { surname municipality { nameSv } } }'));
    expect(outline.split('\n')[1]).toBe('  Fetch region');
    expect(outline.trimEnd().endsWith('Fetch lists at customer')).toBe(true);
    expect(outlinePlan(plan('query ($h: ID!) { customer(hetu: $h) { hetu } }'))).toBe('Fetch region');
  });

  it('keeps the raw VTJ data, the references and the municipalities’ record fields away from clients (the API schema)', () => {
    const api = Supergraph.build(composed.supergraphSdl).apiSchema().toGraphQLJSSchema();
    const fields = (type: string) => Object.keys((api.getType(type) as GraphQLObjectType | undefined)?.getFields() ?? {});
    expect(fields('Customer')).toContain('surname');
    for (const hidden of ['vtj', 'vtjDependants', 'sources', 'regionMissingSources']) expect(fields('Customer')).not.toContain(hidden);
    expect(api.getType('VtjData')).toBeUndefined();
    for (const m of SCHEMA_MUNICIPALITIES) expect(fields(m.typeName).filter((f) => !['id', 'municipality'].includes(f))).toEqual([]);
  });

  it('plans the fee ceiling with the dependants’ records fetched alongside the customer’s', () => {
    const outline = outlinePlan(plan(FEES_AND_CEILING.query, FEES_AND_CEILING.name));
    expect(outline).toContain('Fetch lapinjarvi at customer.vtjDependants.@.sources.@');
    expect(outline.indexOf('Fetch lists at customer')).toBeGreaterThan(
      outline.indexOf('Fetch pukkila at customer.vtjDependants.@.sources.@'),
    );
  });

  it('plans every example operation', () => {
    for (const op of EXAMPLE_OPERATIONS) expect(() => plan(op.query, op.name)).not.toThrow();
  });
});

describe('supergraphWithUrls', () => {
  it('puts in every subgraph URL and refuses to leave a placeholder', () => {
    const urls = Object.fromEntries(SUBGRAPH_NAMES.map((n, i) => [n, `http://127.0.0.1:${5000 + i}/graphql`]));
    const sdl = supergraphWithUrls(composed.supergraphSdl, urls);
    expect(sdl).toContain('@join__graph(name: "lapinjarvi", url: "http://127.0.0.1:5006/graphql")');
    expect(sdl).not.toContain('.invalid');
    const { lists: _lists, ...withoutLists } = urls;
    expect(() => supergraphWithUrls(composed.supergraphSdl, withoutLists)).toThrow(/lists/);
  });
});
