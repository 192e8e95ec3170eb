/**
 * The emulator's loader: reads an instance's fixture files, checks every
 * row against the view's column types (a row the real database could not
 * hold is skipped and counted, never fatal), and turns the rest into DDL and
 * bulk-load statements for private tables behind the documented views.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidIsoDate, isValidLocal } from '../../domain/index.ts';
import { fixtureFileName, PALVELUTEHTAVAT, quoteIdent, VIEW_NAMES, VIEWS, type ColumnDef, type ViewName } from './format.ts';
import { encodeRow, parseTsv, type Field } from './tsv.ts';

/** A fixture row that was not loaded, and why (no data quoted). */
export interface SkippedRow {
  readonly view: ViewName;
  readonly line: number;
  readonly reason: string;
}

/** One view's rows, in the view's column order, each value valid for its type. */
export interface LoadedView {
  readonly view: ViewName;
  readonly rows: Field[][];
}

export interface LoadedInstance {
  readonly views: readonly LoadedView[];
  readonly skipped: readonly SkippedRow[];
}

/** Reads and checks every view file of `{fixturesDir}/{instance}/`. A missing file is an empty view. */
export async function readInstanceFixtures(dir: string): Promise<LoadedInstance> {
  const skipped: SkippedRow[] = [];
  const views: LoadedView[] = [];
  for (const view of VIEW_NAMES) {
    let text: string | undefined;
    try {
      text = await readFile(join(dir, fixtureFileName(view)), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) {
      // Every installation has the seven service tasks, even with no file for them.
      const rows = view === 'V_PALVELUTEHTAVA' ? PALVELUTEHTAVAT.map((p) => [String(p.id), p.nimi]) : [];
      views.push({ view, rows });
      continue;
    }
    views.push(checkView(view, text, skipped));
  }
  return { views, skipped };
}

/** Parses one view's file and keeps the rows that fit the column types. */
export function checkView(view: ViewName, text: string, skipped: SkippedRow[]): LoadedView {
  const columns = VIEWS[view];
  const { header, rows } = parseTsv(text);
  const positions = columns.map((col) => header.indexOf(col.name));
  const out: Field[][] = [];
  for (const row of rows) {
    if (row.values.length !== header.length) {
      skipped.push({ view, line: row.line, reason: `expected ${header.length} fields, received ${row.values.length}` });
      continue;
    }
    const values: Field[] = [];
    let bad: string | undefined;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i]!;
      const at = positions[i]!;
      const raw = at < 0 ? null : row.values[at]!;
      const checked = checkValue(col, raw);
      if (!checked.ok) {
        bad = `expected ${col.name} as ${col.type}, received a value of another form`;
        break;
      }
      values.push(checked.value);
    }
    if (bad) skipped.push({ view, line: row.line, reason: bad });
    else out.push(values);
  }
  return { view, rows: out };
}

type Checked = { ok: true; value: Field } | { ok: false };

const INTEGER = /^[+-]?\d{1,10}$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;

/** Checks one value against its SQL type, as the database would on insert. */
export function checkValue(col: ColumnDef, raw: Field): Checked {
  if (raw === null) return { ok: true, value: null };
  if (raw.includes('\u0000')) return { ok: false };
  switch (col.type) {
    case 'integer':
    case 'smallint': {
      const t = raw.trim();
      if (!INTEGER.test(t)) return { ok: false };
      const n = Number(t);
      const limit = col.type === 'integer' ? 2 ** 31 : 2 ** 15;
      return n >= -limit && n < limit ? { ok: true, value: String(n) } : { ok: false };
    }
    case 'char(1)':
    case 'char(3)': {
      const max = col.type === 'char(1)' ? 1 : 3;
      return raw.replace(/ +$/, '').length <= max ? { ok: true, value: raw } : { ok: false };
    }
    case 'date':
      return isValidIsoDate(raw.trim()) ? { ok: true, value: raw.trim() } : { ok: false };
    case 'timestamp': {
      const m = TIMESTAMP.exec(raw.trim());
      if (!m) return { ok: false };
      const ok = isValidLocal({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! });
      return ok ? { ok: true, value: raw.trim() } : { ok: false };
    }
    case 'text':
      return { ok: true, value: raw };
  }
}

/** Where the private tables and the views live. */
export interface Schemas {
  readonly data: string;
  readonly views: string;
}

/** DDL creating the private tables (no indexes yet: they are built after the bulk load). */
export function createTablesSql(schemas: Schemas): string {
  const out: string[] = [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemas.data)};`];
  if (schemas.views !== 'public') out.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schemas.views)};`);
  for (const view of VIEW_NAMES) {
    const cols = VIEWS[view].map((col) => `${quoteIdent(col.name)} ${col.type}`).join(', ');
    out.push(`CREATE TABLE ${table(schemas, view)} (${cols});`);
  }
  return out.join('\n');
}

/**
 * Indexes the adapter's lookups use, and the documented views over the
 * tables. The identity-code index is on the same expression the adapter
 * compares, so legacy forms are found without a full scan.
 */
export function createViewsSql(schemas: Schemas): string {
  const out: string[] = [
    `CREATE INDEX ON ${table(schemas, 'V_ASIAKAS')} ("ASIAKAS_ID");`,
    `CREATE INDEX ON ${table(schemas, 'V_ASIAKAS')} ((upper(regexp_replace("HETU", '\\s', '', 'g'))));`,
    `CREATE INDEX ON ${table(schemas, 'V_ASIAKAS')} ("MUUTETTU");`,
    `CREATE INDEX ON ${table(schemas, 'V_ASIAKKUUS')} ("ASIAKAS_ID");`,
    `CREATE INDEX ON ${table(schemas, 'V_PAATOS')} ("ASIAKKUUS_ID");`,
    `CREATE INDEX ON ${table(schemas, 'V_SUUNNITELMA')} ("ASIAKKUUS_ID");`,
    `CREATE INDEX ON ${table(schemas, 'V_MAKSU')} ("ASIAKAS_ID");`,
    `CREATE INDEX ON ${table(schemas, 'V_SUOSTUMUS')} ("ASIAKAS_ID");`,
  ];
  for (const view of VIEW_NAMES) {
    const cols = VIEWS[view].map((col) => quoteIdent(col.name)).join(', ');
    out.push(`CREATE VIEW ${quoteIdent(schemas.views)}.${quoteIdent(view)} AS SELECT ${cols} FROM ${table(schemas, view)};`);
  }
  // Planner statistics for the loaded tables only (a database-wide ANALYZE costs more than the load).
  out.push(`ANALYZE ${VIEW_NAMES.map((view) => table(schemas, view)).join(', ')};`);
  return out.join('\n');
}

/** The private table behind a view. */
export function table(schemas: Schemas, view: ViewName): string {
  return `${quoteIdent(schemas.data)}.${quoteIdent(view)}`;
}

/** The rows of a view as COPY text (no header), for a bulk `COPY … FROM`. */
export function copyText(rows: readonly Field[][]): string {
  let out = '';
  for (const row of rows) out += encodeRow(row);
  return out;
}

/**
 * Multi-row INSERT statements with parameters, for a server that is not
 * PGlite (no COPY FROM a blob there without an extra client library).
 */
export function insertStatements(schemas: Schemas, view: ViewName, rows: readonly Field[][]): { text: string; values: Field[] }[] {
  const columns = VIEWS[view];
  const perStatement = Math.max(1, Math.floor(60_000 / columns.length));
  const out: { text: string; values: Field[] }[] = [];
  const names = columns.map((col) => quoteIdent(col.name)).join(', ');
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: Field[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const params = columns.map((col, i) => {
        values.push(row[i]!);
        return `$${values.length}::${col.type}`;
      });
      tuples.push(`(${params.join(', ')})`);
    }
    out.push({ text: `INSERT INTO ${table(schemas, view)} (${names}) VALUES ${tuples.join(', ')}`, values });
  }
  return out;
}
