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
import { listsSubgraphSdl, municipalitySubgraphSdl, POLICY_RECORD_KINDS, requiredKinds, subgraphSdls } from './sdl.ts';
import { supergraphWithUrls } from './supergraph.ts';
import { Supergraph } from '@apollo/federation-internals';
import { parse, print, visit } from 'graphql';
import type { ASTNode, GraphQLObjectType } from 'graphql';

/** An SDL printed without its descriptions. */
function withoutDescriptions(sdl: string): string {
  return print(
    visit(parse(sdl), {
      enter: (node: ASTNode) => ('description' in node && node.description ? { ...node, description: undefined } : undefined),
    }),
  );
}

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
    expect(lapinjarvi).toContain('type LapinjarviRecords @key(fields: "id") @inaccessible');
    expect(lapinjarvi).not.toContain('LoviisaRecords');
    const lists = listsSubgraphSdl();
    for (const m of SCHEMA_MUNICIPALITIES)
      expect(lists).toContain(`${m.customerField} { appointments customerships fees consents missingSources`);
  });

  // Measured without descriptions: every element of the API carries one (schema/descriptions.test.ts), and they are
  // documentation, not the machinery (the @requires selections, the per-municipality types) whose size this guards.
  it('is at most a third of the size it had before issue 13 (190 kB), and no subgraph SDL is large (descriptions aside)', () => {
    expect(withoutDescriptions(composed.supergraphSdl).length).toBeLessThan(190_000 / 3);
    // The lists subgraph serves each record list twice (issue 15): the deprecated list field and its connection, with the same
    // @requires; a query asks one of them, so the planner's work per field is unchanged.
    for (const s of subgraphSdls())
      expect(withoutDescriptions(s.typeDefs).length, s.name).toBeLessThan(s.name === 'lists' ? 40_000 : 20_000);
  });
});

describe('each field requires only what it needs', () => {
  it('requires of each list its own record kind plus the kinds the policy decides from, and nothing else', () => {
    expect(requiredKinds(['appointments'])).toEqual(['appointments', 'customerships', 'consents']);
    expect(requiredKinds(['fees'])).toEqual(['appointments', 'customerships', 'fees', 'consents']);
    expect(requiredKinds(['decisions'])).toEqual(['appointments', 'customerships', 'decisions', 'consents']);
    expect(requiredKinds([])).toEqual([...POLICY_RECORD_KINDS]);
    const requires = (field: string) =>
      new RegExp(`\\n  ${field}[(:][\\s\\S]*?@requires\\(fields: "([^"]*)"`).exec(listsSubgraphSdl())?.[1] ?? '';
    expect(requires('appointments')).not.toMatch(/\b(fees|decisions|plans)\b/);
    expect(requires('fees')).not.toMatch(/\b(decisions|plans)\b/);
    // Only the fee ceiling reaches into the dependants.
    for (const f of ['appointments', 'customerships', 'decisions', 'plans', 'fees', 'consents', 'missingSources']) {
      expect(requires(f), f).toContain('vtjFacts { guardians turvakielto } regionMissingSources { instance code } recordHolders');
      expect(requires(f), f).not.toContain('vtjDependants');
    }
    expect(requires('feeCeiling')).toContain('vtjDependants { hetu');
  });
});

describe('query plans', () => {
  const fetchOf = (node: PlanNode | undefined): { service: string; path: string } => {
    if (node?.kind === 'Flatten') return { service: (node.node as FetchNode).serviceName, path: (node as FlattenNode).path.join('.') };
    if (node?.kind === 'Fetch') return { service: node.serviceName, path: '' };
    throw new Error(`expected a fetch, received ${node?.kind}`);
  };

  it('plans the client overview as region, then the municipalities in parallel, then the lists in parallel: three levels', () => {
    const root = plan(CLIENT_OVERVIEW.query, CLIENT_OVERVIEW.name).node as SequenceNode;
    expect(root.kind).toBe('Sequence');
    const [first, municipalities, lists, ...rest] = root.nodes as [PlanNode, ParallelNode, ParallelNode, ...PlanNode[]];
    expect(rest).toEqual([]);
    expect(fetchOf(first)).toEqual({ service: 'region', path: '' });
    expect(municipalities.nodes.map(fetchOf)).toEqual(
      SCHEMA_MUNICIPALITIES.map((m) => ({ service: m.subgraph, path: `customer.${m.customerField}` })),
    );
    // One lists fetch per distinct requirement: appointments, customerships, consents and missingSources share one.
    expect(lists.nodes.map(fetchOf)).toEqual(Array.from({ length: 4 }, () => ({ service: 'lists', path: 'customer' })));
  });

  it('serves basic data, contact details and relatives from the region subgraph alone: no municipality, no lists', () => {
    const q = `query ($h: ID!) { customer(hetu: $h) { surname firstNames birthDate language turvakielto deathDate
      address { streetFi } municipality { nameSv } guardians { hetu surname firstNames } dependants { hetu firstNames } } }`;
    expect(outlinePlan(plan(q))).toBe('Fetch region');
    expect(outlinePlan(plan('query ($h: ID!) { customer(hetu: $h) { guardians { surname } } }'))).toBe('Fetch region');
  });

  it('reads a relative’s records only when the query asks for that relative’s lists', () => {
    const outline = outlinePlan(
      plan('query ($h: ID!) { customer(hetu: $h) { dependants { firstNames customer { appointments { start } } } } }'),
    );
    expect(outline).toContain('Fetch porvoo at customer.dependants.@.customer.porvooRecords');
    expect(outline.trimEnd().endsWith('Fetch lists at customer.dependants.@.customer')).toBe(true);
  });

  it('keeps VTJ facts, the references and the municipalities’ records away from clients (the API schema)', () => {
    const api = Supergraph.build(composed.supergraphSdl).apiSchema().toGraphQLJSSchema();
    const fields = (type: string) => Object.keys((api.getType(type) as GraphQLObjectType | undefined)?.getFields() ?? {});
    expect(fields('Customer')).toContain('surname');
    for (const hidden of [
      'vtjFacts',
      'vtjDependants',
      'recordHolders',
      'regionMissingSources',
      ...SCHEMA_MUNICIPALITIES.map((m) => m.customerField),
    ])
      expect(fields('Customer')).not.toContain(hidden);
    for (const t of ['VtjFacts', 'RecordList', ...SCHEMA_MUNICIPALITIES.map((m) => m.typeName)]) expect(api.getType(t)).toBeUndefined();
  });

  it('plans the fee ceiling with the dependants’ records fetched alongside the customer’s', () => {
    const outline = outlinePlan(plan(FEES_AND_CEILING.query, FEES_AND_CEILING.name));
    expect(outline).toContain('Fetch lapinjarvi at customer.vtjDependants.@.lapinjarviRecords');
    expect(outline.indexOf('Fetch lists at customer')).toBeGreaterThan(
      outline.indexOf('Fetch pukkila at customer.vtjDependants.@.pukkilaRecords'),
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
