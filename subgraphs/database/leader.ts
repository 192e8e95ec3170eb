/**
 * Leader election over the database: at most one process per database (and
 * schema) holds the lock at a time, so work that must be done once across
 * replicas (the person index's polling, the statistics) runs once.
 *
 * PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on
 * one dedicated connection. A follower tries again every `retryMs`; the
 * leader checks its connection on the same interval. The server releases
 * the lock the moment that session ends (process killed, connection cut), and
 * the leader's connection reports the end at once, so the old leader stops
 * and a follower takes over at its next try. PGlite is embedded in one
 * process: that process is always the leader.
 */
import type { Logger } from '../server/logger.ts';
import type { Scheduler } from '../server/scheduler.ts';
import type { Database, DatabaseSession } from './database.ts';

/** The leader election's settings, parsed once at the boundary. */
export interface LeaderConfig {
  /** How often a follower tries to take the lock, and the leader checks its connection; default 5 000. */
  readonly retryMs: number;
}

/** A setting that cannot be used. */
export class LeaderConfigError extends Error {
  override readonly name = 'LeaderConfigError';
}

/** Reads `LEADER_RETRY_MS` (default 5 000, from 100 to 600 000). */
export function parseLeaderConfig(env: Readonly<Record<string, string | undefined>>): LeaderConfig {
  const raw = env.LEADER_RETRY_MS?.trim();
  if (raw === undefined || raw === '') return { retryMs: 5_000 };
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 100 || n > 600_000) {
    throw new LeaderConfigError(`expected LEADER_RETRY_MS as whole milliseconds from 100 to 600000, received ${JSON.stringify(raw)}`);
  }
  return { retryMs: n };
}

/**
 * The advisory lock's first key (the second is a hash of the schema, so
 * regions in separate schemas of one database elect separately). Any
 * constant works; it differs from the migrations' lock.
 */
export const LEADER_LOCK_CLASS = 730_102;

/**
 * A SQL condition that holds while the server session whose process id is
 * bound at `pid` (e.g. `$3`) holds the leader lock, or when that parameter is
 * NULL (PGlite: one process, always the leader); bind LEADER_LOCK_CLASS at
 * `lockClass`. A leader's writes carry it, so one that lost the lock without
 * knowing yet cannot overwrite its successor's (the statistics, the unit index).
 */
export function leaderFence(pid: string, lockClass: string): string {
  return `(${pid}::int IS NULL OR EXISTS (
          SELECT 1 FROM pg_locks
           WHERE locktype = 'advisory' AND classid = ${lockClass}::int::oid AND objsubid = 2 AND pid = ${pid}::int AND granted))`;
}

export interface LeaderElectionOptions {
  readonly database: Database;
  readonly retryMs: number;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  /** Called when this process becomes the leader. */
  readonly onAcquired: () => void;
  /** Called when it stops being the leader (connection lost or stop()); `reason` is a code. */
  readonly onLost: (reason: string) => void;
  /** Called on every try of a follower (after the try), e.g. to reload what the leader published. */
  readonly onFollowerTick?: () => Promise<void>;
}

/** The election's state: a code-only view for status pages. */
export interface LeaderState {
  readonly leader: boolean;
  /** The leader's server process id holding the lock (for fencing writes), or null (PGlite, or not leader). */
  readonly sessionPid: number | null;
  readonly since: number | null;
  readonly lastErrorCode: string | null;
}

/** Takes part in the election until stop(). */
export class LeaderElection {
  private session: DatabaseSession | null = null;
  private sessionPid: number | null = null;
  private leader = false;
  private since: number | null = null;
  private timer: unknown;
  private stopped = false;
  private ticking: Promise<void> | undefined;
  private lastErrorCode: string | null = null;
  /** After losing the lock to a broken connection, no new try before this (epoch ms). */
  private holdOffUntil = 0;

  constructor(private readonly opts: LeaderElectionOptions) {
    if (!Number.isInteger(opts.retryMs) || opts.retryMs < 1)
      throw new RangeError('expected retryMs as a positive integer, received another value');
  }

  /** Tries once now (resolves after that try), then on the interval. */
  async start(): Promise<void> {
    await this.tick();
  }

  isLeader(): boolean {
    return this.leader;
  }

  state(): LeaderState {
    return { leader: this.leader, sessionPid: this.sessionPid, since: this.since, lastErrorCode: this.lastErrorCode };
  }

  /** Stops trying; a leader releases the lock (a follower can take it at its next try). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.scheduler.cancel(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.release('STOPPED');
  }

  private tick(): Promise<void> {
    if (!this.ticking) {
      this.ticking = this.once().finally(() => {
        this.ticking = undefined;
        if (!this.stopped) this.timer = this.opts.scheduler.schedule(() => void this.tick(), this.opts.retryMs);
      });
    }
    return this.ticking;
  }

  private async once(): Promise<void> {
    const { database } = this.opts;
    if (this.stopped) return;
    if (database.kind === 'pglite' || !database.openSession) {
      if (!this.leader) this.acquired(null);
      return;
    }
    try {
      if (this.leader) {
        // The connection's end event usually tells first; this catches a connection that hangs (no answer within the interval).
        await withTimeout(this.session!.query('SELECT 1'), this.opts.retryMs);
        return;
      }
      // A replica whose connection broke steps back for two intervals, so a healthy follower takes over first.
      if (Date.now() < this.holdOffUntil) return this.followerTick();
      if (!this.session) {
        const session = await database.openSession();
        session.onEnd(() => {
          if (this.session === session) void this.release('CONNECTION_LOST');
        });
        this.session = session;
        // The server's side of a silent network failure: it ends this session (releasing the lock) after about
        // 10 + 3 × 5 s without keep-alive answers, instead of the operating system's default of hours.
        await session.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
        this.sessionPid = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0]!.pid;
      }
      const [row] = await this.session.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS ok', [
        LEADER_LOCK_CLASS,
      ]);
      if (row?.ok && !this.stopped) this.acquired(this.sessionPid);
      else if (row?.ok) await this.session.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [LEADER_LOCK_CLASS]);
      this.lastErrorCode = null;
    } catch (err) {
      this.lastErrorCode = errorCode(err);
      this.opts.logger.warn({ code: this.lastErrorCode, leader: this.leader }, 'leader lock check failed');
      await this.release('CONNECTION_LOST');
    }
    await this.followerTick();
  }

  private async followerTick(): Promise<void> {
    if (this.leader || this.stopped || !this.opts.onFollowerTick) return;
    await this.opts.onFollowerTick().catch((err: unknown) => {
      this.opts.logger.warn({ code: errorCode(err) }, 'follower reload failed');
    });
  }

  private acquired(pid: number | null): void {
    this.leader = true;
    this.since = Date.now();
    this.opts.logger.info({ sessionPid: pid, retryMs: this.opts.retryMs }, 'became leader');
    this.opts.onAcquired();
  }

  /** Drops the session (its lock goes with it) and, if leading, tells the owner. */
  private async release(reason: string): Promise<void> {
    const wasLeader = this.leader;
    const session = this.session;
    this.leader = false;
    this.since = null;
    this.session = null;
    this.sessionPid = null;
    if (reason === 'CONNECTION_LOST') this.holdOffUntil = Date.now() + 2 * this.opts.retryMs;
    if (wasLeader) {
      this.opts.logger[reason === 'STOPPED' ? 'info' : 'warn']({ reason }, 'leadership lost');
      this.opts.onLost(reason);
    }
    await session?.close();
  }
}

/** The promise's outcome, or a rejection with code LEADER_CHECK_TIMEOUT after `ms`. */
async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          Object.assign(new Error('expected the leader check answered, received no answer in time'), { code: 'LEADER_CHECK_TIMEOUT' }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A code for an error, never its message (a driver message may quote a connection string). */
function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'LEADER_CHECK_TIMEOUT') return code;
  if (typeof code === 'string' && /^[0-9A-Z_]{2,40}$/.test(code)) return `DATABASE_ERROR_${code}`;
  return 'DATABASE_UNREACHABLE';
}
