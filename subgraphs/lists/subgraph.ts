/**
 * The lists subgraph: region-wide lists on Customer, merged from every
 * municipality's records the gateway passes in through @requires, plus the
 * region-wide fee ceiling. It calls no source itself.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { FastifyInstance } from 'fastify';
import { GraphQLError, parse } from 'graphql';
import type { AppointmentStatus, CareArea, FeeStatus, ServiceTask } from '../../adapters/core/model.ts';
import { systemClock } from '../../adapters/core/time.ts';
import type { Clock } from '../../adapters/core/time.ts';
import { listsSubgraphSdl } from '../../schema/sdl.ts';
import type { Logger } from '../shared/logger.ts';
import { scalarResolvers } from '../shared/scalars.ts';
import type { InternalKey } from '../shared/internalToken.ts';
import { createSubgraphServer } from '../shared/server.ts';
import { valueResolvers } from '../shared/valueResolvers.ts';
import { feeCeiling, FEE_CEILINGS, UnknownCeilingYearError } from './ceiling.ts';
import { mergeAppointments, mergeConsents, mergeCustomerships, mergeDecisions, mergeFees, mergeMissing, mergePlans } from './merge.ts';
import { gatherRecords } from './representation.ts';
import type { CustomerRepresentation } from './representation.ts';

export interface ListsSubgraphOptions {
  readonly logger: Logger;
  /** "Now" for `appointments(upcoming: true)`. */
  readonly clock?: Clock;
  /** Fee ceilings in cents by year; default region.md's. */
  readonly ceilings?: Readonly<Record<number, number>>;
  /** The key of the gateway's internal tokens (subgraphs/shared/internalToken.ts). */
  readonly internalKey: InternalKey;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Creates the lists subgraph's Fastify app; not yet listening. */
export function createListsSubgraph(options: ListsSubgraphOptions): FastifyInstance {
  const clock = options.clock ?? systemClock;
  const ceilings = options.ceilings ?? FEE_CEILINGS;
  const gather = (c: CustomerRepresentation) => gatherRecords(c);

  const resolvers = {
    ...scalarResolvers,
    ...valueResolvers,
    Customer: {
      __resolveReference: (rep: CustomerRepresentation) => rep,
      appointments(
        c: CustomerRepresentation,
        args: { from?: string; to?: string; upcoming?: boolean; status?: AppointmentStatus[]; careArea?: CareArea[]; order?: 'ASC' | 'DESC'; first?: number },
      ) {
        if (args.first != null && args.first < 0) throw badInput(`expected first as 0 or more, received ${args.first}`);
        return mergeAppointments(gather(c).appointments, {
          ...(args.from != null ? { from: args.from } : {}),
          ...(args.to != null ? { to: args.to } : {}),
          ...(args.upcoming ? { notBefore: clock.now().getTime() } : {}),
          ...(args.status != null ? { status: args.status } : {}),
          ...(args.careArea != null ? { careArea: args.careArea } : {}),
          ...(args.order != null ? { order: args.order } : {}),
          ...(args.first != null ? { first: args.first } : {}),
        });
      },
      customerships: (c: CustomerRepresentation, args: { serviceTask?: ServiceTask[]; open?: boolean }) =>
        mergeCustomerships(gather(c).customerships, {
          ...(args.serviceTask != null ? { serviceTask: args.serviceTask } : {}),
          ...(args.open != null ? { open: args.open } : {}),
        }),
      decisions: (c: CustomerRepresentation) => mergeDecisions(gather(c).decisions),
      plans: (c: CustomerRepresentation, args: { careArea?: CareArea[] }) => mergePlans(gather(c).plans, args.careArea != null ? { careArea: args.careArea } : {}),
      fees: (c: CustomerRepresentation, args: { year?: number; status?: FeeStatus[] }) =>
        mergeFees(gather(c).fees, { ...(args.year != null ? { year: args.year } : {}), ...(args.status != null ? { status: args.status } : {}) }),
      consents: (c: CustomerRepresentation, args: { inForce?: boolean }) => mergeConsents(gather(c).consents, args.inForce != null ? { inForce: args.inForce } : {}),
      missingSources: (c: CustomerRepresentation) => mergeMissing([gather(c).missingSources]),
      feeCeiling(c: CustomerRepresentation, args: { year: number }) {
        const own = gather(c);
        const dependants = (c.dependants ?? []).map((d) => ({ d, records: gatherRecords(d, ['fees']) }));
        let result;
        try {
          result = feeCeiling(
            { hetu: c.hetu, guardians: (c.guardians ?? []).map((g) => g.hetu), fees: own.fees.flat() },
            dependants.map(({ d, records }) => ({ hetu: d.hetu, guardians: (d.guardians ?? []).map((g) => g.hetu), fees: records.fees.flat() })),
            args.year,
            ceilings,
          );
        } catch (err) {
          if (err instanceof UnknownCeilingYearError) throw badInput(err.message);
          throw err;
        }
        // Only the dependants whose fees are counted can make this sum incomplete.
        const counted = new Set(result.includesDependants);
        const missingSources = mergeMissing([own.missingSources, ...dependants.filter(({ d }) => counted.has(d.hetu)).map(({ records }) => records.missingSources)]);
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
  return createSubgraphServer({ name: 'lists', schema, logger: options.logger, createLoaders: () => undefined, internalKey: options.internalKey });
}
