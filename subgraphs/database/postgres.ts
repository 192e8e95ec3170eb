/** The Database interface on a PostgreSQL server through a `pg` connection pool. */
import pg from 'pg';
import type { PostgresConfig } from './config.ts';
import type { Database, DatabaseSession, Queryable } from './connection.ts';

type Client = Pick<pg.PoolClient, 'query'> | pg.Pool;

function queryable(client: Client): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await client.query(sql, [...params]);
      return result.rows as T[];
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple protocol, which runs several statements.
      await client.query(sql);
    },
  };
}

/** Opens a pool on the server; with `config.schema`, that schema is created and searched first. */
export async function openPostgres(config: PostgresConfig): Promise<Database> {
  // The schema name is validated as a plain identifier in parseDatabaseConfig.
  const searchPath = config.schema ? { options: `-c search_path=${config.schema}` } : {};
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, ...searchPath });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  if (config.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${config.schema}`);
  const base = queryable(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
    openSession: () => openSession(config.url, searchPath),
  };
}

/**
 * One client outside the pool, with TCP keep-alive so a dead peer is noticed
 * by the operating system too. Its 'error' and 'end' events both mean the
 * session (and every lock it held) is gone.
 */
async function openSession(url: string, searchPath: { options?: string }): Promise<DatabaseSession> {
  const client = new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, ...searchPath });
  let closing = false;
  let ended = false;
  const listeners: (() => void)[] = [];
  const end = (): void => {
    if (ended || closing) return;
    ended = true;
    for (const l of listeners) l();
  };
  client.on('error', end);
  client.on('end', end);
  await client.connect();
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      return (await client.query(sql, [...params])).rows as T[];
    },
    onEnd(listener) {
      listeners.push(listener);
    },
    async close() {
      closing = true;
      await client.end().catch(() => {});
    },
  };
}
