/**
 * Pegasos's wire format (pegasos.md), shared by the emulator, the adapter
 * and the fixture writer: query names, identifier types, the character set,
 * timestamps, and the request and answer messages. No canonical mapping here.
 */
import { fromHelsinkiLocal, helsinkiOffsetMinutes, isValidLocal, p2, toHelsinkiLocal } from '../../domain/index.ts';
import { components, mshSegment, raw, segment, type Part } from './hl7.ts';
import { encodeFrame } from './mllp.ts';

/** `QPD-1` of each query Pegasos answers. */
export const QUERIES = {
  patient: 'Q_POTILAS^Potilashaku^PEGASOS',
  appointments: 'Q_AJANVARAUKSET^Ajanvaraukset^PEGASOS',
  fees: 'Q_MAKSUT^Maksut^PEGASOS',
  changed: 'Q_MUUTTUNEET^Muuttuneet^PEGASOS',
} as const;

export type QueryName = 'Q_POTILAS' | 'Q_AJANVARAUKSET' | 'Q_MAKSUT' | 'Q_MUUTTUNEET';

/** Identifier type (CX-5) of the identity code in `PID-3`. */
export const ID_TYPE_HETU = 'NNFIN';
/** Identifier type (CX-5) of Pegasos's own patient id in `PID-3`. */
export const ID_TYPE_LOCAL = 'PI';
/** Assigning authority of the identity code: `&1.2.246.21&ISO`. */
export const HETU_OID = '1.2.246.21';

/** `MSH-18`: ISO-8859-1. */
export const CHARSET = '8859/1';
/** Buffer encoding of the wire and the fixture files. */
export const WIRE_ENCODING = 'latin1' as const;
/** Rows per changed-patients answer (`RCP-2` = `500^RD`). */
export const CHANGED_PAGE_ROWS = 500;

/** `ERR-3` codes (HL7 table 0357) the emulator uses. */
export const ERR = {
  segmentSequence: '100^Segment sequence error',
  requiredMissing: '101^Required field missing',
  dataType: '102^Data type error',
  unsupportedMessage: '200^Unsupported message type',
  unknownKey: '204^Unknown key identifier',
  internal: '207^Application internal error',
} as const;

/** `ERR-2` location of `QPD-3` (the identity code or the since time): segment^sequence^field. */
export const ERR_LOCATION_QPD3 = 'QPD^1^3';

/** Text that is safe to write as ISO-8859-1: characters outside it become `?`. */
export function latin1Safe(text: string): string {
  // eslint-disable-next-line no-control-regex -- the Latin-1 range deliberately starts at NUL.
  return /[^\u0000-\u00ff]/.test(text) ? text.replace(/[^\u0000-\u00ff]/gu, '?') : text;
}

/** Encodes a message for the wire (ISO-8859-1, unrepresentable characters as `?`). */
export function encodeWire(message: string): Buffer {
  return Buffer.from(latin1Safe(message), WIRE_ENCODING);
}

/** Frames a message for MLLP. */
export function frame(message: string): Buffer {
  return encodeFrame(encodeWire(message));
}

/**
 * Decodes a received payload: ISO-8859-1 as the spec says, unless its own
 * MSH-18 declares UTF-8 (then the bytes are re-read as UTF-8).
 */
export function decodeWire(payload: Buffer): string {
  const text = payload.toString(WIRE_ENCODING);
  const msh = text.slice(0, text.search(/\r|\n|$/));
  const charset = msh.split(msh[3] ?? '|')[17];
  return charset !== undefined && /UTF-?8/i.test(charset) ? payload.toString('utf8') : text;
}

/** `YYYYMMDDHHMMSS` Helsinki local time of an instant (MSH-7, EVN-2, QPD-3 of Q_MUUTTUNEET). */
export function helsinkiStamp(epochMs: number): string {
  const t = toHelsinkiLocal(epochMs);
  return `${String(t.year).padStart(4, '0')}${p2(t.month)}${p2(t.day)}${p2(t.hour)}${p2(t.minute)}${p2(t.second)}`;
}

/** Reads `YYYYMMDDHHMMSS` (seconds optional) as Helsinki local time; undefined when not a real local time. */
export function parseHelsinkiStamp(stamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$/.exec(stamp);
  if (!m) return undefined;
  const r = fromHelsinkiLocal({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +(m[6] ?? 0) });
  return r.ok ? r.epochMs : undefined;
}

/** `YYYYMMDDHHMM+HHMM`: an instant as Helsinki local time with the offset of that moment (SCH-11.4/.5). */
export function offsetStamp(epochMs: number): string {
  const t = toHelsinkiLocal(epochMs);
  const off = helsinkiOffsetMinutes(epochMs);
  return `${String(t.year).padStart(4, '0')}${p2(t.month)}${p2(t.day)}${p2(t.hour)}${p2(t.minute)}+${p2(off / 60)}00`;
}

/**
 * Reads `YYYYMMDDHHMM[SS]±HHMM` to epoch ms; a value without an offset is
 * read as Helsinki local time. Undefined when it is neither.
 */
export function parseOffsetStamp(stamp: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:([+-])(\d{2})(\d{2}))?$/.exec(stamp);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +(m[6] ?? 0)];
  if (m[7] === undefined) return parseHelsinkiStamp(stamp);
  if (!isValidLocal({ year, month, day, hour, minute, second }) || +m[9]! > 59 || +m[8]! > 14) return undefined;
  const offsetMin = (m[7] === '-' ? -1 : 1) * (+m[8]! * 60 + +m[9]!);
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000;
}

/** What a query asks. */
export interface QueryRequest {
  readonly controlId: string;
  /** `QPD-2`, echoed in `QAK-1`. */
  readonly tag: string;
  readonly query: QueryName;
  /** `QPD-3` onwards, as text. */
  readonly params: readonly (string | undefined)[];
  /** `RCP-2` row limit. */
  readonly maxRows?: number;
  /** `DSC-1` continuation pointer of the previous answer. */
  readonly continuation?: string;
  /** Sending time, epoch ms (MSH-7). */
  readonly now: number;
}

/** The `QBP^Q11` request message (segments end in CR). */
export function buildQuery(q: QueryRequest): string {
  const segs = [
    mshSegment(
      'ALUEGRAAFI',
      'ITA-UUSIMAA',
      'PEGASOS',
      'LOVIISA',
      helsinkiStamp(q.now),
      undefined,
      raw('QBP^Q11^QBP_Q11'),
      q.controlId,
      'P',
      '2.5',
      undefined,
      undefined,
      undefined,
      undefined,
      'FIN',
      CHARSET,
    ),
    segment('QPD', raw(QUERIES[queryKey(q.query)]), q.tag, ...q.params),
    segment('RCP', 'I', q.maxRows === undefined ? undefined : components(String(q.maxRows), 'RD')),
  ];
  if (q.continuation !== undefined) segs.push(segment('DSC', q.continuation, 'I'));
  return segs.map((s) => `${s}\r`).join('');
}

function queryKey(q: QueryName): keyof typeof QUERIES {
  return q === 'Q_POTILAS' ? 'patient' : q === 'Q_AJANVARAUKSET' ? 'appointments' : q === 'Q_MAKSUT' ? 'fees' : 'changed';
}

/** The header segments of an answer (`MSH`, `MSA`, and `ERR` when one is given). */
export interface AnswerHeader {
  readonly controlId: string;
  readonly requestControlId: string;
  readonly now: number;
  /** `MSA-1`. */
  readonly ack: 'AA' | 'AE' | 'AR';
  /** `ERR-3` code^text (already encoded) and optional `ERR-2` location. */
  readonly error?: { readonly code: string; readonly location?: string };
  /** Receiving application/facility (the request's MSH-3/MSH-4). */
  readonly to?: readonly [Part, Part];
}

/** `MSH`, `MSA` (and `ERR`) of an `RSP^K11` answer. */
export function answerHeader(h: AnswerHeader): string[] {
  const segs = [
    mshSegment(
      'PEGASOS',
      'LOVIISA',
      h.to?.[0],
      h.to?.[1],
      helsinkiStamp(h.now),
      undefined,
      raw('RSP^K11^RSP_K11'),
      h.controlId,
      'P',
      '2.5',
      undefined,
      undefined,
      undefined,
      undefined,
      'FIN',
      CHARSET,
    ),
    segment('MSA', h.ack, h.requestControlId),
  ];
  if (h.error)
    segs.push(segment('ERR', undefined, h.error.location === undefined ? undefined : raw(h.error.location), raw(h.error.code), 'E'));
  return segs;
}
