/**
 * The fixture codec: PostgreSQL's COPY text format with a header row.
 * One row per line, fields separated by a tab, `\N` for NULL; inside a
 * field a backslash escapes: `\\` `\t` `\n` `\r` `\b` `\f` `\v`, octal
 * `\NNN`, hex `\xHH`, and any other character stands for itself. A line
 * holding only `\.` ends the data. Shared by the emulator and the writer.
 */

export type Field = string | null;

export const NULL_MARKER = '\\N';

const ENCODE: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};
const NEEDS_ESCAPE = /[\\\t\n\r\b\f\v]/;
const ESCAPABLE = /[\\\t\n\r\b\f\v]/g;

/** Encodes one field (null → `\N`). */
export function encodeField(value: Field): string {
  if (value === null) return NULL_MARKER;
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPABLE, (ch) => ENCODE[ch]!) : value;
}

/** Encodes one row, newline included. */
export function encodeRow(values: readonly Field[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += '\t';
    out += encodeField(values[i]!);
  }
  return out + '\n';
}

const SIMPLE: Readonly<Record<string, string>> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes one raw field (the text between tabs). */
export function decodeField(raw: string): Field {
  if (raw === NULL_MARKER) return null;
  if (!raw.includes('\\')) return raw;
  let out = '';
  // Octal and hex escapes denote bytes (of UTF-8 text); gather them and decode together.
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) {
      out += utf8.decode(new Uint8Array(bytes));
      bytes = [];
    }
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\' || i === raw.length - 1) {
      flush();
      out += ch;
      continue;
    }
    const next = raw[i + 1]!;
    if (next >= '0' && next <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < raw.length && j < i + 4 && raw[j]! >= '0' && raw[j]! <= '7') v = v * 8 + Number(raw[j++]);
      bytes.push(v & 0xff);
      i = j - 1;
      continue;
    }
    if (next === 'x' && /[0-9a-fA-F]/.test(raw[i + 2] ?? '')) {
      let j = i + 2;
      let hex = '';
      while (j < raw.length && j < i + 4 && /[0-9a-fA-F]/.test(raw[j]!)) hex += raw[j++];
      bytes.push(parseInt(hex, 16));
      i = j - 1;
      continue;
    }
    flush();
    out += SIMPLE[next] ?? next;
    i++;
  }
  flush();
  return out;
}

/** Splits one line (without its newline) into decoded fields. */
export function decodeLine(line: string): Field[] {
  return line.split('\t').map(decodeField);
}

export interface TsvRow {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly values: readonly Field[];
}

export interface TsvTable {
  readonly header: readonly string[];
  readonly rows: readonly TsvRow[];
}

/**
 * Parses a whole file: header row, then data rows. Accepts `\n` and `\r\n`
 * line ends and a leading byte-order mark; skips empty lines; stops at `\.`.
 */
export function parseTsv(text: string): TsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  let header: string[] | undefined;
  const rows: TsvRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '\\.') break;
    if (line === '') continue;
    if (header === undefined) {
      header = line.split('\t').map((h) => h.trim());
      continue;
    }
    rows.push({ line: i + 1, values: decodeLine(line) });
  }
  return { header: header ?? [], rows };
}

/** The header row of a file with these columns, newline included. */
export function headerRow(columns: readonly string[]): string {
  return columns.join('\t') + '\n';
}
