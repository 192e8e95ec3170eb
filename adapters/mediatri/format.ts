/**
 * Mediatri's export service on the wire (mediatri.md): tables, headers,
 * paths, and the date/time forms (`D.M.YYYY`, `H.MM`, `D.M.YYYY H.MM.SS`,
 * `YYYYMMDDHHMMSS`), all Helsinki local. No canonical mapping here.
 */
import { parseInstant, toHelsinkiLocal } from '../../domain/index.ts';
import type { LocalDateTime } from '../../domain/index.ts';

export const TABLES = ['potilas', 'ajanvaraus', 'lasku'] as const;
export type Table = (typeof TABLES)[number];

/** Column names of each table, in order. */
export const COLUMNS = {
  potilas: [
    'HETU',
    'SUKUNIMI',
    'ETUNIMET',
    'SYNT',
    'SUKUP',
    'KOTIKUNTA',
    'KIELI',
    'OSOITE',
    'POSTINRO',
    'POSTITMP',
    'PUHELIN',
    'TURVAKIELTO',
    'MUUTETTU',
  ],
  ajanvaraus: [
    'VARAUSNRO',
    'HETU',
    'PVM',
    'KLO',
    'KESTO',
    'ALUE',
    'TYYPPI',
    'YHTEYS',
    'YKSIKKO',
    'YKSIKKO_OID',
    'TEKIJA',
    'TILA',
    'LISATIETO',
  ],
  lasku: ['LASKUNRO', 'HETU', 'PVM', 'SELITE', 'SUMMA', 'KATTO', 'TILA'],
} as const satisfies Record<Table, readonly string[]>;

/** The header row of a table, without its line end. */
export function headerRow(table: Table): string {
  return COLUMNS[table].join(';');
}

/** Index of the HETU column of a table. */
export function hetuColumn(table: Table): number {
  return (COLUMNS[table] as readonly string[]).indexOf('HETU');
}

/** The file name of a table (`potilas.csv`), as used in paths and record positions. */
export function fileName(table: Table): string {
  return `${table}.csv`;
}

/** True when the string names a table. */
export function isTable(name: string): name is Table {
  return (TABLES as readonly string[]).includes(name);
}

/** The path of a table's export (without query). */
export function exportPath(instance: string, table: Table): string {
  return `/mediatri/${encodeURIComponent(instance)}/export/${table}.csv`;
}

const DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const TIME = /^(\d{1,2})\.(\d{2})$/;
const TIMESTAMP = /^(\d{1,2})\.(\d{1,2})\.(\d{4}) (\d{1,2})\.(\d{2})\.(\d{2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** `D.M.YYYY` → parts; undefined when the text has another form (calendar validity is not checked). */
export function parseDate(text: string): { year: number; month: number; day: number } | undefined {
  const m = DATE.exec(text);
  return m ? { day: +m[1]!, month: +m[2]!, year: +m[3]! } : undefined;
}

/** `H.MM` → parts; undefined when the text has another form. */
export function parseTime(text: string): { hour: number; minute: number } | undefined {
  const m = TIME.exec(text);
  return m ? { hour: +m[1]!, minute: +m[2]! } : undefined;
}

/** `D.M.YYYY H.MM.SS` → local date-time; undefined when the text has another form. */
export function parseTimestamp(text: string): LocalDateTime | undefined {
  const m = TIMESTAMP.exec(text);
  return m ? { day: +m[1]!, month: +m[2]!, year: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! } : undefined;
}

/** `YYYYMMDDHHMMSS` (the `muuttunut` parameter) → local date-time; undefined when of another form. */
export function parseCompact(text: string): LocalDateTime | undefined {
  const m = COMPACT.exec(text);
  return m ? { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! } : undefined;
}

/** `D.M.YYYY` */
export function formatDate(t: { year: number; month: number; day: number }): string {
  return `${t.day}.${t.month}.${t.year}`;
}

/** `H.MM` */
export function formatTime(t: { hour: number; minute: number }): string {
  return `${t.hour}.${pad2(t.minute)}`;
}

/** `D.M.YYYY H.MM.SS` */
export function formatTimestamp(t: LocalDateTime): string {
  return `${formatDate(t)} ${t.hour}.${pad2(t.minute)}.${pad2(t.second)}`;
}

/** `YYYYMMDDHHMMSS` */
export function formatCompact(t: LocalDateTime): string {
  return `${String(t.year).padStart(4, '0')}${pad2(t.month)}${pad2(t.day)}${pad2(t.hour)}${pad2(t.minute)}${pad2(t.second)}`;
}

/**
 * The `muuttunut` value of an ISO instant: its Helsinki wall-clock time to
 * the second (a fraction is dropped, so the listing can only include more).
 * Throws RangeError for a string that is not an instant (a programming error).
 */
export function compactOfInstant(instant: string): string {
  const ms = parseInstant(instant);
  if (Number.isNaN(ms)) throw new RangeError('Expected an ISO 8601 instant with offset, received another form.');
  return formatCompact(toHelsinkiLocal(ms));
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Plain-text bodies of the service's 500 answers. */
export const TROUBLE = {
  overload: 'Palvelu on ylikuormittunut. Yritä myöhemmin uudelleen.',
  maintenance: 'Palvelussa on huoltokatko.',
  error: 'Palvelussa tapahtui virhe.',
} as const;
