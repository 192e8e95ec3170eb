/** The subgraphs' database layer: configuration, the connection (PGlite or PostgreSQL) and migrations. */
export * from './config.ts';
export * from './database.ts';
export * from './migrations.ts';
export * from './leader.ts';
