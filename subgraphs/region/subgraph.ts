/**
 * The region subgraph: owns Customer. VTJ's basic data (names, birth and
 * death date, language, turvakielto), contact details and the relatives
 * (guardians, dependants), each decided by the policy engine from who asks
 * and VTJ's data alone, and audited before it leaves; no record is read for
 * them. For the lists subgraph, @inaccessible: VTJ's facts the policy needs
 * and one reference per municipality holding the person's records (from
 * the person index). Also municipalities, the index's status per source,
 * emergency access and the citizen's own read log (issue 4). No personal
 * field for anonymous callers or analysts, and a citizen's `customer` only
 * for themself or their minor dependant: the policy engine
 * (subgraphs/access/policy.ts) decides each, this module only asks it.
 */
import { statisticsResolvers, type StatisticsSource } from './statistics/index.ts';
import DataLoader from 'dataloader';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse } from 'graphql';
import type { ReadCaller, VtjAdapter, VtjSlot } from '../../domain/sourceAdapter.ts';
import { operationScope, readThrough } from '../server/readCache.ts';
import type { OperationReadCache } from '../server/readCache.ts';
import { AdapterError } from '../../domain/errors.ts';
import { checkHetu } from '../../domain/hetu.ts';
import type { VtjPerson } from '../../domain/model.ts';
import { MUNICIPALITIES } from '../../domain/region.ts';
import { CODE_LISTS } from '../../domain/codeLabels.ts';
import { SCHEMA_MUNICIPALITIES, schemaMunicipality } from '../../schema/municipalities.ts';
import { regionSubgraphSdl } from '../../schema/sdl.ts';
import type { MissingSource } from '../server/context.ts';
import type { Logger } from '../server/logger.ts';
import type { IndexEntry, PersonLocator } from './personLocator.ts';
import { scalarResolvers } from '../server/scalars.ts';
import type { InternalKey } from '../../contract/internalToken.ts';
import { createSubgraphServer } from '../server/server.ts';
import type { SubgraphContext } from '../server/server.ts';
import { missingSourceResolvers, municipalityObject } from '../server/valueResolvers.ts';
import { READER_ROLES, sourceIndexState } from './enums.ts';
import { dataReadId, opaqueId } from '../server/ids.ts';
import { recordsReferences } from './sources.ts';
import { buildTypedSubgraphSchema } from '../server/subgraphSchema.ts';
import type { CustomerResolvers, QueryMyDataReadsArgs, Resolvers } from '../generated/regionResolvers.ts';
import type { CustomerObject, RelativeObject } from './parents.ts';
import type { RecordsReference } from './sources.ts';
import { formatInstant, systemClock } from '../../domain/time.ts';
import type { Clock } from '../../domain/time.ts';
import { forbiddenError } from '../access/errors.ts';
import { formatAuditInstant, toFhirAuditEvent } from '../audit/fhir.ts';
import { lookupEvent } from '../audit/events.ts';
import type { AuditEvent, LookupResult } from '../audit/events.ts';
import {
  auditsLookup,
  customerRecordsNeedGuardians,
  decideCustomerRecords,
  decideLookup,
  decideOwnReadLog,
  decidePersonalRead,
  decideRelative,
  decideVtjGroupAt,
  lookupNeedsGuardians,
  subjectFromVtj,
} from '../access/policy.ts';
import type { AccessDecision } from '../access/policy.ts';
import { READ_LOG_MAX_PAGE } from '../audit/store.ts';
import { RequestAudit } from '../audit/requestAudit.ts';
import { ReadLogCursors } from '../audit/cursor.ts';
import type { AuditSink, AuditStore, ReadLogPosition } from '../audit/store.ts';
import type { EmergencyAccessStore } from '../audit/emergency.ts';
import type { Identity } from '../../contract/identity.ts';
import type { UnitRegister } from '../lists/unitRegister.ts';
import type { UnitIndexReader } from './unitIndex/store.ts';
import { clientsPage, unitAppointmentsPage, unitView, viewerId, viewerOf, viewerRole } from './viewer.ts';
import type { ViewerServices } from './viewer.ts';

export interface RegionSubgraphOptions {
  readonly vtj: VtjAdapter;
  readonly locator: PersonLocator;
  readonly logger: Logger;
  /** The key of the gateway's internal tokens (contract/internalToken.ts). */
  readonly internalKey: InternalKey;
  /** The audit log (the citizen's own read log reads it). */
  readonly audit: AuditStore;
  /** Where professionals' lookups are written before the answer leaves; default `audit` (tests pass a failing one). */
  readonly auditSink?: AuditSink;
  /** Emergency access grants (startEmergencyAccess writes them). */
  readonly emergency: EmergencyAccessStore;
  /** "Now" for emergency grants and the minor check; default the system clock. */
  readonly clock?: Clock;
  /** The analysts' statistics (null until the first refresh completes). */
  readonly statistics?: StatisticsSource;
  /** VTJ reads of one gateway operation (subgraphs/server/readCache.ts); absent: each request reads anew. */
  readonly vtjReadCache?: OperationReadCache<VtjSlot>;
  /** The unit index (`me.unitAppointments`, `me.clients`); absent: those lists are empty. */
  readonly unitIndex?: UnitIndexReader;
  /** The organisation register's unit names (`me.units`); absent: none known. */
  readonly units?: UnitRegister;
}

/** The region's code lists (domain/codeLabels.ts) as `Query.codeLists` serves them. */
const CODE_LIST_ENTRIES = Object.entries(CODE_LISTS).map(([name, codes]) => ({
  name,
  codes: Object.entries(codes).map(([code, label]) => ({ code, fi: label.fi, sv: label.sv, en: label.en })),
}));

/** The instance name under which a failing person index is reported. */
export const PERSON_INDEX_SOURCE = 'person-index';

/** VTJ's answer for one code: the person, null (unknown to VTJ), or why it could not be read. */
type VtjResult = { readonly person: VtjPerson | null } | { readonly missing: MissingSource };
type LocateResult = { readonly entries: IndexEntry[] } | { readonly missing: MissingSource };

export interface RegionLoaders {
  readonly vtj: DataLoader<string, VtjResult>;
  readonly locate: DataLoader<string, LocateResult>;
  /** The request's audit trail: its lookups and reads go out in one INSERT, each before its answer. */
  readonly trail: RequestAudit;
  /** "Now" of the request: every decision of one answer uses the same instant. */
  readonly now: Date;
  /** VTJ's data of a person for a group, decided and audited once per request (every field of the group shares it). */
  readonly vtjReads: Map<string, Promise<VtjRead>>;
  /** A person's records references, decided and built once per request (eight fields read them). */
  readonly references: Map<string, Promise<RecordsReference[]>>;
}

/** VTJ's data of a person (null: unknown to VTJ or unreadable) and the allowed decision that serves it. */
interface VtjRead {
  readonly person: VtjPerson | null;
  readonly decision: AccessDecision & { readonly allowed: true };
}

type Context = SubgraphContext<RegionLoaders>;

/** With `cached`, a person VTJ was asked about for the same gateway operation (another fetch of its plan) is not asked again. */
function createLoaders(
  vtj: VtjAdapter,
  locator: PersonLocator,
  logger: Logger,
  trail: RequestAudit,
  now: Date,
  cached: { cache: OperationReadCache<VtjSlot>; scope: string } | undefined,
  caller: ReadCaller | undefined,
): RegionLoaders {
  // Whose read it is travels to VTJ (X-Road's userId and issue): the token's subject and the request id, never an identity code.
  const read = (hetus: readonly string[]): Promise<VtjSlot[]> => vtj.readPersons(hetus, caller ? { caller } : undefined);
  return {
    trail,
    now,
    vtjReads: new Map(),
    references: new Map(),
    // Slots are turned into values (never rejected keys) so one failure is reported, not thrown per field.
    vtj: new DataLoader(async (hetus) => {
      try {
        const slots = await (cached ? readThrough(cached.cache, cached.scope, 'vtj', hetus, read) : read(hetus));
        return slots.map((s): VtjResult => (s instanceof AdapterError ? { missing: { instance: 'vtj', code: s.code } } : { person: s }));
      } catch (err) {
        logger.error({ source: 'vtj', errorName: err instanceof Error ? err.name : typeof err }, 'vtj adapter rejected');
        return hetus.map((): VtjResult => ({ missing: { instance: 'vtj', code: 'SOURCE_ERROR' } }));
      }
    }),
    locate: new DataLoader(async (hetus) => {
      try {
        return (await locator.locate(hetus)).map((entries): LocateResult => ({ entries }));
      } catch (err) {
        logger.error(
          { source: PERSON_INDEX_SOURCE, errorName: err instanceof Error ? err.name : typeof err },
          'person index lookup failed',
        );
        return hetus.map((): LocateResult => ({ missing: { instance: PERSON_INDEX_SOURCE, code: 'SOURCE_UNAVAILABLE' } }));
      }
    }),
  };
}

async function vtjPerson(c: CustomerObject, ctx: Context): Promise<VtjPerson | null> {
  const r = await ctx.loaders.vtj.load(c.hetu);
  if ('missing' in r) {
    ctx.missing.add(r.missing);
    return null;
  }
  return r.person;
}

async function entries(c: CustomerObject, ctx: Context): Promise<IndexEntry[]> {
  const r = await ctx.loaders.locate.load(c.hetu);
  if ('missing' in r) {
    ctx.missing.add(r.missing);
    return [];
  }
  return r.entries;
}

/**
 * Defense in depth (issue 4): the region subgraph serves no personal data
 * the policy refuses this caller (`decidePersonalRead`: anonymous callers,
 * analysts), whatever the gateway planned, and before VTJ or the person
 * index is asked.
 */
function requirePersonalAccess(identity: Identity | null): asserts identity is Identity {
  const decision = decidePersonalRead(identity);
  if (!decision.allowed) throw forbiddenError(decision.reason);
}

/**
 * The policy's decision on looking `hetu` up (subgraphs/access:
 * `decideLookup`). VTJ is read only when the decision needs the subject's
 * guardians (a citizen asking for a minor); `hetu` must be well-formed.
 */
async function lookupDecision(identity: Identity, hetu: string, birthDate: string, ctx: Context, now: Date): Promise<AccessDecision> {
  const subject = { hetu, birthDate };
  const guardians = await guardiansIf(lookupNeedsGuardians(identity, subject, now), hetu, ctx);
  return decideLookup(identity, { ...subject, guardians }, now);
}

/**
 * The policy's decision on naming this person's record sources
 * (subgraphs/access: `decideCustomerRecords`). VTJ is read only when the
 * decision needs the subject's guardians (a citizen asking for a minor).
 */
async function customerRecordsDecision(identity: Identity, hetu: string, ctx: Context, now: Date): Promise<AccessDecision> {
  const guardians = await guardiansIf(customerRecordsNeedGuardians(identity, hetu, now), hetu, ctx);
  return decideCustomerRecords(identity, { hetu, guardians }, now);
}

/** VTJ's guardians of `hetu` when the policy needs them; otherwise none, and VTJ is not read. */
async function guardiansIf(needed: boolean, hetu: string, ctx: Context): Promise<readonly string[]> {
  return needed ? ((await vtjPerson({ hetu }, ctx))?.guardians ?? []) : [];
}

/**
 * VTJ's data of a customer for a BASIC or CONTACT field: the policy decides
 * from who asks and VTJ's data alone (`decideVtjGroupAt`), the decision is
 * audited, and a denial is FORBIDDEN with its reason. Null when VTJ does not
 * know the person or could not be read (then the decision fails closed:
 * turvakielto assumed, no guardian known).
 */
async function vtjGroup(c: CustomerObject, ctx: Context, group: 'BASIC' | 'CONTACT'): Promise<VtjPerson | null> {
  requirePersonalAccess(ctx.identity);
  if (!checkHetu(c.hetu).ok) return null; // only a hand-made representation carries one: nothing to read
  return (await memo(ctx.loaders.vtjReads, `${c.hetu} ${group}`, () => decideVtjRead(c.hetu, ctx, group))).person;
}

/** `make()` once per key per request; a rejection is kept too, so every field of the group gets the same error. */
function memo<V>(cache: Map<string, Promise<V>>, key: string, make: () => Promise<V>): Promise<V> {
  let p = cache.get(key);
  if (!p) {
    p = make();
    cache.set(key, p);
  }
  return p;
}

/** Reads VTJ, decides `group`, audits the decision; FORBIDDEN when denied. */
async function decideVtjRead(hetu: string, ctx: Context, group: 'BASIC' | 'CONTACT'): Promise<VtjRead> {
  const identity = ctx.identity;
  const person = await vtjPerson({ hetu }, ctx);
  const subject = subjectFromVtj(hetu, person ?? undefined);
  const decision = decideVtjGroupAt(identity, subject, group, ctx.loaders.now);
  await ctx.loaders.trail.decisions({ identity, subject }, [{ group, decision }]);
  if (!decision.allowed) throw forbiddenError(decision.reason, { dataGroup: group });
  return { person, decision };
}

/**
 * A customer's guardians or dependants: allowed with the customer's BASIC
 * data, each relative's code and name audited as a read of the relative
 * (FAMILY_RELATION) before the list leaves.
 */
async function relatives(c: CustomerObject, ctx: Context, pick: (p: VtjPerson) => readonly string[]): Promise<RelativeObject[] | null> {
  requirePersonalAccess(ctx.identity);
  if (!checkHetu(c.hetu).ok) return null;
  const { person, decision: basic } = await memo(ctx.loaders.vtjReads, `${c.hetu} BASIC`, () => decideVtjRead(c.hetu, ctx, 'BASIC'));
  if (!person) return null;
  const decision = decideRelative(basic);
  const codes = pick(person);
  await Promise.all(
    codes.map((hetu) => ctx.loaders.trail.decisions({ identity: ctx.identity, subject: { hetu } }, [{ group: 'BASIC', decision }])),
  );
  return codes.map((hetu) => ({ hetu }));
}

/** The person's records references (one per municipality holding records), or none when the policy refuses naming them; once per request. */
function references(c: CustomerObject, ctx: Context): Promise<RecordsReference[]> {
  const identity = ctx.identity;
  requirePersonalAccess(identity);
  return memo(ctx.loaders.references, c.hetu, async () => {
    // No record sources of persons whose records this caller may not have read (a citizen's of others): none is called.
    if (!(await customerRecordsDecision(identity, c.hetu, ctx, ctx.loaders.now)).allowed) return [];
    return recordsReferences(c.hetu, await entries(c, ctx));
  });
}

/** A stored audit event as the schema's DataRead, with its id (dataReadId of its position). */
function dataRead(e: AuditEvent, id: string) {
  return {
    id,
    at: formatAuditInstant(e.at.getTime()),
    action: e.action,
    readerRole: READER_ROLES[e.actorRole],
    readerName: e.actorName ?? null,
    dataGroups: e.dataGroups,
    outcome: e.outcome,
    basis: e.basis ?? null,
    reason: e.reason ?? null,
    emergency: e.emergency,
    emergencyReason: e.emergencyReason ?? null,
    lookupResult: e.lookupResult ?? null,
  };
}

/** The arguments of myDataReads and myDataReadsFhir (the same three). */
type ReadsArgs = QueryMyDataReadsArgs;

/** The resolver of each `Customer.{name}Records` field: the seven share one type (each records type maps to RecordsReference). */
type RecordsFieldResolver = NonNullable<CustomerResolvers<Context>[Extract<keyof CustomerResolvers, `${string}Records`>]>;

/** A page of the read log with the opaque cursor of each entry. */
interface ReadsPage {
  readonly entries: readonly { readonly event: AuditEvent; readonly cursor: string; readonly id: string }[];
  readonly hasNextPage: boolean;
}

function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The `next` link of a FHIR page: the GraphQL field and arguments that fetch it, as a relative URI. */
function fhirPageLink(field: string, first: number, cursor: string, includeOwn: boolean): string {
  return `${field}?first=${first}&after=${cursor}${includeOwn ? '&includeOwn=true' : ''}`;
}

/** Creates the region subgraph's Fastify app; not yet listening. */
export function createRegionSubgraph(options: RegionSubgraphOptions): FastifyInstance {
  const { vtj, locator, logger } = options;
  const clock = options.clock ?? systemClock;
  const cursors = new ReadLogCursors(options.internalKey);
  const auditSink = options.auditSink ?? options.audit;
  /**
   * The citizen's own read log (Client Data Act 703/2023 §11); citizens
   * only. Cursor paging over (time, id): entries of one millisecond are
   * neither skipped nor repeated.
   */
  const ownReads = async (args: ReadsArgs, ctx: Context): Promise<ReadsPage & { first: number }> => {
    const decision = decideOwnReadLog(ctx.identity);
    if (!decision.allowed) throw forbiddenError(decision.reason);
    const own = decision.hetu;
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > READ_LOG_MAX_PAGE) {
      throw badUserInput(
        `expected first as a whole number from 1 to ${READ_LOG_MAX_PAGE}, received ${Number.isInteger(first) ? first : 'another value'}`,
      );
    }
    let after: ReadLogPosition | undefined;
    if (args.after !== undefined && args.after !== null) {
      after = cursors.decode(own, args.after) ?? undefined;
      // The message never repeats the text sent: it could be anything.
      if (!after) throw badUserInput('expected a cursor from a previous page (endCursor or an edge cursor), received another value');
    }
    const page = await options.audit.readsOf(own, { limit: first, ...(after ? { after } : {}), excludeSelf: !args.includeOwn });
    return {
      first,
      hasNextPage: page.hasNextPage,
      entries: page.entries.map((e) => ({ event: e.event, cursor: cursors.encode(own, e.position), id: dataReadId(e.position) })),
    };
  };
  // One reference per municipality holding the person's records; null elsewhere, so the gateway calls only the holders.
  const recordsFields: Readonly<Record<string, RecordsFieldResolver>> = Object.fromEntries(
    SCHEMA_MUNICIPALITIES.map((m): [string, RecordsFieldResolver] => [
      m.customerField,
      async (c, _a, ctx) => (await references(c, ctx)).find((r) => r.municipality === m.code) ?? null,
    ]),
  );
  const stats = statisticsResolvers(options.statistics ?? { current: () => null }, clock);
  const viewer: ViewerServices = { units: options.units ?? new Map(), ...(options.unitIndex ? { unitIndex: options.unitIndex } : {}) };
  /** A page of the read log as the schema's DataReadConnection. */
  const readsConnection = (page: ReadsPage) => ({
    edges: page.entries.map((e) => ({ cursor: e.cursor, node: dataRead(e.event, e.id) })),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.entries.at(-1)?.cursor ?? null },
  });
  /** A page of the read log as a FHIR R4 Bundle; its next link names `field`. */
  const readsFhir = (page: ReadsPage & { first: number }, field: string, includeOwn: boolean) => {
    const last = page.entries.at(-1);
    // Why searchset: a page of a query of the log, with a next link (FHIR's paging); `total` is left out (it would need a count).
    return {
      resourceType: 'Bundle',
      type: 'searchset',
      timestamp: formatAuditInstant(clock.now().getTime()),
      ...(page.hasNextPage && last ? { link: [{ relation: 'next', url: fhirPageLink(field, page.first, last.cursor, includeOwn) }] } : {}),
      entry: page.entries.map((e) => ({
        fullUrl: `urn:region-graph:audit-event:${e.event.id}`,
        resource: toFhirAuditEvent(e.event),
        search: { mode: 'match' },
      })),
    };
  };
  const resolvers: Resolvers<Context> = {
    ...scalarResolvers,
    ...stats,
    ...missingSourceResolvers,
    SourceIndexStatus: {
      state: (s) => sourceIndexState(s.state),
    },
    Query: {
      ...stats.Query,
      async customer(_root, args, ctx): Promise<CustomerObject | null> {
        const check = checkHetu(args.hetu);
        if (!check.ok) {
          // The message names what is wrong with the form, never the value.
          throw new GraphQLError(
            `expected a personal identity code (DDMMYY, century sign, three digits, check character), received a value that is not one: ${check.reason}`,
            {
              extensions: { code: 'BAD_USER_INPUT' },
            },
          );
        }
        const identity = ctx.identity;
        requirePersonalAccess(identity);
        const now = clock.now();
        // A lookup tells whether the person exists: the policy decides it, before any source is read (but a minor's guardians).
        const decision = await lookupDecision(identity, args.hetu, check.info.birthDate, ctx, now);
        const audit = (result?: LookupResult) =>
          ctx.loaders.trail.events([lookupEvent({ requestId: ctx.requestId, at: now }, identity, args.hetu, decision, result)]);
        if (!decision.allowed) {
          if (auditsLookup(identity)) await audit();
          throw forbiddenError(decision.reason);
        }
        const [v, l] = await Promise.all([ctx.loaders.vtj.load(args.hetu), ctx.loaders.locate.load(args.hetu)]);
        if ('missing' in v) ctx.missing.add(v.missing);
        if ('missing' in l) ctx.missing.add(l.missing);
        // Unknown to VTJ and to every source (and nothing failed that could have known them): no customer, no error.
        const unknown = 'person' in v && v.person === null && 'entries' in l && l.entries.length === 0;
        // Written before the answer leaves; a failed write is FORBIDDEN AUDIT_UNAVAILABLE and no answer (fail closed).
        if (auditsLookup(identity)) await audit(unknown ? 'NOT_FOUND' : 'FOUND');
        return unknown ? null : { hetu: args.hetu };
      },
      municipalities: () => MUNICIPALITIES.map((m) => municipalityObject(m.code)),
      // Public, like the municipalities: labels are no one's personal data.
      codeLists: () => CODE_LIST_ENTRIES,
      sourceStatus: async () => locator.status(),
      myDataReads: async (_r, args, ctx) => readsConnection(await ownReads(args, ctx)),
      myDataReadsFhir: async (_r, args, ctx) =>
        JSON.stringify(readsFhir(await ownReads(args, ctx), 'myDataReadsFhir', args.includeOwn === true)),
      me: (_r, _a, ctx) => viewerOf(ctx.identity),
    },
    Mutation: {
      async startEmergencyAccess(_r, args, ctx) {
        const grant = await options.emergency.start({
          identity: ctx.identity,
          hetu: args.hetu,
          reason: args.reason,
          requestId: ctx.requestId,
          now: clock.now(),
        });
        logger.info({ service: 'region', requestId: ctx.requestId, grant: grant.id }, 'emergency access started');
        return {
          id: grant.id,
          hetu: grant.hetu,
          reason: grant.reason,
          startedAt: formatInstant(grant.startedAt.getTime()),
          expiresAt: formatInstant(grant.expiresAt.getTime()),
        };
      },
    },
    Customer: {
      __resolveReference: (ref, ctx): CustomerObject => {
        requirePersonalAccess(ctx.identity);
        return { hetu: ref.hetu };
      },
      // For client caches: the key stays hetu; the id is a hash of it, the same in every answer.
      id: (c) => opaqueId(`Customer:${c.hetu}`),
      birthDate: async (c, _a, ctx) => {
        await vtjGroup(c, ctx, 'BASIC');
        const check = checkHetu(c.hetu);
        return check.ok ? check.info.birthDate : null;
      },
      hetuInForce: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'BASIC'))?.hetuInForce ?? null,
      surname: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'BASIC'))?.surname ?? null,
      firstNames: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'BASIC'))?.firstNames ?? null,
      language: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'BASIC'))?.language ?? null,
      turvakielto: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'BASIC'))?.turvakielto ?? null,
      deathDate: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'BASIC'))?.deathDate ?? null,
      // Turvakielto: the policy gives CONTACT to the person themself only.
      address: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'CONTACT'))?.address ?? null,
      municipality: async (c, _a, ctx) => (await vtjGroup(c, ctx, 'CONTACT'))?.municipality ?? null,
      guardians: async (c, _a, ctx) => relatives(c, ctx, (p) => p.guardians),
      dependants: async (c, _a, ctx) => relatives(c, ctx, (p) => p.dependants),
      vtjFacts: async (c, _a, ctx) => {
        requirePersonalAccess(ctx.identity);
        const p = await vtjPerson(c, ctx);
        return p ? { guardians: p.guardians, turvakielto: p.turvakielto } : null;
      },
      vtjDependants: async (c, _a, ctx) => {
        requirePersonalAccess(ctx.identity);
        return ((await vtjPerson(c, ctx))?.dependants ?? []).map((hetu) => ({ hetu }));
      },
      regionMissingSources: async (c, _a, ctx): Promise<MissingSource[]> => {
        requirePersonalAccess(ctx.identity);
        const [v, l] = await Promise.all([ctx.loaders.vtj.load(c.hetu), ctx.loaders.locate.load(c.hetu)]);
        return [v, l].flatMap((r) => ('missing' in r ? [r.missing] : []));
      },
      recordHolders: async (c, _a, ctx): Promise<string[]> =>
        (await references(c, ctx)).map((r) => schemaMunicipality(r.municipality).subgraph),
      ...recordsFields,
    },
    Viewer: {
      id: (v) => viewerId(v.identity),
      role: (v) => viewerRole(v.identity),
      customer: (v): CustomerObject | null => (v.identity.kind === 'citizen' ? { hetu: v.identity.hetu } : null),
      name: (v) => (v.identity.kind === 'professional' ? v.identity.name : null),
      units: (v) => (v.identity.kind === 'professional' ? v.identity.units.map((oid) => unitView(oid, viewer.units)) : []),
      unitAppointments: (v, args, ctx) => unitAppointmentsPage(viewer, v.identity, ctx.loaders.trail, args),
      clients: (v, args, ctx) => clientsPage(viewer, v.identity, ctx.loaders.trail, ctx.loaders.now, args),
      dataReads: async (_v, args, ctx) => readsConnection(await ownReads(args, ctx)),
      dataReadsFhir: async (_v, args, ctx) => readsFhir(await ownReads(args, ctx), 'me.dataReadsFhir', args.includeOwn === true),
    },
    UnitAppointment: {
      __resolveReference: () => {
        // Never planned: the region answers a unit appointment's own fields where it lists them (me.unitAppointments).
        throw new GraphQLError('expected a unit appointment from me.unitAppointments, received a reference', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      },
      customer: (a): CustomerObject => ({ hetu: a.hetu }),
    },
    Relative: {
      surname: async (r, _a, ctx) => (await vtjPerson(r, ctx))?.surname ?? null,
      firstNames: async (r, _a, ctx) => (await vtjPerson(r, ctx))?.firstNames ?? null,
      customer: (r): CustomerObject => ({ hetu: r.hetu }),
    },
  };
  const schema = buildTypedSubgraphSchema(parse(regionSubgraphSdl()), resolvers);
  return createSubgraphServer({
    name: 'region',
    schema,
    logger,
    createLoaders: ({ identity, requestId }) => {
      const now = clock.now();
      return createLoaders(
        vtj,
        locator,
        logger,
        new RequestAudit(auditSink, { requestId, at: now }),
        now,
        options.vtjReadCache ? { cache: options.vtjReadCache, scope: operationScope(requestId, identity) } : undefined,
        identity ? { userId: identity.sub, issue: requestId } : undefined,
      );
    },
    internalKey: options.internalKey,
  });
}
