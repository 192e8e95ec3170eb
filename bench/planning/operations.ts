/**
 * The operations the planning scenario plans, each named with where it comes
 * from:
 * - README.md: its ```graphql blocks and the curl example's query, read from
 *   the README itself at run time;
 * - the saved GraphiQL examples: gateway/examples.ts and schema/examples.ts,
 *   through their exports;
 * - the end-to-end tests' queries (test/e2e/*.test.ts): the tests define them
 *   inline or in constants they do not export, so the representative ones are
 *   copied here with the exact text they have there (operations.test.ts fails
 *   when a test's text changes and the copy no longer matches);
 * - issue 13's operations: `dependants { firstNames }` (on which the Rust
 *   planner was said to fail), `guardians { surname }` (one region fetch), and
 *   the old eight-level `guardians` chain, which the schema now refuses;
 * - three chain families of depth 1..N (chainOperation): relatives through
 *   `customer` (names only, then with each level's appointments) and fee
 *   ceilings through their dependants, the one nesting that still multiplies
 *   the planner's work.
 *
 * No operation carries an identity code: persons are variables, and planning
 * needs no variables.
 */
import { exampleOperations } from '../../gateway/examples.ts';
import { EXAMPLE_OPERATIONS } from '../../schema/examples.ts';

export interface PlanningOperation {
  /** Unique, `source-group/Name`, e.g. `gateway-examples/ClientOverview` or `chain/relatives-3`. */
  readonly name: string;
  /** Where it comes from, for the report (file and constant, README section, or issue). */
  readonly source: string;
  readonly query: string;
  /** The operation to plan in `query`; null: its only operation. */
  readonly operationName: string | null;
  /** For a chain (chainOperation): its family and depth. */
  readonly chain?: ChainFamily;
  readonly chainDepth?: number;
}

/** Issue 13's plan-time target for an operation (warm, Apollo): 50 ms; 100 ms for a chain. */
export const PLAN_TARGET_MS = 50;
export const CHAIN_PLAN_TARGET_MS = 100;

/** The plan-time target the report holds an operation to (not asserted in tests: a benchmark's figure, not a timed test). */
export function planTargetMs(op: Pick<PlanningOperation, 'chainDepth'>): number {
  return op.chainDepth === undefined ? PLAN_TARGET_MS : CHAIN_PLAN_TARGET_MS;
}

/** A text copied from a file of the repository, exactly as it stands there. */
export interface CopiedText {
  /** Repository-relative path. */
  readonly file: string;
  readonly text: string;
}

/** An end-to-end test's operation, with the texts it was copied from (for the honesty check). */
export interface CopiedOperation extends PlanningOperation {
  readonly copiedFrom: readonly CopiedText[];
}

/** `--quick`'s operations when none are named: a saved example, the issue's operations, and the chains (at their quick depth). */
export const QUICK_OPERATIONS: readonly string[] = ['gateway-examples/NextAppointments', 'issue-13/', 'chain/'];

/** Replaces each `${NAME}` of a copied template by `values[NAME]` (every placeholder must have a value). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Expected a value for \${${name}} in a copied query, received none.`);
    return value;
  });
}

/** The operation name of a document's first operation, or null for an anonymous one. */
function operationNameOf(query: string): string | null {
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)/m.exec(query)?.[1] ?? null;
}

/**
 * The README's operations: each ```graphql block, and each `"query":"…"` of a
 * JSON body (the curl example), named by operation name (or `curl-N`) and
 * sourced by the section they stand in.
 */
export function readmeOperations(markdown: string): PlanningOperation[] {
  const out: PlanningOperation[] = [];
  const names = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    return name;
  };
  let section = '(top)';
  let fence: { lang: string; lines: string[] } | null = null;
  let curls = 0;
  for (const line of markdown.split('\n')) {
    if (fence) {
      if (/^```\s*$/.test(line)) {
        if (fence.lang === 'graphql') {
          const query = fence.lines.join('\n');
          const operationName = operationNameOf(query);
          out.push({
            name: unique(`readme/${operationName ?? 'anonymous'}`),
            source: `README.md, section "${section}" (graphql block)`,
            query,
            operationName,
          });
        }
        fence = null;
        continue;
      }
      fence.lines.push(line);
      for (const m of line.matchAll(/"query":("(?:[^"\\]|\\.)*")/g)) {
        const query = JSON.parse(m[1]!) as string;
        out.push({
          name: unique(`readme/curl-${++curls}`),
          source: `README.md, section "${section}" (curl example's JSON body)`,
          query,
          operationName: operationNameOf(query),
        });
      }
      continue;
    }
    const open = /^```(\w*)/.exec(line);
    if (open) {
      fence = { lang: open[1]!, lines: [] };
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) section = heading[1]!.trim();
  }
  return out;
}

/** The saved GraphiQL examples (gateway/examples.ts), as the gateway serves them. */
export function gatewayExampleOperations(): PlanningOperation[] {
  // The year only sets the examples' variables; fixed so the operations do not depend on the clock.
  return exampleOperations({ year: 2026 }).map((e) => ({
    name: `gateway-examples/${e.name}`,
    source: 'gateway/examples.ts exampleOperations() (GraphiQL saved examples)',
    query: e.query,
    operationName: e.name,
  }));
}

/** The example operations of schema/examples.ts (EXAMPLE_OPERATIONS). */
export function schemaExampleOperations(): PlanningOperation[] {
  return EXAMPLE_OPERATIONS.map((e) => ({
    name: `schema-examples/${e.name}`,
    source: 'schema/examples.ts EXAMPLE_OPERATIONS',
    query: e.query,
    operationName: e.name,
  }));
}

// ---------------------------------------------------------------- copies of the end-to-end tests' queries

const REGION_TEST = 'test/e2e/region.test.ts';
const ACCESS_TEST = 'test/e2e/access.test.ts';
/** Where the e2e tests (and the interop tests) keep their query texts since issue 13. */
const E2E_QUERIES = 'test/e2e/testSupport/queries.ts';

/** region.test.ts's SOURCE, interpolated into its queries. */
const REGION_SOURCE: CopiedText = {
  file: E2E_QUERIES,
  text: "const SOURCE = 'source { instance product localId municipality { code nameFi nameSv } }';",
};
const SOURCE_VALUE = 'source { instance product localId municipality { code nameFi nameSv } }';

const CUSTOMER_TEMPLATE: CopiedText = {
  file: E2E_QUERIES,
  text: `const CUSTOMER_QUERY = \`query Customer($hetu: ID!) {
  customer(hetu: $hetu) {
    hetu surname firstNames
    municipality { code nameFi nameSv }
    appointments { start careArea professionalKind status unit { name } note \${SOURCE} }
    fees { date amountCents accruesToCeiling status \${SOURCE} }
    customerships { serviceTask startDate service \${SOURCE} }
    decisions { decisionDate outcome service \${SOURCE} }
    plans { type startDate \${SOURCE} }
    consents { type givenOn \${SOURCE} }
    missingSources { instance code }
  }
}\`;`,
};

const FILTERS_TEMPLATE: CopiedText = {
  file: E2E_QUERIES,
  text: `\`query($hetu: ID!) { customer(hetu: $hetu) {
        window: appointments(from: "2026-01-01T00:00:00+02:00", to: "2026-12-10T10:00:00+02:00") { start source { instance } }
        upcoming: appointments(upcoming: true) { start source { instance } }
        oral: appointments(careArea: [ORAL_HEALTH]) { start source { instance } }
        booked: appointments(status: [BOOKED]) { start source { instance } }
        latestTwo: appointments(order: DESC, first: 2) { start source { instance } }
      } }\``,
};

const CEILING_TEMPLATE: CopiedText = {
  file: E2E_QUERIES,
  text: `const CEILING_QUERY = \`query Ceiling($hetu: ID!, $year: Int!) {
  customer(hetu: $hetu) {
    firstNames
    fees(year: $year) { date amountCents accruesToCeiling status \${SOURCE} }
    feeCeiling(year: $year) {
      year ceilingCents accruedCents reached reachedOn complete
      feesAfterCeiling { date amountCents accruesToCeiling status \${SOURCE} }
      countedFees { customer { hetu } runningTotalCents fee { date amountCents accruesToCeiling status \${SOURCE} } }
      includesDependants { hetu }
      minorFeesCountTowards { hetu }
      missingSources { instance code }
    }
  }
}\`;`,
};

const PERSONAL_VALUE = `hetu surname firstNames turvakielto address { streetFi } municipality { code }
  appointments { careArea unit { oid } } customerships { serviceTask extraSensitive } decisions { service } plans { type }
  fees { amountCents } consents { type withdrawnOn }`;
/** access.test.ts's PERSONAL, the fields its `ask` asks by default. */
const ACCESS_PERSONAL: CopiedText = { file: E2E_QUERIES, text: `const PERSONAL = \`${PERSONAL_VALUE}\`;` };
const ASK_TEMPLATE: CopiedText = { file: E2E_QUERIES, text: '`query ($h: ID!) { customer(hetu: $h) { ${fields} } }`' };
const PUBLIC_AND_PERSONAL: CopiedText = {
  file: E2E_QUERIES,
  text: '`query ($h: ID!) { municipalities { code } customer(hetu: $h) { surname } }`',
};
/** The professionals' cases: a nurse with a care relation, and a physician without one, on the turvakielto person. */
const NURSE_FIELDS: CopiedText = {
  file: ACCESS_TEST,
  text: "ask('nurse', S.turvakielto, 'surname turvakielto address { streetFi } appointments { careArea }')",
};
const PHYSICIAN_FIELDS: CopiedText = {
  file: ACCESS_TEST,
  text: "ask('physician', S.turvakielto, 'surname address { streetFi } appointments { start }')",
};
/** The fields a copied `ask(…, '<fields>')` call asks: its last quoted argument. */
function askedFields(call: CopiedText): string {
  const fields = /'([^']*)'\)$/.exec(call.text)?.[1];
  if (fields === undefined) throw new Error(`Expected an ask(…, '<fields>') call, received ${call.text}`);
  return fields;
}
const SURNAME_ONLY: CopiedText = { file: ACCESS_TEST, text: "customerFieldsQuery('surname')" };
const ALIASED_CLIENT: CopiedText = {
  file: E2E_QUERIES,
  text: '`p${i}: customer(hetu: "${h}") { surname appointments { start } }`',
};
/** How many clients access.test.ts's aliased query asks about (its PHYSICIAN_PATIENTS; operations.test.ts counts them there). */
export const ALIASED_CLIENTS = 40;

/** The aliased query of access.test.ts's audit test, each client's code a variable instead of a literal. */
function aliasedClientsQuery(n: number): string {
  const variables = Array.from({ length: n }, (_, i) => `$h${i}: ID!`).join(', ');
  const fields = Array.from({ length: n }, (_, i) => `p${i}: customer(hetu: $h${i}) { surname appointments { start } }`).join(' ');
  return `query AliasedClients(${variables}) { ${fields} }`;
}

/** The end-to-end tests' representative operations, copied (each with the exact texts it came from). */
export function e2eOperations(): CopiedOperation[] {
  const withSource = { SOURCE: SOURCE_VALUE };
  const template = (t: CopiedText): string => {
    // The template literal's body: between the first and the last backtick of the copied text.
    return t.text.slice(t.text.indexOf('`') + 1, t.text.lastIndexOf('`'));
  };
  return [
    {
      name: 'e2e-region/Customer',
      source: `${REGION_TEST} CUSTOMER_QUERY (every list of a customer, with provenance)`,
      query: fillTemplate(template(CUSTOMER_TEMPLATE), withSource),
      operationName: 'Customer',
      copiedFrom: [CUSTOMER_TEMPLATE, REGION_SOURCE],
    },
    {
      name: 'e2e-region/AppointmentFilters',
      source: `${REGION_TEST} "filters the merged appointments by time window…" (five aliased appointment lists)`,
      query: template(FILTERS_TEMPLATE),
      operationName: null,
      copiedFrom: [FILTERS_TEMPLATE],
    },
    {
      name: 'e2e-region/Ceiling',
      source: `${REGION_TEST} CEILING_QUERY (fees and the fee ceiling)`,
      query: fillTemplate(template(CEILING_TEMPLATE), withSource),
      operationName: 'Ceiling',
      copiedFrom: [CEILING_TEMPLATE, REGION_SOURCE],
    },
    {
      name: 'e2e-access/PersonalFields',
      source: `${ACCESS_TEST} ask() with its default fields, PERSONAL (the access matrix)`,
      query: fillTemplate(template(ASK_TEMPLATE), { fields: PERSONAL_VALUE }),
      operationName: null,
      copiedFrom: [ASK_TEMPLATE, ACCESS_PERSONAL],
    },
    {
      name: 'e2e-access/NurseTurvakielto',
      source: `${ACCESS_TEST} professionals: a nurse with a care relation (name, flag, address, appointments)`,
      query: fillTemplate(template(ASK_TEMPLATE), { fields: askedFields(NURSE_FIELDS) }),
      operationName: null,
      copiedFrom: [ASK_TEMPLATE, NURSE_FIELDS],
    },
    {
      name: 'e2e-access/PhysicianNoCareRelation',
      source: `${ACCESS_TEST} professionals: a physician without a care relation (name by role, address, appointments)`,
      query: fillTemplate(template(ASK_TEMPLATE), { fields: askedFields(PHYSICIAN_FIELDS) }),
      operationName: null,
      copiedFrom: [ASK_TEMPLATE, PHYSICIAN_FIELDS],
    },
    {
      name: 'e2e-access/PublicAndPersonal',
      source: `${ACCESS_TEST} "anonymous: UNAUTHENTICATED NOT_AUTHENTICATED…" (municipalities and a surname)`,
      query: template(PUBLIC_AND_PERSONAL),
      operationName: null,
      copiedFrom: [PUBLIC_AND_PERSONAL],
    },
    {
      name: 'e2e-access/SurnameOnly',
      source: `${ACCESS_TEST} the turvakielto cases (one customer's surname)`,
      query: fillTemplate(template(ASK_TEMPLATE), { fields: 'surname' }),
      operationName: null,
      copiedFrom: [ASK_TEMPLATE, SURNAME_ONLY],
    },
    {
      name: 'e2e-access/AliasedClients',
      source: `${ACCESS_TEST} the audit test's aliased query over ${ALIASED_CLIENTS} clients (codes as variables here)`,
      query: aliasedClientsQuery(ALIASED_CLIENTS),
      operationName: 'AliasedClients',
      copiedFrom: [ALIASED_CLIENT],
    },
  ];
}

// ---------------------------------------------------------------- issue 13 and the chains

/** The old chain's depth in issue 13: eight nested `guardians`. */
export const ISSUE_GUARDIANS_DEPTH = 8;

/**
 * Issue 13's operations: `dependants { firstNames }`; `guardians { surname }`,
 * which needs no municipality fetch (one region fetch, checked by
 * budget.test.ts); and the old eight-level `guardians { guardians { … } }`
 * text, which the schema now refuses (Relative has no `guardians`): the
 * scenario reports it "invalid" before either planner sees it.
 */
export function issueOperations(): PlanningOperation[] {
  const d = ISSUE_GUARDIANS_DEPTH;
  return [
    {
      name: 'issue-13/dependants',
      source: 'issue 13 ("the Rust planner fails on `dependants { firstNames }`")',
      query: 'query Dependants($hetu: ID!) { customer(hetu: $hetu) { dependants { firstNames } } }',
      operationName: 'Dependants',
    },
    {
      name: 'issue-13/guardians-surname',
      source: 'issue 13 item 3 ("`customer { guardians { surname } }` needs no municipality fetch")',
      query: 'query GuardiansSurname($hetu: ID!) { customer(hetu: $hetu) { guardians { surname } } }',
      operationName: 'GuardiansSurname',
    },
    {
      name: `issue-13/guardians-${d}`,
      source: `issue 13 item 3 (the old ${d}-level \`guardians\` chain: refused by the schema, Relative has no guardians)`,
      query: `query GuardiansChain${d}($hetu: ID!) { customer(hetu: $hetu) { ${'guardians { '.repeat(d)}surname${' }'.repeat(d)} } }`,
      operationName: `GuardiansChain${d}`,
    },
  ];
}

export const CHAIN_FAMILIES = ['relatives', 'relatives-lists', 'ceilings'] as const;
export type ChainFamily = (typeof CHAIN_FAMILIES)[number];

/**
 * The deepest fee-ceiling chain planned whatever `--chain` says: Apollo plans
 * 5 in ~0.35 s and 6 in ~7 s (over the default budget); 7 would take minutes
 * had the budget not cut it.
 */
export const CEILINGS_MAX_DEPTH = 6;

/**
 * `relatives`: `customer { guardians { customer { guardians { … surname } } } }`
 * with `depth` levels of `guardians`, through each relative's `customer`,
 * names only. The whole chain is the region subgraph's (no `@requires`): one
 * fetch at any depth, so the plan stays the same size.
 */
function relativesSelection(depth: number): string {
  return depth <= 1 ? 'guardians { surname }' : `guardians { customer { ${relativesSelection(depth - 1)} } }`;
}

/**
 * `relatives-lists`: the same chain with `appointments { start }` at each
 * level (the customer asked and each guardian's customer): each level adds its
 * own municipalities and lists fetches (7 + 1 on the committed supergraph, run
 * in parallel with the other levels'), so fetches grow linearly with depth and
 * the planner's work with them, nothing multiplies.
 */
function relativesListsSelection(depth: number): string {
  const inner = depth <= 1 ? 'appointments { start }' : relativesListsSelection(depth - 1);
  return `appointments { start } guardians { surname customer { ${inner} } }`;
}

/**
 * `ceilings`: `feeCeiling(year: 2026) { includesDependants { feeCeiling(…) { … surname } } }`
 * with `depth` fee ceilings: a `@requires` field inside another's result, the
 * nesting that still multiplies the planner's work (Apollo ~0.35 s at 5, ~7 s
 * at 6; Hive's Rust planner cannot plan it from 2, "Expected a single
 * parent"). Our gateway refuses more than 2 nested `@requires` fields before
 * planning (gateway/planning/requiresDepth.ts, GRAPHQL_MAX_REQUIRES_DEPTH=2),
 * so depths over 2 show what that limit spares it.
 */
function ceilingsSelection(depth: number): string {
  const inner = depth <= 1 ? 'surname' : ceilingsSelection(depth - 1);
  return `feeCeiling(year: 2026) { includesDependants { ${inner} } }`;
}

const CHAIN_TEXT: Readonly<Record<ChainFamily, { title: string; source: string; selection: (depth: number) => string }>> = {
  relatives: {
    title: 'RelativesChain',
    source: 'guardians through `customer`, names only (one region fetch at any depth)',
    selection: relativesSelection,
  },
  'relatives-lists': {
    title: 'RelativesListsChain',
    source: "guardians through `customer`, each level's appointments (its municipalities and lists fetches: linear in depth)",
    selection: relativesListsSelection,
  },
  ceilings: {
    title: 'CeilingsChain',
    source:
      "fee ceilings of the dependants' fee ceilings (nested @requires: the planner's work multiplies; our gateway refuses more than 2 before planning)",
    selection: ceilingsSelection,
  },
};

/** The chain `family` at `depth` (≥ 1), named `chain/<family>-<depth>`. */
export function chainOperation(family: ChainFamily, depth: number): PlanningOperation {
  const text = CHAIN_TEXT[family];
  const name = `${text.title}${depth}`;
  return {
    name: `chain/${family}-${depth}`,
    source: `issue 13: ${text.source}, ${depth} level${depth === 1 ? '' : 's'}`,
    query: `query ${name}($hetu: ID!) { customer(hetu: $hetu) { ${text.selection(depth)} } }`,
    operationName: name,
    chain: family,
    chainDepth: depth,
  };
}

/** The chains planned for `--chain N`: each family at 1..N (fee ceilings at most CEILINGS_MAX_DEPTH), family by family. */
export function chainOperations(chainDepth: number): PlanningOperation[] {
  return CHAIN_FAMILIES.flatMap((family) => {
    const deepest = family === 'ceilings' ? Math.min(chainDepth, CEILINGS_MAX_DEPTH) : chainDepth;
    return Array.from({ length: deepest }, (_, i) => chainOperation(family, i + 1));
  });
}

/** Every operation of the scenario, in report order; `chainDepth` sets the longest chains. */
export function planningOperations(readme: string, chainDepth: number): PlanningOperation[] {
  return [
    ...readmeOperations(readme),
    ...gatewayExampleOperations(),
    ...schemaExampleOperations(),
    ...e2eOperations().map(({ copiedFrom: _copied, ...op }) => op),
    ...issueOperations(),
    ...chainOperations(chainDepth),
  ];
}

/**
 * The operations whose name contains one of `filters` (case-insensitive), in
 * their order; every filter must match at least one.
 */
export function selectOperations(all: readonly PlanningOperation[], filters: readonly string[]): PlanningOperation[] {
  const lower = filters.map((f) => f.toLowerCase());
  for (const f of lower) {
    if (!all.some((op) => op.name.toLowerCase().includes(f)))
      throw new Error(
        `Expected --operations to name operations of the scenario, received ${JSON.stringify(f)}; they are: ${all.map((o) => o.name).join(', ')}`,
      );
  }
  return all.filter((op) => lower.some((f) => op.name.toLowerCase().includes(f)));
}
