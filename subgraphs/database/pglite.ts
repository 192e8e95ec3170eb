/** The Database interface on PGlite (PostgreSQL compiled to WebAssembly, in process). */
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import type { PgliteConfig } from './config.ts';
import type { Database, Queryable } from './connection.ts';

type Runner = Pick<PGlite, 'query' | 'exec'> | Transaction;

function queryable(runner: Runner): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await runner.query<T>(sql, [...params]);
      return result.rows;
    },
    async exec(sql: string): Promise<void> {
      await runner.exec(sql);
    },
  };
}

/** Opens an in-memory PGlite database, or one persisted in `config.dataDir`. */
export async function openPglite(config: PgliteConfig): Promise<Database> {
  const pg = config.dataDir ? await PGlite.create(config.dataDir) : await PGlite.create();
  const base = queryable(pg);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pg.transaction((tx) => fn(queryable(tx))),
    close: () => pg.close(),
  };
}
