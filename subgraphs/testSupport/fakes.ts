/**
 * Test support: fake adapters, canonical item builders, and a GraphQL call
 * through `app.inject`. Not used in production.
 */
import type { FastifyInstance } from 'fastify';
import type { ChangedPage, PersonSlot, SourceAdapter, VtjAdapter, VtjSlot } from '../../domain/sourceAdapter.ts';
import { AdapterError } from '../../domain/errors.ts';
import type { AdapterErrorCode } from '../../domain/errors.ts';
import { emptyRecords } from '../../domain/model.ts';
import type { Appointment, Consent, Customership, Decision, Fee, Plan, Provenance, SourceRecords, VtjPerson } from '../../domain/model.ts';
import { instance as instanceOf } from '../../domain/region.ts';
import type { InstanceId, MunicipalityCode } from '../../domain/region.ts';
import type { Identity } from '../../contract/identity.ts';
import { INTERNAL_TOKEN_HEADER, InternalKey, signInternalToken } from '../../contract/internalToken.ts';
import { subgraphNameOf } from '../server/server.ts';

/** The internal-token key of subgraph apps under test: create them with it, and `gql` signs with it. */
export const TEST_INTERNAL_KEY = InternalKey.generate();

/**
 * The headers the gateway would send `app` for one request: its internal
 * token (signed with TEST_INTERNAL_KEY for the app's subgraph name) and the
 * request id.
 */
export async function gatewayHeaders(
  app: FastifyInstance,
  identity: Identity | null = null,
  requestId = 'test-request',
): Promise<Record<string, string>> {
  const audience = subgraphNameOf(app);
  if (!audience) throw new Error('expected an app made by createSubgraphServer, received another');
  return {
    [INTERNAL_TOKEN_HEADER]: await signInternalToken(TEST_INTERNAL_KEY, { audience, requestId, identity }),
    'x-request-id': requestId,
  };
}

/** A provenance of `instance`, belonging to `municipality`. */
export function prov(instance: InstanceId, municipality: MunicipalityCode, localId: string): Provenance {
  return { instance, product: instanceOf(instance).product, municipality, localId };
}

export function appointment(source: Provenance, start: string, extra: Partial<Appointment> = {}): Appointment {
  return { careArea: 'PRIMARY_HEALTH', start, durationMinutes: 30, unit: { name: 'Terveysasema' }, status: 'BOOKED', source, ...extra };
}

export function fee(source: Provenance, date: string, amountCents: number, extra: Partial<Fee> = {}): Fee {
  return { register: 'HEALTH', date, description: 'Käyntimaksu', amountCents, accruesToCeiling: true, status: 'OPEN', source, ...extra };
}

export function customership(source: Provenance, startDate: string, extra: Partial<Customership> = {}): Customership {
  return { careArea: 'SOCIAL', serviceTask: 'OLDER_PEOPLE', startDate, extraSensitive: false, source, ...extra };
}

export function decision(source: Provenance, decisionDate: string, extra: Partial<Decision> = {}): Decision {
  return { customershipId: '1', service: 'Kotihoito', decisionDate, validFrom: decisionDate, outcome: 'GRANTED', source, ...extra };
}

export function plan(source: Provenance, startDate: string, extra: Partial<Plan> = {}): Plan {
  return { careArea: 'PRIMARY_HEALTH', type: 'HEALTH_AND_CARE_PLAN', startDate, source, ...extra };
}

export function consent(source: Provenance, givenOn: string, extra: Partial<Consent> = {}): Consent {
  return { type: 'LUOVUTUS_TERVEYDENHUOLTOON', givenOn, source, ...extra };
}

/** One instance's records of one person. */
export function records(hetu: string, instance: InstanceId, parts: Partial<Omit<SourceRecords, 'hetu' | 'instance'>> = {}): SourceRecords {
  return { ...emptyRecords(hetu, instance), ...parts };
}

/** A SourceAdapter answering from a map; `failWith` makes every slot that error; `calls` records each batch. */
export class FakeSourceAdapter implements SourceAdapter {
  readonly product;
  readonly calls: string[][] = [];
  failWith: AdapterErrorCode | undefined;

  constructor(
    readonly instance: InstanceId,
    private readonly persons: Readonly<Record<string, SourceRecords>> = {},
  ) {
    this.product = instanceOf(instance).product;
  }

  async readPersons(hetus: readonly string[]): Promise<PersonSlot[]> {
    this.calls.push([...hetus]);
    return hetus.map((h) =>
      this.failWith
        ? new AdapterError(this.failWith, this.instance, 'expected an answer within 100 ms, received none')
        : { records: this.persons[h] ?? emptyRecords(h, this.instance), issues: [] },
    );
  }

  async *listChanged(): AsyncIterable<ChangedPage> {
    yield { persons: Object.keys(this.persons).map((hetu) => ({ hetu })), issues: [] };
  }

  async close(): Promise<void> {}
}

/** A VTJ person with defaults. */
export function vtjPerson(hetu: string, extra: Partial<VtjPerson> = {}): VtjPerson {
  return { hetu, hetuInForce: true, surname: 'Testinen', firstNames: 'Testi', turvakielto: false, guardians: [], dependants: [], ...extra };
}

/** A VtjAdapter answering from a map (unknown → null). */
export class FakeVtj implements VtjAdapter {
  readonly instance = 'vtj' as const;
  readonly calls: string[][] = [];
  failWith: AdapterErrorCode | undefined;

  constructor(private readonly persons: Readonly<Record<string, VtjPerson>> = {}) {}

  async readPersons(hetus: readonly string[]): Promise<VtjSlot[]> {
    this.calls.push([...hetus]);
    return hetus.map((h) =>
      this.failWith ? new AdapterError(this.failWith, 'vtj', 'expected an answer, received none') : (this.persons[h] ?? null),
    );
  }

  async close(): Promise<void> {}
}

export interface GraphQLResponse {
  readonly status: number;
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] | undefined;
}

/**
 * Posts a GraphQL operation to `/graphql` in-process, as the gateway would:
 * with an internal token for `identity` (default anonymous).
 */
export async function gql(
  app: FastifyInstance,
  query: string,
  variables: Record<string, unknown> = {},
  identity: Identity | null = null,
): Promise<GraphQLResponse> {
  const headers = { 'content-type': 'application/json', ...(await gatewayHeaders(app, identity)) };
  const res = await app.inject({ method: 'POST', url: '/graphql', payload: { query, variables }, headers });
  const body = res.json() as { data?: Record<string, unknown> | null; errors?: GraphQLResponse['errors'] };
  return { status: res.statusCode, data: body.data, errors: body.errors };
}
