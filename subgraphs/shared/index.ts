/** Shared foundations of the subgraphs: database, migrations, logger and timer contracts. */
export * from './config.ts';
export * from './database.ts';
export * from './logger.ts';
export * from './migrations.ts';
export * from './scheduler.ts';
