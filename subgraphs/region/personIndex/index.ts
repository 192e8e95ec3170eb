/** The person index: which instances hold records of which person. */
export * from './config.ts';
export * from './personIndex.ts';
export { CHANGE_IN_FUTURE, MUNICIPALITY_UNRESOLVED } from './rows.ts';
export type { IssueCounts } from './rows.ts';
export * from './schema.ts';
export * from './store.ts';
