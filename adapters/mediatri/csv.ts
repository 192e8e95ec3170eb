/**
 * The CSV dialect of Mediatri's export service (mediatri.md): `;` separator,
 * CRLF line ends, fields quoted with `"` when they hold `;`, `"` (doubled
 * inside quotes) or a line break; quoted fields may span lines. Text is
 * Windows-1252. Pure: no I/O.
 */
import iconv from 'iconv-lite';

export const SEPARATOR = ';';
export const LINE_END = '\r\n';

/**
 * Decodes Windows-1252 bytes. Explicit about the code page: WHATWG's
 * TextDecoder('latin1') is in fact windows-1252 too, Buffer's 'latin1' is
 * ISO-8859-1 (0x80 would not be `€`), so neither name is trusted here.
 * Bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode
 * to U+FFFD; see `invalidWindows1252`.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
}

/** Encodes text as Windows-1252; characters it cannot hold become `?`. */
export function encodeWindows1252(text: string): Buffer {
  return iconv.encode(text, 'windows-1252');
}

// Everything outside these ranges needs the (slower) round trip to know whether 1252 holds it.
// eslint-disable-next-line no-control-regex -- the range deliberately starts at NUL: every ASCII character is plain.
const PLAIN = /^[\x00-\x7f\xa0-\xff]*$/;

/** The text as it reads back after a Windows-1252 round trip (unrepresentable characters become `?`). */
export function toWindows1252Repertoire(text: string): string {
  return PLAIN.test(text) ? text : decodeWindows1252(encodeWindows1252(text));
}

/** True when decoded text shows bytes that are not Windows-1252 text (undefined code points or NUL). */
export function invalidWindows1252(text: string): boolean {
  return text.includes('\ufffd') || text.includes('\0');
}

const NEEDS_QUOTES = /[;"\r\n]/;

/** One field as written: quoted (inner quotes doubled) only when it holds `;`, `"` or a line break. */
export function quoteField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record as written, with its CRLF. */
export function formatRecord(fields: readonly string[]): string {
  return fields.map(quoteField).join(SEPARATOR) + LINE_END;
}

/** One record as read. */
export interface CsvRow {
  /** The physical line (1-based) on which the record starts. */
  readonly line: number;
  /** The record's text exactly as it stood, without its line end. */
  readonly raw: string;
  /** Field values, unquoted. Partial when `problem` says the quote never closed. */
  readonly fields: readonly string[];
  /** Why the record is not well formed (one sentence, no content); absent when it is. */
  readonly problem?: string;
  /** True when the record ran to the end of the text inside a quoted field. */
  readonly unterminated?: boolean;
}

export interface CsvText {
  readonly rows: readonly CsvRow[];
  /** True when the text is empty or ends with a line end (a complete export always does). */
  readonly endsWithLineEnd: boolean;
}

/**
 * Reads CSV text into records. Never throws on content: an unterminated
 * quote, a stray quote or (with `fieldCount`) a wrong number of fields is
 * reported as that record's `problem`. Line ends outside quotes are CRLF
 * or a bare LF; empty lines are skipped.
 */
export function parseCsv(text: string, options: { fieldCount?: number } = {}): CsvText {
  const rows: CsvRow[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    let problem: string | undefined;
    let unterminated = false;
    let end = -1; // index of the record's line end, -1 at end of text
    // One field per iteration.
    for (;;) {
      let value = '';
      if (text.charCodeAt(i) === 0x22 /* " */) {
        i++;
        let closed = false;
        while (i < n) {
          const q = text.indexOf('"', i);
          if (q < 0) break;
          value += text.slice(i, q);
          line += countLf(text, i, q);
          if (text.charCodeAt(q + 1) === 0x22) {
            value += '"';
            i = q + 2;
          } else {
            i = q + 1;
            closed = true;
            break;
          }
        }
        if (!closed) {
          value += text.slice(i);
          line += countLf(text, i, n);
          i = n;
          problem ??= 'expected a closing quote, received the end of the data';
          unterminated = true;
        }
        // After a closing quote only a separator or a line end may follow.
        const c = text.charCodeAt(i);
        if (i < n && c !== 0x3b && c !== 0x0a && !(c === 0x0d && text.charCodeAt(i + 1) === 0x0a)) {
          problem ??= 'expected a separator or line end after a closing quote, received other text';
          const stop = nextStop(text, i);
          value += text.slice(i, stop);
          i = stop;
        }
      } else {
        const stop = nextStop(text, i);
        value = text.slice(i, stop);
        if (value.includes('"')) problem ??= 'expected a quote only inside a quoted field, received one in an unquoted field';
        i = stop;
      }
      fields.push(value);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === 0x3b) {
        i++;
        continue;
      }
      // A line end (nextStop stops only at `;`, LF or CRLF).
      end = i;
      i += c === 0x0d ? 2 : 1;
      line++;
      break;
    }
    const raw = text.slice(start, end < 0 ? n : end);
    if (raw === '') continue;
    if (problem === undefined && options.fieldCount !== undefined && fields.length !== options.fieldCount) {
      problem = `expected ${options.fieldCount} fields, received ${fields.length}`;
    }
    const row: CsvRow =
      problem === undefined
        ? { line: startLine, raw, fields }
        : unterminated
          ? { line: startLine, raw, fields, problem, unterminated }
          : { line: startLine, raw, fields, problem };
    rows.push(row);
  }
  const endsWithLineEnd = n === 0 || text.endsWith('\n');
  return { rows, endsWithLineEnd };
}

/** Index of the next `;`, LF or CRLF at or after `from` (or the text's length). */
function nextStop(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x3b || c === 0x0a) return j;
    if (c === 0x0d && text.charCodeAt(j + 1) === 0x0a) return j;
  }
  return text.length;
}

function countLf(text: string, from: number, to: number): number {
  let k = 0;
  for (let j = text.indexOf('\n', from); j >= 0 && j < to; j = text.indexOf('\n', j + 1)) k++;
  return k;
}
