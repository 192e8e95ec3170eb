/** The analysts' aggregate statistics (issue 4): counters from the sources, suppressed below 5, analysts only. */
export { statisticsSdl, statisticsEnumsSdl, statisticsQueryField, statisticsTypesSdl } from '../../../schema/statistics.ts';
export { statisticsResolvers, requireAnalyst } from './resolvers.ts';
export type { StatisticsSource } from './resolvers.ts';
export { StatisticsService } from './service.ts';
export type { StatisticsServiceOptions, StatisticsSnapshot, UnavailableSource } from './service.ts';
export { personPagesFromStore } from './indexPages.ts';
export type { IndexedPerson, PersonPages } from './indexPages.ts';
export { CountersBuilder, helsinkiMonth } from './counters.ts';
export type { StatisticsCounts } from './counters.ts';
export { publish, select, monthsBetween } from './publish.ts';
export type { PublishedStatistics, StatisticsFilter } from './publish.ts';
export { parseStatisticsConfig, StatisticsConfigError } from './config.ts';
export type { StatisticsConfig } from './config.ts';
