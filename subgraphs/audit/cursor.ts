/**
 * The cursors of the citizen's read log (Client Data Act 703/2023 §11):
 * opaque, tamper-evident positions in the log. A cursor is base64url of
 * `r1.<microseconds>.<event id>.<check>`: the sort key of a page's last
 * entry (no personal data) and a check that binds it to the citizen whose
 * log it came from, an HMAC-SHA256 (first 12 bytes) under the region's
 * internal key. So an edited, truncated or borrowed cursor is refused as
 * BAD_USER_INPUT instead of silently paging from somewhere else; a cursor
 * made before the key changed (npm start makes one per run) is refused the
 * same way, and the client starts again from the first page.
 */
import { timingSafeEqual } from 'node:crypto';
import type { InternalKey } from '../../contract/internalToken.ts';
import type { ReadLogPosition } from './store.ts';

/** Version tag of the cursor's text, so a later format can refuse an old one clearly. */
const VERSION = 'r1';
/** Why a label: the key also signs internal tokens; a cursor's check must never be one of those. */
const LABEL = 'region-graph read-log cursor';
const CHECK_BYTES = 12;
/** 9999-12-31T23:59:59.999999Z in microseconds: the latest time a cursor may name (inside PostgreSQL's range). */
const MAX_MICROS = 253_402_300_799_999_999n;
const MAX_BIGINT = 9_223_372_036_854_775_807n;
/** Longer than any cursor made here (about 70 characters); refused before decoding. */
const MAX_CURSOR_CHARS = 128;
const TEXT = /^r1\.(0|[1-9]\d{0,17})\.([1-9]\d{0,18})\.([A-Za-z0-9_-]{16})$/;

/** Makes and reads the read log's cursors under one key. */
export class ReadLogCursors {
  constructor(private readonly key: InternalKey) {}

  /** The cursor of a position in `subject`'s log. */
  encode(subject: string, p: ReadLogPosition): string {
    const body = `${VERSION}.${p.atMicros}.${p.id}`;
    return Buffer.from(`${body}.${this.check(subject, body).toString('base64url')}`, 'utf8').toString('base64url');
  }

  /** The position a cursor names in `subject`'s log; null when this service did not make it for that log. */
  decode(subject: string, cursor: string): ReadLogPosition | null {
    if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    // Why the round trip: base64url decoding skips stray trailing characters; a cursor must be exactly one we made.
    if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) return null;
    const m = TEXT.exec(text);
    if (!m) return null;
    const atMicros = BigInt(m[1]!);
    const id = BigInt(m[2]!);
    if (atMicros > MAX_MICROS || id > MAX_BIGINT) return null;
    const given = Buffer.from(m[3]!, 'base64url');
    const expected = this.check(subject, `${VERSION}.${m[1]}.${m[2]}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { atMicros, id };
  }

  private check(subject: string, body: string): Buffer {
    return this.key.mac(`${LABEL}\n${subject}\n${body}`).subarray(0, CHECK_BYTES);
  }
}
