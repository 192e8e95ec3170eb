/**
 * Test support for code on the database layer: the databases to run against
 * (PGlite always; PostgreSQL when TEST_DATABASE_URL is set), a query
 * counter, a hand-driven clock and scheduler. Not used in production.
 */
import type { Clock } from '../../domain/time.ts';
import type { DatabaseConfig } from './config.ts';
import { openDatabase } from './database.ts';
import type { Database } from './database.ts';
import type { Scheduler } from '../server/scheduler.ts';

/** The PostgreSQL server for tests, when one is configured. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

export type BackendName = 'pglite' | 'postgres';

/** Backends a test suite runs on, with whether each is available here. */
export const BACKENDS: readonly { readonly name: BackendName; readonly available: boolean }[] = [
  { name: 'pglite', available: true },
  { name: 'postgres', available: TEST_DATABASE_URL !== undefined },
];

/**
 * Opens a fresh, empty database on a backend. On PostgreSQL each call gets a
 * schema of its own (dropped by `cleanup`), so test files can run in parallel.
 */
export async function openTestDatabase(name: BackendName): Promise<{ db: Database; cleanup: () => Promise<void> }> {
  if (name === 'pglite') {
    const db = await openDatabase({ kind: 'pglite' });
    return { db, cleanup: () => db.close() };
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set.');
  const schema = `test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const config: DatabaseConfig = { kind: 'postgres', url: TEST_DATABASE_URL, poolSize: 4, schema };
  const db = await openDatabase(config);
  return {
    db,
    cleanup: async () => {
      await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.close();
    },
  };
}

/** Wraps a database so tests can count the statements sent through `query`. */
export function countingDatabase(db: Database): { db: Database; queries: string[] } {
  const queries: string[] = [];
  return {
    queries,
    db: {
      kind: db.kind,
      query: (sql, params) => {
        queries.push(sql);
        return db.query(sql, params);
      },
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
      close: () => db.close(),
    },
  };
}

/** A clock that moves only when told. */
export class ManualClock implements Clock {
  constructor(private epochMs: number) {}
  now(): Date {
    return new Date(this.epochMs);
  }
  advance(ms: number): void {
    this.epochMs += ms;
  }
}

/** A scheduler whose timers fire only when the test says so. */
export class ManualScheduler implements Scheduler {
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private next = 1;
  schedule(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  }
  cancel(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Fires every pending timer (each once); returns how many fired. */
  fireAll(): number {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const t of due) t.fn();
    return due.length;
  }
}
