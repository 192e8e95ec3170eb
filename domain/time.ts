/**
 * Europe/Helsinki time from the platform's time-zone data (Intl, ICU's
 * tzdata), for every year: summer time ended on the last Sunday of
 * September in 1981–1995, and there was none in 1970–1980 (nor in most
 * years before), so no fixed rule is right across the decades legacy
 * records reach back.
 *
 * Why a table and not Intl per call: conversion is on the migration check's
 * hot path, and an Intl call costs about a microsecond. Each UTC year's
 * offset changes are found from Intl once (a sample per day, then a binary
 * search to the second for each change), cached per year (at most
 * MAX_CACHED_YEARS years), and every call after that is arithmetic on the
 * table. The two awkward local hours stay explicit: a local time that
 * occurs twice (clocks turned back) reads as the earlier instant; one that
 * never occurs (clocks turned forward) is malformed (region.md).
 *
 * One deliberate departure from Intl: before 1 May 1921 Helsinki kept its
 * mean time, +1:39:49, which an ISO 8601 offset (`±hh:mm`) cannot write;
 * such instants read as +02:00, the standard time that replaced it. So the
 * "since the beginning" instant `1900-01-01T00:00:00+02:00` stays local
 * midnight of 1 January 1900 on every source's wire.
 */

/** A calendar date and wall-clock time, Helsinki local. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Something that tells the time; passed in so tests can fix it. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

const SECOND = 1_000;
const DAY = 86_400_000;

/** Years whose tables are kept; beyond this the cache starts again (a table is a few numbers). */
export const MAX_CACHED_YEARS = 512;

/** One UTC year's offsets: `offsets[0]` from `start`, `offsets[i + 1]` from `changes[i]`, until `end`. */
interface YearTable {
  readonly start: number;
  readonly end: number;
  readonly changes: readonly number[];
  /** Offsets from UTC in seconds. */
  readonly offsets: readonly number[];
  /** The distinct offsets of the year, largest first (the earlier instant of a repeated local time first). */
  readonly distinct: readonly number[];
}

const OFFSET_FORMAT = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Helsinki', timeZoneName: 'longOffset' });
const OFFSET_TEXT = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Helsinki's offset from UTC in seconds at an instant, asked of Intl (the reference; slow). */
function intlOffsetSeconds(epochMs: number): number {
  const m = OFFSET_TEXT.exec(OFFSET_FORMAT.format(epochMs));
  if (!m) throw new RangeError('Expected Intl to give a GMT offset for Europe/Helsinki, received another form.');
  if (m[1] === undefined) return 0;
  const seconds = +m[2]! * 3600 + +m[3]! * 60 + +(m[4] ?? 0);
  return m[1] === '-' ? -seconds : seconds;
}

/** Intl's offset, with an offset of no whole minutes (Helsinki mean time, before 1921) read as +02:00 (see the file comment). */
function zoneOffsetSeconds(epochMs: number): number {
  const seconds = intlOffsetSeconds(epochMs);
  return seconds % 60 === 0 ? seconds : 7_200;
}

const tables = new Map<number, YearTable>();
let last: YearTable | undefined;

/** The first instant in (`from`, `to`] whose offset is not `before`, to the second (time-zone changes fall on whole seconds). */
function changeBetween(from: number, to: number, before: number): number {
  let lo = Math.floor(from / SECOND);
  let hi = Math.ceil(to / SECOND);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zoneOffsetSeconds(mid * SECOND) === before) lo = mid;
    else hi = mid;
  }
  return hi * SECOND;
}

/** Builds one year's table from Intl. Assumes at most one change a day (Helsinki's changes are months apart). */
function buildYear(year: number): YearTable {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const changes: number[] = [];
  const offsets = [zoneOffsetSeconds(start)];
  let at = start;
  let offset = offsets[0]!;
  while (at < end) {
    const next = Math.min(at + DAY, end - SECOND);
    const o = zoneOffsetSeconds(next);
    if (o !== offset) {
      changes.push(changeBetween(at, next, offset));
      offsets.push(o);
      offset = o;
    }
    if (next === end - SECOND) break;
    at = next;
  }
  return { start, end, changes, offsets, distinct: [...new Set(offsets)].sort((a, b) => b - a) };
}

/** For a time that is no instant (NaN, beyond the Date range): +02:00, as the fixed rule gave, rather than a throw from Intl. */
const NO_INSTANT: YearTable = { start: Number.NaN, end: Number.NaN, changes: [], offsets: [7_200], distinct: [7_200] };

function tableOf(epochMs: number): YearTable {
  if (last !== undefined && epochMs >= last.start && epochMs < last.end) return last;
  const year = new Date(epochMs).getUTCFullYear();
  if (Number.isNaN(year)) return NO_INSTANT;
  let t = tables.get(year);
  if (t === undefined) {
    if (tables.size >= MAX_CACHED_YEARS) tables.clear();
    t = buildYear(year);
    tables.set(year, t);
  }
  last = t;
  return t;
}

/** Helsinki's offset from UTC in seconds at an instant, from the year's table. */
function helsinkiOffsetSeconds(epochMs: number): number {
  const t = tableOf(epochMs);
  const { changes, offsets } = t;
  let i = 0;
  while (i < changes.length && epochMs >= changes[i]!) i++;
  return offsets[i]!;
}

/** Helsinki's offset from UTC in whole minutes at an instant (120 or 180 in every year since 1921). */
export function helsinkiOffsetMinutes(epochMs: number): number {
  return helsinkiOffsetSeconds(epochMs) / 60;
}

export type LocalResolution =
  { readonly ok: true; readonly epochMs: number; readonly instant: string } | { readonly ok: false; readonly reason: string };

/** True when the parts form a real calendar date and wall-clock time. */
export function isValidLocal(t: LocalDateTime): boolean {
  if (!Number.isInteger(t.year) || t.month < 1 || t.month > 12 || t.day < 1) return false;
  if (t.day > new Date(Date.UTC(t.year, t.month, 0)).getUTCDate()) return false;
  return t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second < 60;
}

/**
 * Resolves a Helsinki wall-clock time to an instant with the offset of that
 * moment, at the changes Intl reports for that year. Repeated hour: the
 * earlier (summer-time) instant. Skipped hour or impossible date: `ok: false`.
 */
export function fromHelsinkiLocal(t: LocalDateTime): LocalResolution {
  if (!isValidLocal(t)) return { ok: false, reason: 'not a valid calendar date and time' };
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  // The offsets in force a day either side; the largest first gives the earlier instant of a repeated hour.
  const before = tableOf(asUtc - DAY);
  const after = tableOf(asUtc + DAY);
  const candidates = before === after ? before.distinct : [...new Set([...before.distinct, ...after.distinct])].sort((a, b) => b - a);
  for (const offset of candidates) {
    const epochMs = asUtc - offset * SECOND;
    if (helsinkiOffsetSeconds(epochMs) === offset) {
      return { ok: true, epochMs, instant: formatInstant(epochMs) };
    }
  }
  return { ok: false, reason: 'the local time falls in the hour skipped when summer time begins' };
}

/** Formats an instant as `YYYY-MM-DDThh:mm:ss+02:00` / `+03:00` (Helsinki offset). */
export function formatInstant(epochMs: number): string {
  const offset = helsinkiOffsetMinutes(epochMs);
  const l = new Date(epochMs + offset * 60_000);
  const abs = Math.abs(offset);
  return `${l.getUTCFullYear()}-${p2(l.getUTCMonth() + 1)}-${p2(l.getUTCDate())}T${p2(l.getUTCHours())}:${p2(
    l.getUTCMinutes(),
  )}:${p2(l.getUTCSeconds())}${offset < 0 ? '-' : '+'}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}

/** The Helsinki wall-clock time of an instant. */
export function toHelsinkiLocal(epochMs: number): LocalDateTime {
  const l = new Date(epochMs + helsinkiOffsetSeconds(epochMs) * SECOND);
  return {
    year: l.getUTCFullYear(),
    month: l.getUTCMonth() + 1,
    day: l.getUTCDate(),
    hour: l.getUTCHours(),
    minute: l.getUTCMinutes(),
    second: l.getUTCSeconds(),
  };
}

/** Parses an ISO 8601 instant with offset (`…+03:00` or `…Z`) to epoch ms; NaN if not one. */
export function parseInstant(instant: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(instant)) return Number.NaN;
  // Date.parse rolls 30 February over into March; refuse it instead.
  if (!isValidIsoDate(instant.slice(0, 10))) return Number.NaN;
  return Date.parse(instant);
}

/** `YYYY-MM-DD` of a local date-time. */
export function isoDate(t: { year: number; month: number; day: number }): string {
  return `${String(t.year).padStart(4, '0')}-${p2(t.month)}-${p2(t.day)}`;
}

/** True when `YYYY-MM-DD` names a real calendar date. */
export function isValidIsoDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  return isValidLocal({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: 0, minute: 0, second: 0 });
}

/** Today's date in Helsinki, `YYYY-MM-DD`. */
export function helsinkiToday(clock: Clock): string {
  return isoDate(toHelsinkiLocal(clock.now().getTime()));
}

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return isoDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}

/** Two-digit zero padding. */
export function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
