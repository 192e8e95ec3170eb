/**
 * Europe/Helsinki time, computed from the EU summer-time rule (in force in
 * Finland since 1981): summer time (UTC+3) from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October, otherwise UTC+2.
 *
 * Why not Intl: the rule is fixed, this is pure and fast, and it makes the
 * two awkward local hours explicit. A local time in the hour repeated in
 * October reads as the earlier instant (summer time); one in the hour skipped
 * in March is malformed (region.md).
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

const HOUR = 3_600_000;

function lastSundayUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0)); // last day of `month` (1-based)
  const day = last.getUTCDate() - last.getUTCDay();
  return Date.UTC(year, month - 1, day, 1, 0, 0);
}

/** Helsinki's offset from UTC in minutes (120 or 180) at an instant. */
export function helsinkiOffsetMinutes(epochMs: number): 120 | 180 {
  const year = new Date(epochMs).getUTCFullYear();
  return epochMs >= lastSundayUtc(year, 3) && epochMs < lastSundayUtc(year, 10) ? 180 : 120;
}

export type LocalResolution =
  | { readonly ok: true; readonly epochMs: number; readonly instant: string }
  | { readonly ok: false; readonly reason: string };

/** True when the parts form a real calendar date and wall-clock time. */
export function isValidLocal(t: LocalDateTime): boolean {
  if (!Number.isInteger(t.year) || t.month < 1 || t.month > 12 || t.day < 1) return false;
  if (t.day > new Date(Date.UTC(t.year, t.month, 0)).getUTCDate()) return false;
  return t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 && t.second < 60;
}

/**
 * Resolves a Helsinki wall-clock time to an instant with the offset of that
 * moment. Repeated hour: the earlier (summer-time) instant. Skipped hour or
 * impossible date: `ok: false`.
 */
export function fromHelsinkiLocal(t: LocalDateTime): LocalResolution {
  if (!isValidLocal(t)) return { ok: false, reason: 'not a valid calendar date and time' };
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  for (const offset of [180, 120] as const) {
    const epochMs = asUtc - (offset / 60) * HOUR;
    if (helsinkiOffsetMinutes(epochMs) === offset) {
      return { ok: true, epochMs, instant: formatInstant(epochMs) };
    }
  }
  return { ok: false, reason: 'the local time falls in the hour skipped when summer time begins' };
}

/** Formats an instant as `YYYY-MM-DDThh:mm:ss+02:00` / `+03:00` (Helsinki offset). */
export function formatInstant(epochMs: number): string {
  const offset = helsinkiOffsetMinutes(epochMs);
  const l = new Date(epochMs + offset * 60_000);
  return `${l.getUTCFullYear()}-${p2(l.getUTCMonth() + 1)}-${p2(l.getUTCDate())}T${p2(l.getUTCHours())}:${p2(
    l.getUTCMinutes(),
  )}:${p2(l.getUTCSeconds())}+${p2(offset / 60)}:00`;
}

/** The Helsinki wall-clock time of an instant. */
export function toHelsinkiLocal(epochMs: number): LocalDateTime {
  const l = new Date(epochMs + helsinkiOffsetMinutes(epochMs) * 60_000);
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
