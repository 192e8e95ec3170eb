/**
 * Independent oracle for Mediatri's CSV reader (issue 16): our parseCsv
 * against csv-parse (sync API) in mediatri.md's dialect — `;` separator,
 * `"` quotes doubled inside quotes, CRLF line ends (a bare LF tolerated by
 * ours, so allowed to both), no relaxed quotes, empty lines skipped — on
 * documents our writer (formatRecord) makes from seeded rows with `;`, `"`,
 * line breaks, Windows-1252-only characters (€ Š ‰ “ ” …) and empty fields,
 * then mutated (a quote, separator or line end inserted, a character
 * deleted, the text cut short). Both go through the wire's bytes: encoded
 * with iconv-lite as the emulator does, decoded by ours and by iconv-lite
 * directly for csv-parse (not by TextDecoder: Node 20's
 * TextDecoder('windows-1252') reads 0x80–0x9F as C1 controls, not € Š …,
 * against the WHATWG table). Both read the same rows and fields, or both
 * refuse; when ours refuses, its row names the line, and readTable's answer
 * names the file.
 *
 * Seeded: `ORACLE_SEED=… ORACLE_CASES=… npx vitest run adapters/mediatri/csv.oracle.test.ts`.
 */
import { CsvError, parse, type Options } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { AdapterError, instance as instanceOf } from '../../domain/index.ts';
import { caseRandom, describeCase, oracleCases, oracleSeed, type Random } from '../../test/oracle/random.ts';
import { decodeWindows1252, encodeWindows1252, formatRecord, parseCsv, type CsvRow } from './csv.ts';
import { COLUMNS, TABLES, headerRow, type Table } from './format.ts';
import { readTable } from './map.ts';

const SEED = oracleSeed();
const CASES = oracleCases(3000);
const inst = instanceOf('mediatri-sipoo');

/** csv-parse in mediatri.md's dialect. */
const DIALECT: Options = {
  delimiter: ';',
  quote: '"',
  escape: '"',
  record_delimiter: ['\r\n', '\n'],
  relax_quotes: false,
  relax_column_count: true,
  skip_empty_lines: true,
  bom: false,
  trim: false,
};

const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-/:()';
const LATIN1 = 'äöåÄÖÅéüßÿ×÷ñ\u00a0';
/** Characters Windows-1252 holds at 0x80–0x9F, where ISO-8859-1 has control codes. */
const CP1252_ONLY = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
const SPECIAL = [';', '"', '""', '\r\n', '\n', '\r', ';"', '"\r\n"'];

function fieldText(r: Random): string {
  const roll = r.next();
  if (roll < 0.15) return '';
  const n = r.int(1, 12);
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = r.next();
    out += k < 0.55 ? r.string(PLAIN, 1) : k < 0.7 ? r.string(LATIN1, 1) : k < 0.82 ? r.string(CP1252_ONLY, 1) : r.pick(SPECIAL);
  }
  return out;
}

interface Document {
  readonly text: string;
  /** The rows written, when the document was not mutated. */
  readonly rows?: readonly (readonly string[])[];
  readonly table?: Table;
  readonly what: string;
}

/** A document our writer makes: a table's header (or another), rows of that width (sometimes not), CRLF or LF, maybe cut. */
function document(r: Random): Document {
  const table = r.chance(0.7) ? r.pick(TABLES) : undefined;
  const header: readonly string[] = table ? COLUMNS[table] : Array.from({ length: r.int(1, 5) }, () => r.string('ABCDEFGH', r.int(1, 6)));
  const width = header.length;
  const rows: string[][] = [header.slice()];
  const count = r.chance(0.15) ? 0 : r.int(1, 6);
  for (let i = 0; i < count; i++) {
    const w = r.chance(0.9) ? width : r.int(1, width + 2);
    rows.push(Array.from({ length: w }, () => fieldText(r)));
  }
  // A record of one empty field is an empty line, which both readers skip: it cannot be written.
  const writable = rows.filter((row) => !(row.length === 1 && row[0] === ''));
  const lf = r.chance(0.25);
  let text = writable.map((row) => (lf ? formatRecord(row).replace(/\r\n$/, '\n') : formatRecord(row))).join('');
  let what = `${table ?? 'other'} table, ${writable.length - 1} rows${lf ? ', LF' : ''}`;
  if (r.chance(0.05)) {
    text = text.replace(/\r?\n$/, '');
    what += ', no final line end';
  }
  if (r.chance(0.4)) {
    const m = mutate(r, text);
    return { text: m.text, what: `${what}, ${m.what}`, ...(table ? { table } : {}) };
  }
  return { text, rows: writable, what, ...(table ? { table } : {}) };
}

/** One or two edits a broken export or a hand-edited file shows. */
function mutate(r: Random, text: string): { text: string; what: string } {
  let out = text;
  const edits: string[] = [];
  for (let k = r.int(1, 2); k > 0; k--) {
    const at = r.int(0, out.length);
    const kind = r.pick(['quote', 'separator', 'crlf', 'lf', 'cr', 'delete', 'cut', 'space', 'doubled quote'] as const);
    edits.push(`${kind} at ${at}`);
    const insert = { quote: '"', separator: ';', crlf: '\r\n', lf: '\n', cr: '\r', space: ' ', 'doubled quote': '""' } as const;
    if (kind === 'delete') out = out.slice(0, at) + out.slice(at + 1);
    else if (kind === 'cut') out = out.slice(0, at);
    else out = out.slice(0, at) + insert[kind] + out.slice(at);
  }
  return { text: out, what: `mutated (${edits.join(', ')})` };
}

type Reading = { readonly ok: true; readonly rows: string[][] } | { readonly ok: false; readonly code: string; readonly line: number };

function oracleRead(text: string, strictColumns = false): Reading {
  try {
    const rows = parse(text, { ...DIALECT, relax_column_count: !strictColumns }) as string[][];
    return { ok: true, rows };
  } catch (e) {
    if (e instanceof CsvError) return { ok: false, code: e.code, line: Number((e as unknown as { lines?: number }).lines ?? 0) };
    throw e;
  }
}

function physicalLines(text: string): number {
  return text.split('\n').length;
}

function runCase(r: Random): string {
  const doc = document(r);
  // The wire: Windows-1252 bytes, encoded as the emulator does.
  const bytes = encodeWindows1252(doc.text);
  const ourText = decodeWindows1252(bytes);
  const theirText = iconv.decode(bytes, 'windows-1252');
  if (ourText !== theirText || ourText !== doc.text) expect([ourText, theirText]).toEqual([doc.text, doc.text]);

  const ours = parseCsv(ourText);
  const theirs = oracleRead(theirText);
  const problems = ours.rows.filter((row) => row.problem !== undefined);
  if (!theirs.ok) {
    // Both refuse, and ours says where: the line a bad record starts on, no later than where csv-parse stopped.
    expect(problems.length, `csv-parse refused (${theirs.code}); ours read ${JSON.stringify(ours.rows).slice(0, 400)}`).toBeGreaterThan(0);
    const first = problems[0]!;
    expect(first.line).toBeGreaterThanOrEqual(1);
    expect(first.line).toBeLessThanOrEqual(Math.max(theirs.line, 1));
    expect(first.line).toBeLessThanOrEqual(physicalLines(ourText));
    if (doc.table) checkReadTable(doc.table, bytes, ours.rows);
    return `refused (${theirs.code})`;
  }
  if (problems.length > 0) expect(problems, `csv-parse read ${JSON.stringify(theirs.rows).slice(0, 400)}`).toEqual([]);
  const fields = ours.rows.map((row) => row.fields);
  // Compared by hand first (expect() on every case is slow); on a difference expect() gives the diff.
  if (JSON.stringify(fields) !== JSON.stringify(theirs.rows)) expect(fields).toEqual(theirs.rows);
  if (doc.rows && JSON.stringify(theirs.rows) !== JSON.stringify(doc.rows)) expect(theirs.rows).toEqual(doc.rows);
  // A wrong number of fields: csv-parse's strict column count refuses exactly where ours, told the header's width, reports.
  const width = theirs.rows[0]?.length ?? 0;
  const strict = oracleRead(theirText, true);
  const counted = parseCsv(ourText, { fieldCount: width }).rows.filter((row) => row.problem !== undefined);
  expect(strict.ok).toBe(counted.length === 0);
  if (doc.table) checkReadTable(doc.table, bytes, ours.rows);
  return strict.ok ? 'read alike' : 'refused by column count';
}

/** What the adapter makes of the same bytes: a body-level refusal names the file; a row-level one the file and line. */
function checkReadTable(table: Table, bytes: Buffer, rows: readonly CsvRow[]): void {
  const read = readTable(inst.id, table, bytes);
  if (read instanceof AdapterError) {
    expect(read.message).toContain(`${table}.csv`);
    return;
  }
  expect(rows[0]?.raw).toBe(headerRow(table));
  for (const row of read) if (row.problem !== undefined) expect(row.line).toBeGreaterThan(1);
}

describe('Mediatri CSV against csv-parse', () => {
  it(`reads the same rows and fields, or both refuse (${CASES} seeded cases)`, () => {
    const tally: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const r = caseRandom(SEED, i);
      try {
        const outcome = runCase(r);
        const key = outcome.startsWith('refused (') ? 'refused' : outcome;
        tally[key] = (tally[key] ?? 0) + 1;
      } catch (e) {
        throw new Error(`${describeCase(SEED, i)}: ${(e as Error).message}`, { cause: e });
      }
    }
    if (process.env['ORACLE_TALLY']) console.log(tally);
    if (CASES >= 1000) for (const k of ['read alike', 'refused', 'refused by column count']) expect(tally[k] ?? 0, k).toBeGreaterThan(20);
  });

  it('the fixture exports read alike', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const instance of ['mediatri-loviisa', 'mediatri-sipoo'])
      for (const table of TABLES) {
        const bytes = readFileSync(join(import.meta.dirname, '../../fixtures', instance, `${table}.csv`));
        const ours = parseCsv(decodeWindows1252(bytes));
        const theirs = oracleRead(iconv.decode(bytes, 'windows-1252'));
        if (!theirs.ok) throw new Error(`csv-parse refused ${instance}/${table}.csv: ${theirs.code}`);
        expect(ours.rows.filter((row) => row.problem !== undefined)).toEqual([]);
        expect(ours.rows.map((row) => row.fields)).toEqual(theirs.rows);
      }
  });
});
