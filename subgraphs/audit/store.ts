/**
 * The audit log's storage: append-only events in the person index's
 * database, written BEFORE the data they describe leaves (fail closed), read
 * back for the citizen's own view (who read my data: Client Data Act
 * 703/2023 §11) and per request.
 */
import { GraphQLError } from 'graphql';
import { ACCESS_BASES, DATA_GROUPS, DENY_REASONS } from '../access/policy.ts';
import type { AccessBasis, DataGroup, DenyReason } from '../access/policy.ts';
import type { Database, Queryable } from '../database/database.ts';
import { migrate } from '../database/migrations.ts';
import type { ActorRole, AuditAction, AuditEvent, AuditEventInput, AuditOutcome, LookupResult } from './events.ts';
import { AUDIT_MIGRATIONS } from './schema.ts';

/** Rows per INSERT; a larger list is written in one transaction, chunk by chunk. */
const CHUNK = 1_000;

/** Anything audit events can be handed to: the store, or a per-request batcher. */
export interface AuditSink {
  record(events: readonly AuditEventInput[]): Promise<unknown>;
}

/**
 * The audit log could not be written, so the data it would describe is not
 * returned. A FORBIDDEN-class GraphQL error: `extensions.code` FORBIDDEN,
 * `extensions.reason` AUDIT_UNAVAILABLE; the cause (a database error) stays
 * in `cause`, out of the response.
 */
export class AuditUnavailableError extends GraphQLError {
  readonly code = 'AUDIT_UNAVAILABLE';
  constructor(cause: unknown) {
    super('The read could not be recorded in the audit log, so the data is not returned.', {
      extensions: { code: 'FORBIDDEN', reason: 'AUDIT_UNAVAILABLE' },
    });
    (this as { cause?: unknown }).cause = cause;
  }
}

/**
 * Records `events`, and only once they are written calls `produce` and
 * returns its data. Any failure to record (including an empty event list:
 * a personal read must leave a trace) throws AuditUnavailableError and
 * `produce` is never called.
 */
export async function auditedRead<T>(sink: AuditSink, events: readonly AuditEventInput[], produce: () => T | Promise<T>): Promise<T> {
  try {
    if (events.length === 0) throw new TypeError('expected at least one audit event for a read, received none');
    await sink.record(events);
  } catch (e) {
    throw e instanceof AuditUnavailableError ? e : new AuditUnavailableError(e);
  }
  return produce();
}

/** Most entries of one page of the citizen's view. */
export const READ_LOG_MAX_PAGE = 100;

/**
 * A place in the citizen's view: the sort key (time in microseconds since
 * the epoch, as PostgreSQL keeps it, and the event id) of the last entry of
 * a page. Newest first, so the next page holds the entries below it.
 */
export interface ReadLogPosition {
  readonly atMicros: bigint;
  readonly id: bigint;
}

/** Options of the citizen's view. */
export interface ReadsOfOptions {
  /** Most events returned, newest first (default 20, at most READ_LOG_MAX_PAGE). */
  readonly limit?: number;
  /** Only events after this position in the order (time, id), newest first: the next page. */
  readonly after?: ReadLogPosition;
  /** Leave out the person's own reads (basis SELF). */
  readonly excludeSelf?: boolean;
  /** Only this outcome (default: both; denied attempts are shown too). */
  readonly outcome?: AuditOutcome;
}

/** One page of the citizen's view: each event with its position, and whether more follow. */
export interface ReadLogPage {
  readonly entries: readonly { readonly event: AuditEvent; readonly position: ReadLogPosition }[];
  readonly hasNextPage: boolean;
}

/** The audit log; open with `AuditStore.open`, which migrates it. */
export class AuditStore implements AuditSink {
  private constructor(readonly db: Database) {}

  /** Applies the audit migrations (once) and returns the store. */
  static async open(db: Database): Promise<AuditStore> {
    await migrate(db, AUDIT_MIGRATIONS);
    return new AuditStore(db);
  }

  /**
   * Appends events in one INSERT (one transaction of several INSERTs above
   * 1000 events) and returns their ids in order. Throws when any event is
   * malformed or the write fails: then nothing is written.
   */
  async record(events: readonly AuditEventInput[]): Promise<string[]> {
    if (events.length === 0) return [];
    for (const e of events) validate(e);
    if (events.length <= CHUNK) return insertAuditEvents(this.db, events);
    return this.db.transaction(async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < events.length; i += CHUNK) ids.push(...(await insertAuditEvents(tx, events.slice(i, i + CHUNK))));
      return ids;
    });
  }

  /**
   * Events on one person's data, newest first in the order (time, id): who
   * read, when, on what basis. Keyset paging: `after` is the position of the
   * previous page's last entry, so entries written within one millisecond
   * are neither skipped nor repeated.
   */
  async readsOf(hetu: string, options: ReadsOfOptions = {}): Promise<ReadLogPage> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 20), 1), READ_LOG_MAX_PAGE);
    const after = options.after;
    // Why seconds and microseconds apart: each product stays small, so the instant is exact on PGlite and PostgreSQL alike.
    const rows = await this.db.query<Row & { at_us: string }>(
      `SELECT ${COLUMNS}, (extract(epoch FROM at) * 1000000)::bigint::text AS at_us FROM audit_event
        WHERE subject_hetu = $1
          AND ($2::bigint IS NULL
               OR (at, id) < (timestamptz 'epoch' + ($2::bigint / 1000000) * interval '1 second'
                                                  + ($2::bigint % 1000000) * interval '1 microsecond', $3::bigint))
          AND (NOT $4::boolean OR basis IS DISTINCT FROM 'SELF')
          AND ($5::text IS NULL OR outcome = $5::text)
        ORDER BY audit_event.at DESC, audit_event.id DESC
        LIMIT $6`,
      [
        hetu,
        after ? after.atMicros.toString() : null,
        after ? after.id.toString() : null,
        options.excludeSelf ?? false,
        options.outcome ?? null,
        limit + 1,
      ],
    );
    return {
      entries: rows.slice(0, limit).map((r) => ({ event: fromRow(r), position: { atMicros: BigInt(r.at_us), id: BigInt(r.id) } })),
      hasNextPage: rows.length > limit,
    };
  }

  /** Every event of one request, in write order. */
  async byRequest(requestId: string): Promise<AuditEvent[]> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM audit_event WHERE request_id = $1 ORDER BY audit_event.id`, [requestId]);
    return rows.map(fromRow);
  }

  /** A batcher for one request: events recorded in the same turn go out in one INSERT. */
  batcher(): AuditBatcher {
    return new AuditBatcher(this);
  }
}

/**
 * Coalesces `record` calls into few writes (group commit): calls made before
 * the next `setImmediate` turn share an INSERT, and while a write is under
 * way every call waits for the next one, which takes them all. So an idle
 * batcher adds no delay, and a busy one (the process-wide batcher under
 * load) writes the events of many requests in one statement. Each caller's
 * promise settles with the write that holds its events (all of one write
 * fail together, so all fail closed).
 */
export class AuditBatcher implements AuditSink {
  private pending: { events: readonly AuditEventInput[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private writing = false;

  constructor(
    private readonly store: Pick<AuditStore, 'record'>,
    /** Told of every write: its outcome and how many events it held (telemetry counts failed writes). */
    private readonly onWrite?: (outcome: 'ok' | 'failed', events: number) => void,
  ) {}

  record(events: readonly AuditEventInput[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ events, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.writing || this.pending.length === 0) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    this.writing = true;
    const events = batch.flatMap((b) => b.events);
    try {
      await this.store.record(events);
      this.onWrite?.('ok', events.length);
      for (const b of batch) b.resolve();
    } catch (e) {
      this.onWrite?.('failed', events.length);
      for (const b of batch) b.reject(e);
    } finally {
      this.writing = false;
      this.schedule();
    }
  }
}

/**
 * Inserts events through any Queryable (the database or an open
 * transaction) in one statement; returns their ids in order. Events must
 * already be validated.
 */
export async function insertAuditEvents(q: Queryable, events: readonly AuditEventInput[]): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `INSERT INTO audit_event
       (at, request_id, action, actor_sub, actor_role, actor_name, subject_hetu, data_groups,
        outcome, basis, reason, emergency, emergency_reason, lookup_result)
     SELECT t.at::timestamptz, t.request_id, t.action, t.actor_sub, t.actor_role, t.actor_name, t.subject_hetu,
            string_to_array(t.data_groups, ','), t.outcome, t.basis, t.reason, t.emergency, t.emergency_reason, t.lookup_result
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::text[], $11::text[], $12::boolean[], $13::text[], $14::text[])
            WITH ORDINALITY AS t(at, request_id, action, actor_sub, actor_role, actor_name, subject_hetu, data_groups,
                                 outcome, basis, reason, emergency, emergency_reason, lookup_result, n)
      ORDER BY t.n
     RETURNING id::text AS id`,
    [
      events.map((e) => e.at.toISOString()),
      events.map((e) => e.requestId),
      events.map((e) => e.action),
      events.map((e) => e.actorSub),
      events.map((e) => e.actorRole),
      events.map((e) => e.actorName ?? null),
      events.map((e) => e.subjectHetu),
      // Why a joined string: unnest flattens a two-dimensional array, so each row's groups travel as one text.
      events.map((e) => e.dataGroups.join(',')),
      events.map((e) => e.outcome),
      events.map((e) => e.basis ?? null),
      events.map((e) => e.reason ?? null),
      events.map((e) => e.emergency),
      events.map((e) => e.emergencyReason ?? null),
      events.map((e) => e.lookupResult ?? null),
    ],
  );
  // RETURNING follows the insertion order of an INSERT … SELECT … ORDER BY; sort by id to be explicit.
  return rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
}

const ACTIONS: readonly AuditAction[] = ['READ', 'LOOKUP', 'EMERGENCY_ACCESS'];
const LOOKUP_RESULTS: readonly LookupResult[] = ['FOUND', 'NOT_FOUND'];
const ROLES: readonly ActorRole[] = ['citizen', 'professional', 'analyst', 'anonymous'];

/** Refuses a malformed event before anything is written (a programming error in a resolver). */
export function validate(e: AuditEventInput): void {
  const bad = (what: string) => {
    throw new TypeError(`expected ${what} in an audit event, received another value`);
  };
  if (!(e.at instanceof Date) || Number.isNaN(e.at.getTime())) bad('`at` as a valid Date');
  if (typeof e.requestId !== 'string' || e.requestId === '') bad('a non-empty request id');
  if (!ACTIONS.includes(e.action)) bad('an action READ, LOOKUP or EMERGENCY_ACCESS');
  if (!ROLES.includes(e.actorRole)) bad('a known actor role');
  if ((e.actorRole === 'anonymous') !== (e.actorSub === null)) bad('an actor sub exactly when the actor is not anonymous');
  if (typeof e.subjectHetu !== 'string' || e.subjectHetu === '') bad('the subject identity code');
  if (!e.dataGroups.every((g) => (DATA_GROUPS as readonly string[]).includes(g))) bad('known data groups');
  if (e.outcome === 'ALLOWED') {
    if (!ACCESS_BASES.includes(e.basis as AccessBasis) || e.reason !== undefined) bad('a basis and no reason for ALLOWED');
  } else if (e.outcome === 'DENIED') {
    if (!DENY_REASONS.includes(e.reason as DenyReason) || e.basis !== undefined) bad('a reason and no basis for DENIED');
  } else bad('an outcome ALLOWED or DENIED');
  if (e.emergency && !e.emergencyReason) bad('the emergency reason of an emergency event');
  const lookupAllowed = e.action === 'LOOKUP' && e.outcome === 'ALLOWED';
  if (lookupAllowed ? !LOOKUP_RESULTS.includes(e.lookupResult as LookupResult) : e.lookupResult !== undefined)
    bad('a lookup result exactly for an allowed LOOKUP');
  if (e.action === 'LOOKUP' && e.dataGroups.length > 0) bad('no data groups in a LOOKUP');
}

/** The columns read back. Why ORDER BY says `audit_event.id`: a bare `id` would sort this text alias ('10' before '9'). */
const COLUMNS = `id::text AS id, at, request_id, action, actor_sub, actor_role, actor_name, subject_hetu, data_groups,
  outcome, basis, reason, emergency, emergency_reason, lookup_result`;

interface Row {
  id: string;
  at: Date;
  request_id: string;
  action: AuditAction;
  actor_sub: string | null;
  actor_role: ActorRole;
  actor_name: string | null;
  subject_hetu: string;
  data_groups: DataGroup[];
  outcome: AuditOutcome;
  basis: AccessBasis | null;
  reason: DenyReason | null;
  emergency: boolean;
  emergency_reason: string | null;
  lookup_result: LookupResult | null;
}

function fromRow(r: Row): AuditEvent {
  return {
    id: r.id,
    at: r.at,
    requestId: r.request_id,
    action: r.action,
    actorSub: r.actor_sub,
    actorRole: r.actor_role,
    ...(r.actor_name !== null ? { actorName: r.actor_name } : {}),
    subjectHetu: r.subject_hetu,
    dataGroups: r.data_groups,
    outcome: r.outcome,
    ...(r.basis !== null ? { basis: r.basis } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    emergency: r.emergency,
    ...(r.emergency_reason !== null ? { emergencyReason: r.emergency_reason } : {}),
    ...(r.lookup_result !== null ? { lookupResult: r.lookup_result } : {}),
  };
}
