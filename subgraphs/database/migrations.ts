/**
 * Schema migrations: each module (person index, later the audit log) owns an
 * ordered list of named SQL scripts; each is applied once, in its own
 * transaction, and recorded in `schema_migrations`.
 */
import type { Database } from './database.ts';

/** One schema change. `name` is unique across all modules, e.g. `person-index-001`. */
export interface Migration {
  readonly name: string;
  readonly sql: string;
}

// Any constant works; it only has to be the same for every process migrating this database.
const MIGRATION_LOCK = 730_101;

/**
 * Applies the migrations not yet recorded, in list order, and returns the
 * names applied now. Concurrent starts against one PostgreSQL server are
 * serialised by a transaction-scoped advisory lock.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  const names = new Set<string>();
  for (const m of migrations) {
    if (names.has(m.name)) throw new Error(`Migration ${m.name} is listed twice.`);
    names.add(m.name);
  }
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const seen = await tx.query<{ name: string }>('SELECT name FROM schema_migrations WHERE name = $1', [m.name]);
      if (seen.length > 0) return false;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
