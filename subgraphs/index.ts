/** The subgraph services: factories, the launcher, and the person locator contract. */
export { createListsSubgraph } from './lists/subgraph.ts';
export type { ListsSubgraphOptions } from './lists/subgraph.ts';
export { FEE_CEILINGS } from './lists/ceiling.ts';
export { createMunicipalitySubgraph } from './municipality/subgraph.ts';
export type { MunicipalitySubgraphOptions } from './municipality/subgraph.ts';
export { createRegionSubgraph, PERSON_INDEX_SOURCE } from './region/subgraph.ts';
export type { RegionSubgraphOptions } from './region/subgraph.ts';
export { locatorFromPersonIndex } from './region/locator.ts';
export type { PersonIndexLike } from './region/locator.ts';
export { createSubgraphApps, sourcesFor, startSubgraphs } from './services.ts';
export type { RunningSubgraphs, StartSubgraphsOptions } from './services.ts';
export { createMemoryLocator } from './region/memoryLocator.ts';
export type { MemoryLocator } from './region/memoryLocator.ts';
export type { IndexEntry, PersonLocator, SourceIndexStatus } from './region/personLocator.ts';
export type { MissingSource, RequestContext } from './server/context.ts';
