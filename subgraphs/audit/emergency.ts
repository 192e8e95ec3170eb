/**
 * Emergency access ("break the glass", issue 4): a professional states a
 * reason and gets a time-limited grant to one person's data. Grants are
 * stored append-only next to the audit log; starting one writes an audit
 * event flagged emergency in the same transaction (no grant without its
 * trace). The policy engine consults the grants; they expire by the clock.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { checkHetu } from '../../domain/hetu.ts';
import { accessErrorCode } from '../access/errors.ts';
import { decideEmergencyStart } from '../access/policy.ts';
import type { DenyReason, EmergencyGrant } from '../access/policy.ts';
import type { Database } from '../database/database.ts';
import type { Identity } from '../../contract/identity.ts';
import { migrate } from '../database/migrations.ts';
import { actorOf } from './events.ts';
import type { AuditEventInput } from './events.ts';
import { AUDIT_MIGRATIONS } from './schema.ts';
import { AuditUnavailableError, insertAuditEvents, validate } from './store.ts';

export interface EmergencyAccessConfig {
  /** How long a grant lasts (default 4 h). */
  readonly durationMs: number;
  /** How long after expiry a grant is still looked up, so a denial can say EMERGENCY_EXPIRED (default 24 h). */
  readonly expiredLookbackMs: number;
}

export const DEFAULT_EMERGENCY_ACCESS: EmergencyAccessConfig = { durationMs: 4 * 3_600_000, expiredLookbackMs: 24 * 3_600_000 };

/** Shortest stated reason, in characters after trimming and collapsing whitespace. */
export const MIN_REASON_LENGTH = 10;
/** Longest stated reason kept. */
export const MAX_REASON_LENGTH = 500;

/**
 * Reads `EMERGENCY_ACCESS_MINUTES` (1–1440, default 240) from an
 * environment. Throws RangeError for a value that cannot be used.
 */
export function parseEmergencyAccessConfig(env: Readonly<Record<string, string | undefined>>): EmergencyAccessConfig {
  const raw = env.EMERGENCY_ACCESS_MINUTES?.trim();
  if (!raw) return DEFAULT_EMERGENCY_ACCESS;
  const minutes = Number(raw);
  if (!/^\d+$/.test(raw) || minutes < 1 || minutes > 1_440) {
    throw new RangeError('expected EMERGENCY_ACCESS_MINUTES as a whole number from 1 to 1440, received another value');
  }
  return { ...DEFAULT_EMERGENCY_ACCESS, durationMs: minutes * 60_000 };
}

/** Why a start was refused: a GraphQL error with code and reason, never personal data in the message. */
export class EmergencyAccessError extends GraphQLError {
  constructor(code: 'FORBIDDEN' | 'UNAUTHENTICATED' | 'BAD_USER_INPUT', reason: string, message: string) {
    super(message, { extensions: { code, reason } });
  }
}

/** What `start` is asked. */
export interface StartEmergencyAccess {
  readonly identity: Identity | null;
  readonly hetu: string;
  readonly reason: string;
  readonly requestId: string;
  readonly now: Date;
}

/** The emergency grants; open with `EmergencyAccessStore.open`, which migrates the audit tables. */
export class EmergencyAccessStore {
  private constructor(
    readonly db: Database,
    readonly config: EmergencyAccessConfig,
  ) {}

  static async open(db: Database, config: Partial<EmergencyAccessConfig> = {}): Promise<EmergencyAccessStore> {
    const full = { ...DEFAULT_EMERGENCY_ACCESS, ...config };
    if (!(full.durationMs > 0) || !(full.expiredLookbackMs >= 0)) {
      throw new RangeError('expected a positive emergency access duration, received another value');
    }
    await migrate(db, AUDIT_MIGRATIONS);
    return new EmergencyAccessStore(db, full);
  }

  /**
   * Starts emergency access: a valid identity code, a caller the policy lets
   * start it (`decideEmergencyStart`: professionals only), a stated reason
   * of at least 10 characters with at least 5 letters. Writes
   * the grant and its audit event (action EMERGENCY_ACCESS, basis
   * EMERGENCY, flagged emergency) in one transaction; if either write
   * fails, neither is kept and AuditUnavailableError is thrown. A refused
   * role is recorded as a DENIED event (best effort) before the error.
   */
  async start(req: StartEmergencyAccess): Promise<EmergencyGrant> {
    const { identity } = req;
    if (!checkHetu(req.hetu).ok) {
      throw new EmergencyAccessError(
        'BAD_USER_INPUT',
        'INVALID_IDENTITY_CODE',
        'expected a valid personal identity code, received another value',
      );
    }
    const decision = decideEmergencyStart(identity);
    if (!decision.allowed) {
      await this.recordRefusal(req, decision.reason).catch(() => undefined);
      throw new EmergencyAccessError(accessErrorCode(decision.reason), decision.reason, 'Only professionals may start emergency access.');
    }
    const reasonText = normaliseReason(req.reason);
    if (reasonText === null) {
      throw new EmergencyAccessError(
        'BAD_USER_INPUT',
        'EMERGENCY_REASON_REQUIRED',
        `expected a reason of ${MIN_REASON_LENGTH} to ${MAX_REASON_LENGTH} characters with at least 5 letters, received a shorter or empty one`,
      );
    }
    const grant: EmergencyGrant = {
      id: randomUUID(),
      sub: decision.sub,
      hetu: req.hetu,
      reason: reasonText,
      startedAt: req.now,
      expiresAt: new Date(req.now.getTime() + this.config.durationMs),
    };
    const event: AuditEventInput = {
      at: req.now,
      requestId: req.requestId,
      action: 'EMERGENCY_ACCESS',
      ...actorOf(identity),
      subjectHetu: req.hetu,
      dataGroups: [],
      outcome: 'ALLOWED',
      basis: decision.basis,
      emergency: true,
      emergencyReason: reasonText,
    };
    validate(event);
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO emergency_grant (id, sub, hetu, reason, started_at, expires_at, request_id)
           VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7)`,
          [grant.id, grant.sub, grant.hetu, grant.reason, grant.startedAt.toISOString(), grant.expiresAt.toISOString(), req.requestId],
        );
        await insertAuditEvents(tx, [event]);
      });
    } catch (e) {
      throw new AuditUnavailableError(e);
    }
    return grant;
  }

  /**
   * For each code, in order, this professional's grants that are active at
   * `now` or expired within the lookback (so the policy can tell
   * EMERGENCY_EXPIRED), newest first. One query for the whole batch.
   */
  async grantsFor(sub: string, hetus: readonly string[], now: Date): Promise<EmergencyGrant[][]> {
    if (hetus.length === 0) return [];
    const rows = await this.db.query<{ id: string; sub: string; hetu: string; reason: string; started_at: Date; expires_at: Date }>(
      `SELECT id, sub, hetu, reason, started_at, expires_at FROM emergency_grant
        WHERE sub = $1 AND hetu = ANY($2::text[]) AND started_at <= $3::timestamptz AND expires_at > $4::timestamptz
        ORDER BY expires_at DESC, id`,
      [sub, [...new Set(hetus)], now.toISOString(), new Date(now.getTime() - this.config.expiredLookbackMs).toISOString()],
    );
    const byHetu = new Map<string, EmergencyGrant[]>();
    for (const r of rows) {
      let list = byHetu.get(r.hetu);
      if (!list) byHetu.set(r.hetu, (list = []));
      list.push({ id: r.id, sub: r.sub, hetu: r.hetu, reason: r.reason, startedAt: r.started_at, expiresAt: r.expires_at });
    }
    return hetus.map((h) => [...(byHetu.get(h) ?? [])]);
  }

  /** The grants of this professional for this person in force at `now`. */
  async active(sub: string, hetu: string, now: Date): Promise<EmergencyGrant[]> {
    const [grants = []] = await this.grantsFor(sub, [hetu], now);
    return grants.filter((g) => g.expiresAt.getTime() > now.getTime());
  }

  private async recordRefusal(req: StartEmergencyAccess, reason: DenyReason): Promise<void> {
    await insertAuditEvents(this.db, [
      {
        at: req.now,
        requestId: req.requestId,
        action: 'EMERGENCY_ACCESS',
        ...actorOf(req.identity),
        subjectHetu: req.hetu,
        dataGroups: [],
        outcome: 'DENIED',
        reason,
        emergency: false,
      },
    ]);
  }
}

/** The reason trimmed and whitespace-collapsed, or null when too short, too long or without enough letters. */
export function normaliseReason(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.replace(/\s+/gu, ' ').trim();
  if (text.length < MIN_REASON_LENGTH || text.length > MAX_REASON_LENGTH) return null;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  // Control characters (NUL and the like) have no place in a stated reason.
  if (letters < 5 || /\p{Cc}/u.test(text)) return null;
  return text;
}
