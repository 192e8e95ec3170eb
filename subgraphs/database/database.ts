/**
 * The database layer shared by the subgraphs: one small interface over
 * PGlite (in-process PostgreSQL, the default) and a PostgreSQL server (when
 * `DATABASE_URL` is set). Both speak the PostgreSQL dialect with `$1`
 * parameters, so every caller writes its SQL once.
 *
 * Driver differences callers must keep in mind: `pg` returns `bigint`
 * (e.g. `count(*)`) as a string and PGlite as a number, so cast counts to
 * `int` in SQL; `timestamptz` comes back as a `Date` from both.
 */
import type { DatabaseConfig } from './config.ts';
import type { Database } from './connection.ts';

export type { Database, DatabaseSession, Queryable } from './connection.ts';

/**
 * Opens the database the config names. The driver modules are imported
 * lazily so a PGlite deployment never loads `pg` and vice versa.
 */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.kind === 'postgres') {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(config);
  }
  const { openPglite } = await import('./pglite.ts');
  return openPglite(config);
}
