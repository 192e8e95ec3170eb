/** The region's federation gateway: public exports. */
export * from './auth/index.ts';
export * from './config.ts';
export * from './dataSource.ts';
export * from './engine.ts';
export * from './examples.ts';
export * from './fetcher.ts';
export * from './graphiql.ts';
export * from './health.ts';
export * from './logging.ts';
export * from './portal.ts';
export * from './server.ts';
