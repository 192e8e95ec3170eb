/**
 * The lists subgraph: the region-wide record lists of a Customer merged from
 * the records of every municipality holding the person, which the gateway
 * passes in through @requires (only the kinds a field needs, as canonical
 * JSON), the record index (missing sources) and the fee ceiling; each
 * decided by the policy engine and audited before it leaves (access.ts). It
 * calls no source itself.
 */
import { unitByName } from './unitRegister.ts';
import type { UnitRegister } from './unitRegister.ts';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse, responsePathAsArray } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { EmergencyGrant, GroupRecord, RecordGroup } from '../access/policy.ts';
import { operationScope } from '../server/readCache.ts';
import type { OperationReadCache } from '../server/readCache.ts';
import { LISTS_FIELD_KINDS } from '../../schema/sdl.ts';
import type { RecordListField } from '../../schema/model.ts';
import type { AuditSink } from '../audit/store.ts';
import type { EmergencyAccessStore } from '../audit/emergency.ts';
import type { SubgraphContext } from '../server/server.ts';
import { RequestAccess } from './access.ts';
import { systemClock } from '../../domain/time.ts';
import type { Clock } from '../../domain/time.ts';
import { listsSubgraphSdl } from '../../schema/sdl.ts';
import type { Logger } from '../server/logger.ts';
import { RecordListScalar, scalarResolvers } from '../server/scalars.ts';
import type { InternalKey } from '../../contract/internalToken.ts';
import { createSubgraphServer } from '../server/server.ts';
import { valueResolvers } from '../server/valueResolvers.ts';
import { termResolvers } from './labels.ts';
import { combineResolvers } from '../server/combineResolvers.ts';
import { buildTypedSubgraphSchema } from '../server/subgraphSchema.ts';
import type {
  CustomerAppointmentsArgs,
  CustomerConsentsArgs,
  CustomerCustomershipsArgs,
  CustomerFeesArgs,
  CustomerPlansArgs,
  Resolvers,
} from '../generated/listsResolvers.ts';
import { feeCeiling, FEE_CEILINGS, UnknownCeilingYearError } from './ceiling.ts';
import { mergeAppointments, mergeConsents, mergeCustomerships, mergeDecisions, mergeFees, mergeMissing, mergePlans } from './merge.ts';
import type { CustomerRepresentation, GatheredRecords } from './representation.ts';
import type { CeilingFeeObject, FeeCeilingObject } from './parents.ts';
import { paginate, sortByKey } from '../server/connection.ts';
import type { Connection, SortKey } from '../server/connection.ts';
import { recordId } from '../server/ids.ts';
import type { Provenance } from '../../domain/model.ts';
import { parseInstant } from '../../domain/time.ts';

/** The record kinds each group's field requires: the table the SDL's @requires is written from. */
const KINDS_OF: Readonly<Record<RecordGroup | 'RECORD_INDEX', readonly RecordListField[]>> = {
  APPOINTMENTS: LISTS_FIELD_KINDS.appointments,
  CUSTOMERSHIPS: LISTS_FIELD_KINDS.customerships,
  DECISIONS: LISTS_FIELD_KINDS.decisions,
  PLANS: LISTS_FIELD_KINDS.plans,
  FEES: LISTS_FIELD_KINDS.fees,
  CONSENTS: LISTS_FIELD_KINDS.consents,
  RECORD_INDEX: LISTS_FIELD_KINDS.missingSources,
};

export interface ListsSubgraphOptions {
  readonly logger: Logger;
  /** "Now" for `appointments(upcoming: true)` and every access decision. */
  readonly clock?: Clock;
  /** Fee ceilings in cents by year; default region.md's. */
  readonly ceilings?: Readonly<Record<number, number>>;
  /** The key of the gateway's internal tokens (contract/internalToken.ts). */
  readonly internalKey: InternalKey;
  /** The audit log: every personal read is written here before it leaves (the AuditStore of the person index's database). */
  readonly audit: AuditSink;
  /** Emergency grants the policy consults; absent: none. */
  readonly emergency?: Pick<EmergencyAccessStore, 'grantsFor'>;
  /** The organisation register's unit names (Unit.nameFi, Unit.nameSv); absent: none known. */
  readonly units?: UnitRegister;
  /**
   * Emergency grants of one gateway operation (subgraphs/server/readCache.ts):
   * the plan of one operation may call this subgraph several times (one call
   * per distinct record requirement), each needing the same grants; absent:
   * each request asks the database.
   */
  readonly grantsCache?: OperationReadCache<EmergencyGrant[]>;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

type Context = SubgraphContext<RequestAccess>;

/** The filters of each list, as its old field and its connection take them. */
interface CustomerListArgs {
  readonly appointments: Omit<CustomerAppointmentsArgs, 'first'>;
  readonly customerships: CustomerCustomershipsArgs;
  readonly plans: CustomerPlansArgs;
  readonly fees: CustomerFeesArgs;
  readonly consents: CustomerConsentsArgs;
}

/** Filters a record list with the policy; denied records become errors at the field's path, the allowed ones are served. */
async function allowedRecords<G extends RecordGroup>(
  c: CustomerRepresentation,
  ctx: Context,
  info: GraphQLResolveInfo,
  group: G,
  items: (records: GatheredRecords) => GroupRecord[G][],
): Promise<GroupRecord[G][]> {
  const person = await ctx.loaders.person(c, KINDS_OF[group]);
  const { allowed, errors } = await ctx.loaders.filter(person, group, items(person.records), responsePathAsArray(info.path));
  ctx.accessErrors.push(...errors);
  return allowed;
}

/** The arguments every connection field takes. */
interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/**
 * One page of a record list: ordered by `sortKey` then the record's stable
 * id (so ties have one order, and a cursor names a position that outlives
 * inserts), ascending unless `descending`. `totalCount`: the whole list.
 */
function recordPage<T extends { readonly source: Provenance }>(
  type: string,
  items: readonly T[],
  sortKey: (item: T) => string | number,
  args: PageArgs,
  descending = false,
): Connection<T> {
  const keys = new Map<T, SortKey>();
  const keyOf = (item: T): SortKey => {
    let key = keys.get(item);
    if (!key) keys.set(item, (key = [sortKey(item), recordId(type, item.source)]));
    return key;
  };
  return paginate(sortByKey(items, keyOf, descending), keyOf, args, { descending });
}

/**
 * One page of a ceiling's counted fees, in the ceiling's own order (by date,
 * then as the running sum adds them) so every running total reads on from
 * the one before: the key is the date, the running sum, then the fee's id.
 * The running sum only grows (fees are not negative), so this key follows
 * that order; sortByKey keeps it so even if it did not.
 */
function countedFeesPage(counted: readonly CeilingFeeObject[], args: PageArgs): Connection<CeilingFeeObject> {
  const keyOf = (c: CeilingFeeObject): SortKey => [c.fee.date, c.runningTotalCents, recordId('Fee', c.fee.source)];
  return paginate(sortByKey(counted, keyOf), keyOf, args);
}

/**
 * Creates the lists subgraph's Fastify app; not yet listening: the record
 * lists, the record index and the fee ceiling of Customer, each through the
 * policy engine and the audit log.
 */
export function createListsSubgraph(options: ListsSubgraphOptions): FastifyInstance {
  const clock = options.clock ?? systemClock;
  const ceilings = options.ceilings ?? FEE_CEILINGS;
  const services = { audit: options.audit, clock, ...(options.emergency ? { emergency: options.emergency } : {}) };

  const units: UnitRegister = options.units ?? new Map();
  type ListArgs<K extends keyof CustomerListArgs> = CustomerListArgs[K];
  // Each list once, for the old field and its connection: merged, filtered, decided by the policy (denied: errors at the field's path).
  const lists = {
    appointments: (c: CustomerRepresentation, args: ListArgs<'appointments'>, ctx: Context, info: GraphQLResolveInfo) =>
      allowedRecords(c, ctx, info, 'APPOINTMENTS', (records) =>
        mergeAppointments([records.appointments], {
          ...(args.from != null ? { from: args.from } : {}),
          ...(args.to != null ? { to: args.to } : {}),
          ...(args.upcoming ? { notBefore: clock.now().getTime() } : {}),
          ...(args.status != null ? { status: args.status } : {}),
          ...(args.careArea != null ? { careArea: args.careArea } : {}),
          ...(args.order != null ? { order: args.order } : {}),
        }),
      ),
    customerships: (c: CustomerRepresentation, args: ListArgs<'customerships'>, ctx: Context, info: GraphQLResolveInfo) =>
      allowedRecords(c, ctx, info, 'CUSTOMERSHIPS', (records) =>
        mergeCustomerships([records.customerships], {
          ...(args.serviceTask != null ? { serviceTask: args.serviceTask } : {}),
          ...(args.open != null ? { open: args.open } : {}),
        }),
      ),
    decisions: (c: CustomerRepresentation, ctx: Context, info: GraphQLResolveInfo) =>
      allowedRecords(c, ctx, info, 'DECISIONS', (records) => mergeDecisions([records.decisions])),
    plans: (c: CustomerRepresentation, args: ListArgs<'plans'>, ctx: Context, info: GraphQLResolveInfo) =>
      allowedRecords(c, ctx, info, 'PLANS', (records) =>
        mergePlans([records.plans], args.careArea != null ? { careArea: args.careArea } : {}),
      ),
    fees: (c: CustomerRepresentation, args: ListArgs<'fees'>, ctx: Context, info: GraphQLResolveInfo) =>
      allowedRecords(c, ctx, info, 'FEES', (records) =>
        mergeFees([records.fees], {
          ...(args.year != null ? { year: args.year } : {}),
          ...(args.status != null ? { status: args.status } : {}),
        }),
      ),
    consents: (c: CustomerRepresentation, args: ListArgs<'consents'>, ctx: Context, info: GraphQLResolveInfo) =>
      allowedRecords(c, ctx, info, 'CONSENTS', (records) =>
        mergeConsents([records.consents], args.inForce != null ? { inForce: args.inForce } : {}),
      ),
  };
  const registerResolvers: Pick<Resolvers<Context>, 'Unit' | 'Customership'> = {
    // The sources name a unit in one language; the organisation register names it in both.
    Unit: {
      nameFi: (u) => (u.oid ? (units.get(u.oid)?.nameFi ?? null) : null),
      nameSv: (u) => (u.oid ? (units.get(u.oid)?.nameSv ?? null) : null),
    },
    // The social care systems name a customership's unit by its (Finnish) name only: the register gives its OID.
    Customership: {
      unit: (c) => {
        if (c.unit === undefined) return null;
        const registered = unitByName(units, c.unit);
        return registered ? { oid: registered.oid, name: c.unit } : { name: c.unit };
      },
    },
  };
  const resolvers: Resolvers<Context> = {
    ...scalarResolvers,
    RecordList: RecordListScalar,
    // Ids from provenance, the Swedish of the names the sources write in Finnish only (the region's term list),
    // and units from the organisation register: several maps resolve fields of one type, so they are combined.
    ...combineResolvers(combineResolvers(valueResolvers, termResolvers), registerResolvers),
    Customer: {
      __resolveReference: (rep) => rep,
      async appointments(c, args, ctx, info) {
        if (args.first != null && args.first < 0) throw badInput(`expected first as 0 or more, received ${args.first}`);
        const allowed = await lists.appointments(c, args, ctx, info);
        return args.first != null ? allowed.slice(0, args.first) : allowed;
      },
      customerships: async (c, args, ctx, info) => lists.customerships(c, args, ctx, info),
      decisions: async (c, _a, ctx, info) => lists.decisions(c, ctx, info),
      plans: async (c, args, ctx, info) => lists.plans(c, args, ctx, info),
      fees: async (c, args, ctx, info) => lists.fees(c, args, ctx, info),
      consents: async (c, args, ctx, info) => lists.consents(c, args, ctx, info),
      // The same lists paged (Relay connections); instants compare by the moment, not the text.
      appointmentsConnection: async (c, args, ctx, info) =>
        recordPage('Appointment', await lists.appointments(c, args, ctx, info), (a) => parseInstant(a.start), args, args.order === 'DESC'),
      customershipsConnection: async (c, args, ctx, info) =>
        recordPage('Customership', await lists.customerships(c, args, ctx, info), (x) => x.startDate, args),
      decisionsConnection: async (c, args, ctx, info) =>
        recordPage('Decision', await lists.decisions(c, ctx, info), (d) => d.decisionDate, args),
      plansConnection: async (c, args, ctx, info) => recordPage('Plan', await lists.plans(c, args, ctx, info), (p) => p.startDate, args),
      feesConnection: async (c, args, ctx, info) => recordPage('Fee', await lists.fees(c, args, ctx, info), (f) => f.date, args),
      consentsConnection: async (c, args, ctx, info) =>
        recordPage('Consent', await lists.consents(c, args, ctx, info), (x) => x.givenOn, args),
      // Which sources hold (or failed to give) the person's records tells where they are a client: the record index.
      async missingSources(c, _args, ctx) {
        const person = await ctx.loaders.person(c, KINDS_OF.RECORD_INDEX);
        await ctx.loaders.requireGroup(person, 'RECORD_INDEX');
        return mergeMissing([person.records.missingSources]);
      },
      async feeCeiling(c, args, ctx, info): Promise<FeeCeilingObject> {
        const path = responsePathAsArray(info.path);
        const person = await ctx.loaders.person(c, LISTS_FIELD_KINDS.feeCeiling);
        // The whole ceiling needs the FEES group; then only the fees this reader may see are counted.
        await ctx.loaders.requireGroup(person, 'FEES');
        const own = await ctx.loaders.filter(person, 'FEES', person.records.fees, path);
        ctx.accessErrors.push(...own.errors);
        const dependants = [];
        for (const d of c.vtjDependants ?? []) {
          const dp = await ctx.loaders.person(d, LISTS_FIELD_KINDS.feeCeiling);
          const f = await ctx.loaders.filter(dp, 'FEES', dp.records.fees, path);
          dependants.push({ d, fees: f.allowed, errors: f.errors, missing: dp.records.missingSources });
        }
        let result;
        try {
          result = feeCeiling(
            { hetu: c.hetu, guardians: c.vtjFacts?.guardians ?? [], fees: own.allowed },
            dependants.map(({ d, fees }) => ({ hetu: d.hetu, guardians: d.vtjFacts?.guardians ?? [], fees })),
            args.year,
            ceilings,
          );
        } catch (err) {
          if (err instanceof UnknownCeilingYearError) throw badInput(err.message);
          throw err;
        }
        // Only the dependants whose fees are counted can make this sum incomplete (or hide fees from it).
        const counted = new Set(result.includesDependants);
        for (const x of dependants) if (counted.has(x.d.hetu)) ctx.accessErrors.push(...x.errors);
        const missingSources = mergeMissing([
          person.records.missingSources,
          ...dependants.filter(({ d }) => counted.has(d.hetu)).map((x) => x.missing),
        ]);
        return {
          year: result.year,
          ceilingCents: result.ceilingCents,
          accruedCents: result.accruedCents,
          reached: result.reached,
          reachedOn: result.reachedOn ?? null,
          feesAfterCeiling: result.feesAfterCeiling,
          countedFees: result.countedFees.map((f) => ({ fee: f.fee, customer: { hetu: f.hetu }, runningTotalCents: f.runningTotalCents })),
          includesDependants: result.includesDependants.map((hetu) => ({ hetu })),
          minorFeesCountTowards: result.minorFeesCountTowards ? { hetu: result.minorFeesCountTowards } : null,
          missingSources,
          complete: missingSources.length === 0,
        };
      },
    },
    FeeCeilingStatus: {
      countedFeesConnection: (status, args) => countedFeesPage(status.countedFees, args),
    },
    UnitAppointment: {
      __resolveReference: (rep) => rep,
      /**
       * The appointment the unit index located (me.unitAppointments), picked
       * from the customer's records by its id and decided alone through the
       * policy and the audit log, as Customer.appointments decides each; null
       * when the source no longer has it, or when denied (with the FORBIDDEN error).
       */
      async appointment(ua, _args, ctx, info) {
        if (!ua.customer) return null;
        const person = await ctx.loaders.person(ua.customer, KINDS_OF.APPOINTMENTS);
        const found = person.records.appointments.find((a) => recordId('UnitAppointment', a.source) === ua.id);
        if (!found) return null;
        const { allowed, errors } = await ctx.loaders.filter(person, 'APPOINTMENTS', [found], responsePathAsArray(info.path));
        ctx.accessErrors.push(...errors);
        return allowed[0] ?? null;
      },
    },
  };
  const schema = buildTypedSubgraphSchema(parse(listsSubgraphSdl()), resolvers);
  return createSubgraphServer({
    name: 'lists',
    schema,
    logger: options.logger,
    createLoaders: ({ identity, requestId }) =>
      new RequestAccess(
        services,
        identity,
        requestId,
        options.grantsCache ? { cache: options.grantsCache, scope: operationScope(requestId, identity) } : undefined,
      ),
    internalKey: options.internalKey,
  });
}
