/**
 * The database configuration, parsed and validated once at the boundary
 * (process environment) so the rest of the code holds a typed value.
 */

/** An embedded PGlite database: in memory, or persisted in a data directory. */
export interface PgliteConfig {
  readonly kind: 'pglite';
  /** Directory for the database files; absent: in memory (gone at exit). */
  readonly dataDir?: string;
}

/** A PostgreSQL server reached through a `pg` pool. */
export interface PostgresConfig {
  readonly kind: 'postgres';
  /** `postgres://` or `postgresql://` connection string. */
  readonly url: string;
  /** Most connections the pool opens. */
  readonly poolSize: number;
  /** Schema to create (if missing) and put first on the search path; absent: the server's default. */
  readonly schema?: string;
}

export type DatabaseConfig = PgliteConfig | PostgresConfig;

/** A configuration value that cannot be used; the message never echoes secrets. */
export class DatabaseConfigError extends Error {
  override readonly name = 'DatabaseConfigError';
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads the database settings from an environment:
 * - `DATABASE_URL` set → PostgreSQL (`DATABASE_POOL_SIZE`, default 10;
 *   `DATABASE_SCHEMA`, optional, a lower-case SQL identifier);
 * - otherwise PGlite, in memory, or in `PGLITE_DATA_DIR` when set.
 * Throws DatabaseConfigError for a value that cannot be used.
 */
export function parseDatabaseConfig(env: Readonly<Record<string, string | undefined>>): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      // Why not the value in the message: a connection string holds a password.
      throw new DatabaseConfigError('expected DATABASE_URL as a postgres:// URL, received a value that is not a URL');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new DatabaseConfigError(`expected DATABASE_URL with scheme postgres: or postgresql:, received ${parsed.protocol}`);
    }
    const poolSize = parsePositiveInt(env.DATABASE_POOL_SIZE, 'DATABASE_POOL_SIZE', 10);
    const schema = env.DATABASE_SCHEMA?.trim();
    if (schema !== undefined && schema !== '' && !IDENTIFIER.test(schema)) {
      throw new DatabaseConfigError('expected DATABASE_SCHEMA as a lower-case SQL identifier, received another value');
    }
    return { kind: 'postgres', url, poolSize, ...(schema ? { schema } : {}) };
  }
  const dataDir = env.PGLITE_DATA_DIR?.trim();
  return { kind: 'pglite', ...(dataDir ? { dataDir } : {}) };
}

function parsePositiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > 1000) {
    throw new DatabaseConfigError(`expected ${name} as a whole number from 1 to 1000, received ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
