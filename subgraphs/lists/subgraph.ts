/**
 * The lists subgraph, the region graph's ACCESS POINT: every client-facing
 * personal field of Customer (VTJ basic data, contact details, the
 * region-wide lists merged from every municipality's records the gateway
 * passes in through @requires, the fee ceiling, missing sources), each
 * decided by the policy engine and audited before it leaves (access.ts). It
 * calls no source itself.
 */
import type { UnitRegister } from './unitRegister.ts';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse, responsePathAsArray } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { checkHetu } from '../../domain/hetu.ts';
import type { GroupRecord, RecordGroup } from '../access/policy.ts';
import type { AuditSink } from '../audit/store.ts';
import type { EmergencyAccessStore } from '../audit/emergency.ts';
import type { SubgraphContext } from '../server/server.ts';
import { RequestAccess } from './access.ts';
import type { PersonAccess } from './access.ts';
import type { AppointmentStatus, CareArea, FeeStatus, ServiceTask } from '../../domain/model.ts';
import { systemClock } from '../../domain/time.ts';
import type { Clock } from '../../domain/time.ts';
import { listsSubgraphSdl } from '../../schema/sdl.ts';
import type { Logger } from '../server/logger.ts';
import { scalarResolvers } from '../server/scalars.ts';
import type { InternalKey } from '../../contract/internalToken.ts';
import { createSubgraphServer } from '../server/server.ts';
import { valueResolvers } from '../server/valueResolvers.ts';
import { feeCeiling, FEE_CEILINGS, UnknownCeilingYearError } from './ceiling.ts';
import { mergeAppointments, mergeConsents, mergeCustomerships, mergeDecisions, mergeFees, mergeMissing, mergePlans } from './merge.ts';
import type { CustomerRepresentation } from './representation.ts';

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
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

type Context = SubgraphContext<RequestAccess>;

/** A BASIC or CONTACT field: decided and audited as a group, then picked from VTJ's data. */
function groupField<T>(group: 'BASIC' | 'CONTACT' | 'RECORD_INDEX', pick: (c: CustomerRepresentation, person: PersonAccess) => T) {
  return async (c: CustomerRepresentation, _args: unknown, ctx: Context): Promise<T> => {
    const person = await ctx.loaders.person(c);
    await ctx.loaders.requireGroup(person, group);
    return pick(c, person);
  };
}

/** Filters a record list with the policy; denied records become errors at the field's path, the allowed ones are served. */
async function allowedRecords<G extends RecordGroup>(
  c: CustomerRepresentation,
  ctx: Context,
  info: GraphQLResolveInfo,
  group: G,
  items: GroupRecord[G][],
): Promise<GroupRecord[G][]> {
  const person = await ctx.loaders.person(c);
  const { allowed, errors } = await ctx.loaders.filter(person, group, items, responsePathAsArray(info.path));
  ctx.accessErrors.push(...errors);
  return allowed;
}

/**
 * Creates the lists subgraph's Fastify app; not yet listening. It is the
 * access point of the region graph: every personal field of Customer is
 * served here, through the policy engine and the audit log.
 */
export function createListsSubgraph(options: ListsSubgraphOptions): FastifyInstance {
  const clock = options.clock ?? systemClock;
  const ceilings = options.ceilings ?? FEE_CEILINGS;
  const services = { audit: options.audit, clock, ...(options.emergency ? { emergency: options.emergency } : {}) };
  const records = async (c: CustomerRepresentation, ctx: Context) => (await ctx.loaders.person(c)).gathered;
  const vtj = (c: CustomerRepresentation) => c.vtj ?? null;

  const units = options.units ?? new Map();
  const resolvers = {
    ...scalarResolvers,
    ...valueResolvers,
    // The sources name a unit in one language; the organisation register names it in both.
    Unit: {
      nameFi: (u: { oid?: string | null }) => (u.oid ? (units.get(u.oid)?.nameFi ?? null) : null),
      nameSv: (u: { oid?: string | null }) => (u.oid ? (units.get(u.oid)?.nameSv ?? null) : null),
    },
    Customer: {
      __resolveReference: (rep: CustomerRepresentation) => rep,
      birthDate: groupField('BASIC', (c) => {
        const check = checkHetu(c.hetu);
        return check.ok ? check.info.birthDate : null;
      }),
      hetuInForce: groupField('BASIC', (c) => vtj(c)?.hetuInForce ?? null),
      surname: groupField('BASIC', (c) => vtj(c)?.surname ?? null),
      firstNames: groupField('BASIC', (c) => vtj(c)?.firstNames ?? null),
      language: groupField('BASIC', (c) => vtj(c)?.language ?? null),
      turvakielto: groupField('BASIC', (c) => vtj(c)?.turvakielto ?? null),
      deathDate: groupField('BASIC', (c) => vtj(c)?.deathDate ?? null),
      guardians: groupField('BASIC', (c) => (vtj(c)?.guardians ?? []).map((hetu) => ({ hetu }))),
      dependants: groupField('BASIC', (c) => (vtj(c)?.dependants ?? []).map((hetu) => ({ hetu }))),
      // Turvakielto: the policy gives CONTACT only to the person and professionals with a care relation.
      address: groupField('CONTACT', (c) => vtj(c)?.address ?? null),
      municipality: groupField('CONTACT', (c) => vtj(c)?.municipality ?? null),
      async appointments(
        c: CustomerRepresentation,
        args: {
          from?: string;
          to?: string;
          upcoming?: boolean;
          status?: AppointmentStatus[];
          careArea?: CareArea[];
          order?: 'ASC' | 'DESC';
          first?: number;
        },
        ctx: Context,
        info: GraphQLResolveInfo,
      ) {
        if (args.first != null && args.first < 0) throw badInput(`expected first as 0 or more, received ${args.first}`);
        const candidates = mergeAppointments((await records(c, ctx)).appointments, {
          ...(args.from != null ? { from: args.from } : {}),
          ...(args.to != null ? { to: args.to } : {}),
          ...(args.upcoming ? { notBefore: clock.now().getTime() } : {}),
          ...(args.status != null ? { status: args.status } : {}),
          ...(args.careArea != null ? { careArea: args.careArea } : {}),
          ...(args.order != null ? { order: args.order } : {}),
        });
        const allowed = await allowedRecords(c, ctx, info, 'APPOINTMENTS', candidates);
        return args.first != null ? allowed.slice(0, args.first) : allowed;
      },
      customerships: async (
        c: CustomerRepresentation,
        args: { serviceTask?: ServiceTask[]; open?: boolean },
        ctx: Context,
        info: GraphQLResolveInfo,
      ) =>
        allowedRecords(
          c,
          ctx,
          info,
          'CUSTOMERSHIPS',
          mergeCustomerships((await records(c, ctx)).customerships, {
            ...(args.serviceTask != null ? { serviceTask: args.serviceTask } : {}),
            ...(args.open != null ? { open: args.open } : {}),
          }),
        ),
      decisions: async (c: CustomerRepresentation, _a: unknown, ctx: Context, info: GraphQLResolveInfo) =>
        allowedRecords(c, ctx, info, 'DECISIONS', mergeDecisions((await records(c, ctx)).decisions)),
      plans: async (c: CustomerRepresentation, args: { careArea?: CareArea[] }, ctx: Context, info: GraphQLResolveInfo) =>
        allowedRecords(
          c,
          ctx,
          info,
          'PLANS',
          mergePlans((await records(c, ctx)).plans, args.careArea != null ? { careArea: args.careArea } : {}),
        ),
      fees: async (c: CustomerRepresentation, args: { year?: number; status?: FeeStatus[] }, ctx: Context, info: GraphQLResolveInfo) =>
        allowedRecords(
          c,
          ctx,
          info,
          'FEES',
          mergeFees((await records(c, ctx)).fees, {
            ...(args.year != null ? { year: args.year } : {}),
            ...(args.status != null ? { status: args.status } : {}),
          }),
        ),
      consents: async (c: CustomerRepresentation, args: { inForce?: boolean }, ctx: Context, info: GraphQLResolveInfo) =>
        allowedRecords(
          c,
          ctx,
          info,
          'CONSENTS',
          mergeConsents((await records(c, ctx)).consents, args.inForce != null ? { inForce: args.inForce } : {}),
        ),
      // Which sources hold (or failed to give) the person's records tells where they are a client: the record index.
      missingSources: groupField('RECORD_INDEX', (_c, person) => mergeMissing([person.gathered.missingSources])),
      async feeCeiling(c: CustomerRepresentation, args: { year: number }, ctx: Context, info: GraphQLResolveInfo) {
        const path = responsePathAsArray(info.path);
        const person = await ctx.loaders.person(c);
        // The whole ceiling needs the FEES group; then only the fees this reader may see are counted.
        await ctx.loaders.requireGroup(person, 'FEES');
        const own = await ctx.loaders.filter(person, 'FEES', person.records.fees, path);
        ctx.accessErrors.push(...own.errors);
        const dependants = [];
        for (const d of c.vtjDependants ?? []) {
          const dp = await ctx.loaders.person(d, ['fees']);
          const f = await ctx.loaders.filter(dp, 'FEES', dp.records.fees, path);
          dependants.push({ d, fees: f.allowed, errors: f.errors, missing: dp.gathered.missingSources });
        }
        let result;
        try {
          result = feeCeiling(
            { hetu: c.hetu, guardians: c.vtj?.guardians ?? [], fees: own.allowed },
            dependants.map(({ d, fees }) => ({ hetu: d.hetu, guardians: d.vtj?.guardians ?? [], fees })),
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
          person.gathered.missingSources,
          ...dependants.filter(({ d }) => counted.has(d.hetu)).map((x) => x.missing),
        ]);
        return {
          ...result,
          reachedOn: result.reachedOn ?? null,
          countedFees: result.countedFees.map((f) => ({ fee: f.fee, customer: { hetu: f.hetu }, runningTotalCents: f.runningTotalCents })),
          includesDependants: result.includesDependants.map((hetu) => ({ hetu })),
          minorFeesCountTowards: result.minorFeesCountTowards ? { hetu: result.minorFeesCountTowards } : null,
          missingSources,
          complete: missingSources.length === 0,
        };
      },
    },
  };
  const schema = buildSubgraphSchema({ typeDefs: parse(listsSubgraphSdl()), resolvers: resolvers as never });
  return createSubgraphServer({
    name: 'lists',
    schema,
    logger: options.logger,
    createLoaders: ({ identity, requestId }) => new RequestAccess(services, identity, requestId),
    internalKey: options.internalKey,
  });
}
