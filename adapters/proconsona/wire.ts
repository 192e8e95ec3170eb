/**
 * Just enough of the PostgreSQL wire protocol (v3) for the emulator's fault
 * proxy: message framing in both directions and the few backend messages it
 * writes itself (ErrorResponse, ReadyForQuery and a fake result set).
 */

export const PROTOCOL_V3 = 196_608;
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

/** One framed message: its type byte (0 for startup-phase packets) and all its bytes. */
export interface Frame {
  readonly type: number;
  readonly bytes: Buffer;
}

/**
 * Splits a byte stream into messages. `typed` streams have a type byte
 * before the length (everything but a client's startup packets).
 */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
  }

  /** The next complete message, or undefined until more bytes arrive. Throws on an impossible length. */
  next(typed: boolean): Frame | undefined {
    const head = typed ? 5 : 4;
    if (this.buf.length < head) return undefined;
    const len = this.buf.readInt32BE(typed ? 1 : 0);
    if (len < 4 || len > 256 * 1024 * 1024) throw new RangeError('impossible message length');
    const total = len + (typed ? 1 : 0);
    if (this.buf.length < total) return undefined;
    const bytes = this.buf.subarray(0, total);
    this.buf = this.buf.subarray(total);
    return { type: typed ? bytes[0]! : 0, bytes };
  }

  /** Bytes received but not yet framed. */
  get pending(): number {
    return this.buf.length;
  }
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cstring(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

/** ErrorResponse with severity, SQLSTATE and message. */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlState: string, text: string): Buffer {
  return message(
    'E',
    Buffer.concat([
      Buffer.from('S'),
      cstring(severity),
      Buffer.from('V'),
      cstring(severity),
      Buffer.from('C'),
      cstring(sqlState),
      Buffer.from('M'),
      cstring(text),
      Buffer.from([0]),
    ]),
  );
}

/** ReadyForQuery, idle. */
export function readyForQuery(): Buffer {
  return message('Z', Buffer.from('I'));
}

export const PARSE_COMPLETE = message('1', Buffer.alloc(0));
export const BIND_COMPLETE = message('2', Buffer.alloc(0));

/** RowDescription of text-format columns with the given type OIDs. */
export function rowDescription(columns: readonly { name: string; typeOid: number }[]): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(2);
  count.writeInt16BE(columns.length);
  parts.push(count);
  for (const col of columns) {
    parts.push(cstring(col.name));
    const meta = Buffer.alloc(18);
    meta.writeInt32BE(0, 0); // table oid
    meta.writeInt16BE(0, 4); // column number
    meta.writeInt32BE(col.typeOid, 6);
    meta.writeInt16BE(-1, 10); // type size
    meta.writeInt32BE(-1, 12); // type modifier
    meta.writeInt16BE(0, 16); // text format
    parts.push(meta);
  }
  return message('T', Buffer.concat(parts));
}

/** DataRow of text values. */
export function dataRow(values: readonly (string | null)[]): Buffer {
  const parts: Buffer[] = [];
  const count = Buffer.alloc(2);
  count.writeInt16BE(values.length);
  parts.push(count);
  for (const v of values) {
    const len = Buffer.alloc(4);
    if (v === null) {
      len.writeInt32BE(-1);
      parts.push(len);
    } else {
      const b = Buffer.from(v, 'utf8');
      len.writeInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return message('D', Buffer.concat(parts));
}

/** CommandComplete with a tag such as `SELECT 1`. */
export function commandComplete(tag: string): Buffer {
  return message('C', cstring(tag));
}

/** Frontend message types the proxy cares about. */
export const FRONTEND = {
  QUERY: 'Q'.charCodeAt(0),
  PARSE: 'P'.charCodeAt(0),
  BIND: 'B'.charCodeAt(0),
  DESCRIBE: 'D'.charCodeAt(0),
  EXECUTE: 'E'.charCodeAt(0),
  SYNC: 'S'.charCodeAt(0),
  TERMINATE: 'X'.charCodeAt(0),
} as const;

export const READY_FOR_QUERY = 'Z'.charCodeAt(0);
