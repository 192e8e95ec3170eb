/**
 * What a database connection offers its callers, PGlite or PostgreSQL alike
 * (database.ts opens one). Apart from database.ts so the two drivers can
 * implement it without importing the module that imports them.
 */
import type { DatabaseConfig } from './config.ts';

/** Something that runs parameterised statements: the database or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1`… parameters and returns its rows. */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs one or more statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
}

/** A connection to the index database, whichever engine is behind it. */
export interface Database extends Queryable {
  readonly kind: DatabaseConfig['kind'];
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back
   * (and the rejection passed on) when it rejects.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes the pool or the embedded database. */
  close(): Promise<void>;
  /**
   * PostgreSQL only: opens a connection of its own, outside the pool, for
   * session-level state such as advisory locks (leader.ts). PGlite has no
   * other sessions to coordinate with, so it lacks this.
   */
  openSession?(): Promise<DatabaseSession>;
}

/** One dedicated server connection (a session); its advisory locks end with it. */
export interface DatabaseSession {
  /** Runs one statement on this connection. */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Calls `listener` once when the connection ends or breaks (not after `close`). */
  onEnd(listener: () => void): void;
  /** Ends the connection (releasing its session locks). */
  close(): Promise<void>;
}
