/**
 * Resolvers of the analysts' statistics (Query.statistics and its types),
 * for the region subgraph (mercurius / @apollo/subgraph). Who may ask is the
 * policy's `aggregateAccess` (analysts only: anyone else FORBIDDEN
 * ROLE_NOT_PERMITTED, an anonymous caller UNAUTHENTICATED NOT_AUTHENTICATED); the
 * service is not touched for them.
 */
import { GraphQLError } from 'graphql';
import type { MunicipalityCode } from '../../../domain/region.ts';
import { forbiddenError } from '../../access/errors.ts';
import { aggregateAccess } from '../../access/policy.ts';
import type { PublishedCount } from '../../access/aggregates.ts';
import type { Identity } from '../../../contract/identity.ts';
import type { RequestContext } from '../../server/context.ts';
import { missingSourceCode, municipalityObject } from '../../server/valueResolvers.ts';
import type { QueryStatisticsArgs, Resolvers } from '../../generated/regionResolvers.ts';
import type { StatisticsObject } from './parents.ts';
import { systemClock } from '../../../domain/time.ts';
import type { Clock } from '../../../domain/time.ts';
import { select } from './publish.ts';
import type { ServedStatistics, StatisticsFilter } from './publish.ts';

/**
 * What the resolvers need: the statistics as last published (on the leader
 * its own, on the other replicas what it stored; subgraphs/region/work.ts).
 */
export interface StatisticsSource {
  current(): ServedStatistics | null;
}

/** What the statistics resolvers read of the context: who is asking (any subgraph's context has it). */
export type StatisticsContext = Pick<RequestContext<unknown>, 'identity'>;

/** The region subgraph's resolvers the statistics fill in, typed from the region SDL (subgraphs/generated/regionResolvers.ts). */
export type StatisticsResolvers = Required<
  Pick<
    Resolvers<StatisticsContext>,
    | 'Query'
    | 'RegionStatistics'
    | 'StatisticsSourceCurrency'
    | 'StatisticsUnavailableSource'
    | 'ClientCount'
    | 'CustomershipCount'
    | 'AppointmentCount'
    | 'MultiAreaClientCount'
  >
>;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Throws the policy's denial (`aggregateAccess`: analysts only) as FORBIDDEN with its reason; an analyst passes. */
export function requireAnalyst(identity: Identity | null | undefined): void {
  const decision = aggregateAccess(identity ?? null);
  if (!decision.allowed) throw forbiddenError(decision.reason);
}

/** The filter of the arguments; their form (MunicipalityCode, YearMonth) the scalars have checked already. */
function filterOf(args: QueryStatisticsArgs): StatisticsFilter {
  const f: { -readonly [K in keyof StatisticsFilter]: StatisticsFilter[K] } = {};
  // The MunicipalityCode scalar lets only the region's codes through.
  if (args.municipality != null) f.municipality = args.municipality as MunicipalityCode;
  if (args.careArea != null) f.careArea = args.careArea;
  if (args.serviceTask != null) f.serviceTask = args.serviceTask;
  if (args.fromMonth != null) f.fromMonth = args.fromMonth;
  if (args.toMonth != null) f.toMonth = args.toMonth;
  if (f.fromMonth && f.toMonth && f.fromMonth > f.toMonth) throw badInput('expected fromMonth no later than toMonth, received a later one');
  return f;
}

/** The fields every count cell resolves (the others are the cell's own). */
const cell = {
  municipality: (c: { readonly municipality: string }) => municipalityObject(c.municipality),
  count: (c: PublishedCount) => c.value,
};

/**
 * Resolvers for `statisticsSdl`; spread into the region subgraph's resolvers
 * (Query merged with its other fields).
 */
export function statisticsResolvers(service: StatisticsSource, clock: Clock = systemClock): StatisticsResolvers {
  // Seconds from an instant to now, never negative (a clock ahead of ours); null for null.
  const lag = (instant: string | null): number | null =>
    instant === null ? null : Math.max(0, Math.round((clock.now().getTime() - Date.parse(instant)) / 1000));
  return {
    Query: {
      statistics(_root, args, ctx): StatisticsObject {
        requireAnalyst(ctx.identity);
        const filter = filterOf(args);
        const snapshot = service.current();
        if (!snapshot) {
          throw new GraphQLError('The statistics have not been computed yet; ask again after the first refresh.', {
            extensions: { code: 'STATISTICS_NOT_READY' },
          });
        }
        // The cells were suppressed once, over the whole grid, when published: a filter only picks.
        return { snapshot, cells: select(snapshot.cells, filter) };
      },
    },
    RegionStatistics: {
      complete: (o) => o.snapshot.complete,
      unavailableSources: (o) => o.snapshot.unavailable,
      computedAt: (o) => o.snapshot.updatedAt,
      refreshDurationMs: (o) => o.snapshot.durationMs,
      currentAsOf: (o) => o.snapshot.currentAsOf,
      lagSeconds: (o) => lag(o.snapshot.currentAsOf),
      sources: (o) => o.snapshot.sources,
      clients: (o) => o.cells.clients,
      customerships: (o) => o.cells.customerships,
      appointments: (o) => o.cells.appointments,
      multiAreaClients: (o) => o.cells.multiAreaClients,
    },
    StatisticsSourceCurrency: {
      lagSeconds: (s) => lag(s.currentAsOf),
    },
    StatisticsUnavailableSource: {
      code: (s) => missingSourceCode(s.code),
    },
    ClientCount: cell,
    CustomershipCount: cell,
    AppointmentCount: cell,
    MultiAreaClientCount: cell,
  };
}
