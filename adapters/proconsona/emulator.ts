/**
 * The ProConsona emulator: a database speaking the PostgreSQL wire protocol
 * that exposes the documented read-only views over an instance's fixtures.
 *
 * By default an in-memory PGlite behind pglite-socket's server, reached
 * through the fault proxy (proxy.ts) on 127.0.0.1. With `databaseUrl`, the
 * fixtures are loaded into a real PostgreSQL server instead, into schemas
 * named after the instance, and the returned connection string selects
 * that schema with `options=-c search_path=…`.
 */
import { join } from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { type InstanceId } from '../../domain/index.ts';
import { Faults, type RunningEmulator } from '../emulator/faults.ts';
import {
  copyText,
  createTablesSql,
  createViewsSql,
  insertStatements,
  readInstanceFixtures,
  table,
  type LoadedInstance,
  type Schemas,
  type SkippedRow,
} from './load.ts';
import { createPglite } from './pgliteTemplate.ts';
import { startFaultProxy } from './proxy.ts';
import type { EmulatorSecurity } from '../emulator/httpEmulator.ts';

/**
 * `tls`: the proxy answers an SSLRequest and speaks TLS (a client without it
 * is refused with 28000; with `tls.ca`, a client certificate is required);
 * `credentials`: every client must log in as this user with this password
 * (asked in cleartext, so use it with `tls`), else 28P01. With
 * `databaseUrl` the server's own users apply, so `credentials` is refused.
 */
export interface ProconsonaEmulatorOptions extends Pick<EmulatorSecurity, 'tls' | 'credentials'> {
  readonly instance: InstanceId;
  readonly fixturesDir: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** A real PostgreSQL server to load into instead of an in-memory PGlite. */
  readonly databaseUrl?: string;
  /** Connections served at once; more are refused with 53300 (default 64). */
  readonly maxConnections?: number;
}

export interface ProconsonaEmulator extends RunningEmulator {
  /** Fixture rows that did not fit their column types and were left out. */
  readonly skipped: readonly SkippedRow[];
}

/** Starts the emulator; resolves once the views are loaded and the port listens. */
export async function startProconsonaEmulator(options: ProconsonaEmulatorOptions): Promise<ProconsonaEmulator> {
  const host = options.host ?? '127.0.0.1';
  const maxConnections = options.maxConnections ?? 64;
  const loaded = await readInstanceFixtures(join(options.fixturesDir, options.instance));
  const faults = new Faults();
  const security = { ...(options.tls && { tls: options.tls }) };
  if (options.databaseUrl) {
    if (options.credentials)
      throw new RangeError('Expected no credentials with databaseUrl (the server checks its own users), received some.');
    return startOnServer(options.databaseUrl, options.instance, loaded, faults, host, options.port ?? 0, maxConnections, security);
  }

  const db = await createPglite();
  try {
    const schemas: Schemas = { data: 'proconsona_data', views: 'public' };
    await db.exec(createTablesSql(schemas));
    for (const { view, rows } of loaded.views) {
      if (rows.length === 0) continue;
      // PGlite reads COPY input from a blob: the fastest bulk load it has.
      await db.query(`COPY ${table(schemas, view)} FROM '/dev/blob'`, [], { blob: new Blob([copyText(rows)]) });
    }
    await db.exec(createViewsSql(schemas));
  } catch (err) {
    await db.close();
    throw err;
  }
  // The proxy limits connections; the socket server itself takes all it is given.
  const socketServer = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: maxConnections + 8 });
  await socketServer.start();
  const upstreamPort = Number(socketServer.getServerConn().split(':').pop());
  const proxy = await startFaultProxy({
    upstream: { host: '127.0.0.1', port: upstreamPort },
    host,
    port: options.port ?? 0,
    faults,
    serialize: true,
    maxConnections,
    ...security,
    ...(options.credentials && { credentials: options.credentials, upstreamStartup: { user: 'postgres', database: 'postgres' } }),
  });
  return {
    address: `postgres://postgres@${urlHost(host)}:${proxy.port}/postgres${options.tls ? '?sslmode=verify-full' : ''}`,
    port: proxy.port,
    faults,
    skipped: loaded.skipped,
    async close() {
      await proxy.close();
      await socketServer.stop();
      await db.close();
    },
  };
}

async function startOnServer(
  databaseUrl: string,
  instance: InstanceId,
  loaded: LoadedInstance,
  faults: Faults,
  host: string,
  port: number,
  maxConnections: number,
  security: { readonly tls?: EmulatorSecurity['tls'] },
): Promise<ProconsonaEmulator> {
  const schemas: Schemas = { data: `${instance}_data`, views: instance };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    // The instance's own schemas are rebuilt from its fixtures on every start.
    await client.query(`DROP SCHEMA IF EXISTS "${schemas.views}" CASCADE; DROP SCHEMA IF EXISTS "${schemas.data}" CASCADE;`);
    await client.query(createTablesSql(schemas));
    for (const { view, rows } of loaded.views) {
      for (const stmt of insertStatements(schemas, view, rows)) await client.query(stmt.text, stmt.values);
    }
    await client.query(createViewsSql(schemas));
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
  const url = new URL(databaseUrl);
  const proxy = await startFaultProxy({
    upstream: { host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) },
    host,
    port,
    faults,
    serialize: false,
    maxConnections,
    ...security,
  });
  url.hostname = host;
  url.port = String(proxy.port);
  url.searchParams.set('options', `-c search_path=${instance}`);
  if (security.tls) url.searchParams.set('sslmode', 'verify-full');
  return {
    address: url.toString(),
    port: proxy.port,
    faults,
    skipped: loaded.skipped,
    close: () => proxy.close(),
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
