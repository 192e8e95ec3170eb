/**
 * Independent oracle (issue 16): Helsinki conversions against Intl's wall
 * clock, 1970–2040, seeded.
 *
 * time.test.ts already compares every half hour of 1970–2040 with Intl, but
 * through the same reading time.ts itself uses (the `longOffset` time-zone
 * name of an `en-US` format) and only on a half-hour grid. This file is the
 * seeded property test on top: random instants to the millisecond and random
 * local times to the second, plus every summer-time change of 1970–2040 (found
 * here from Intl, not from time.ts) ±1 h, checked against another reading of
 * Intl: the calendar fields of `en-CA` and `fi-FI` formats (year, month, day,
 * hour, minute, second), from which the offset follows.
 *
 * The rule for the two awkward local hours is region.md's: "A local time in
 * the hour repeated when summer time ends reads as the earlier instant (summer
 * time); one in the hour skipped when it begins is malformed."
 */
import { describe, expect, it } from 'vitest';
import { caseRng, int, oracleCases, oracleSeed, replay } from '../test/oracle/random.ts';
import { formatInstant, fromHelsinkiLocal, helsinkiOffsetMinutes, parseInstant, toHelsinkiLocal, type LocalDateTime } from './time.ts';

const SEED = oracleSeed();
const FIRST = Date.UTC(1970, 0, 1);
const END = Date.UTC(2041, 0, 1);
const SECOND = 1_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const FIELDS = {
  timeZone: 'Europe/Helsinki',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
} as const;
const EN_CA = new Intl.DateTimeFormat('en-CA', FIELDS);
const FI_FI = new Intl.DateTimeFormat('fi-FI', FIELDS);

/** Intl's Helsinki wall clock at an instant, from a format's calendar fields. */
function intlLocal(format: Intl.DateTimeFormat, epochMs: number): LocalDateTime {
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(epochMs)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  return { year: part.year!, month: part.month!, day: part.day!, hour: part.hour!, minute: part.minute!, second: part.second! };
}

/** The offset in minutes that Intl's wall clock implies: local fields as if UTC, less the instant (to the second). */
function intlOffsetMinutes(epochMs: number, local = intlLocal(EN_CA, epochMs)): number {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return (asUtc - Math.floor(epochMs / SECOND) * SECOND) / MINUTE;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** The ISO text Intl's fields and offset make: `YYYY-MM-DDThh:mm:ss+hh:mm`. */
function intlInstantText(epochMs: number): string {
  const l = intlLocal(EN_CA, epochMs);
  const o = intlOffsetMinutes(epochMs, l);
  const sign = o < 0 ? '-' : '+';
  return `${l.year}-${p2(l.month)}-${p2(l.day)}T${p2(l.hour)}:${p2(l.minute)}:${p2(l.second)}${sign}${p2(Math.floor(Math.abs(o) / 60))}:${p2(Math.abs(o) % 60)}`;
}

/**
 * What region.md says a local time reads as, from Intl alone: the instants whose Intl wall
 * clock is that local time (Helsinki's offsets in 1970–2040 are +2 and +3 h, checked below),
 * the earlier of two, none in the skipped hour.
 */
function intlResolve(local: LocalDateTime): number | undefined {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  for (const offset of [180, 120]) {
    const candidate = asUtc - offset * MINUTE;
    const l = intlLocal(EN_CA, candidate);
    if (
      l.year === local.year &&
      l.month === local.month &&
      l.day === local.day &&
      l.hour === local.hour &&
      l.minute === local.minute &&
      l.second === local.second
    )
      return candidate;
  }
  return undefined;
}

/** Every change of Helsinki's offset in 1970–2040, to the second, found from Intl (a sample a day, then halving). */
function intlChanges(): number[] {
  const changes: number[] = [];
  let before = intlOffsetMinutes(FIRST);
  for (let day = FIRST + DAY; day <= END; day += DAY) {
    const offset = intlOffsetMinutes(day);
    if (offset === before) continue;
    let lo = (day - DAY) / SECOND;
    let hi = day / SECOND;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (intlOffsetMinutes(mid * SECOND) === before) lo = mid;
      else hi = mid;
    }
    changes.push(hi * SECOND);
    before = offset;
  }
  return changes;
}

function check(epochMs: number, where: string): void {
  const expected = intlLocal(EN_CA, epochMs);
  expect(toHelsinkiLocal(epochMs), `${where}: toHelsinkiLocal`).toEqual(expected);
  const offset = intlOffsetMinutes(epochMs, expected);
  expect([120, 180], `${where}: Intl's offset`).toContain(offset);
  expect(helsinkiOffsetMinutes(epochMs), `${where}: helsinkiOffsetMinutes`).toBe(offset);
  const text = formatInstant(epochMs);
  expect(text, `${where}: formatInstant`).toBe(intlInstantText(epochMs));
  expect(parseInstant(text), `${where}: parseInstant`).toBe(Math.floor(epochMs / SECOND) * SECOND);
}

function checkLocal(local: LocalDateTime, where: string): void {
  const expected = intlResolve(local);
  const r = fromHelsinkiLocal(local);
  const label = `${where}: local ${JSON.stringify(local)}`;
  if (expected === undefined) {
    expect(r, `${label}: Intl never shows it (skipped hour)`).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/skipped/) as unknown,
    });
    return;
  }
  expect(r, label).toEqual({ ok: true, epochMs: expected, instant: intlInstantText(expected) });
}

describe('Helsinki time against Intl’s wall clock (en-CA, fi-FI), 1970–2040, seeded', () => {
  const changes = intlChanges();

  it('finds the summer-time changes Intl knows: none in 1970–1980, two a year from 1981', () => {
    const years = new Map<number, number>();
    for (const c of changes) years.set(new Date(c).getUTCFullYear(), (years.get(new Date(c).getUTCFullYear()) ?? 0) + 1);
    for (let y = 1970; y <= 1980; y++) expect(years.get(y), String(y)).toBeUndefined();
    for (let y = 1981; y <= 2040; y++) expect(years.get(y), String(y)).toBe(2);
  });

  it('instant → local, offset and text: random instants to the millisecond', () => {
    const cases = oracleCases(3_000);
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED, n);
      const epochMs = FIRST + Math.floor(random() * (END - FIRST));
      const where = `${replay(SEED, n)}: ${new Date(epochMs).toISOString()}`;
      check(epochMs, where);
      // fi-FI's fields say the same as en-CA's: the reference agrees with itself across locales.
      if ((n & 7) === 0) expect(intlLocal(FI_FI, epochMs), where).toEqual(intlLocal(EN_CA, epochMs));
    }
  });

  it('instant → local at every change ±1 h (the last second before, the change, a second after, and around)', () => {
    const around = [-HOUR, -30 * MINUTE, -SECOND, -1, 0, 1, SECOND, 30 * MINUTE, HOUR - SECOND, HOUR];
    for (const c of changes) for (const d of around) check(c + d, `change ${new Date(c).toISOString()} ${d >= 0 ? '+' : ''}${d} ms`);
  });

  it('local → instant at every change: each minute and its last second from an hour before to an hour after (skipped and repeated hours)', () => {
    for (const c of changes) {
      // The wall clock an hour before the change, then stepping through local times; both sides of a gap or overlap.
      const start = intlLocal(EN_CA, c - HOUR);
      const base = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute);
      for (let m = 0; m <= 180; m++) {
        for (const s of [0, 59]) {
          const t = new Date(base + m * MINUTE + s * SECOND);
          const local = {
            year: t.getUTCFullYear(),
            month: t.getUTCMonth() + 1,
            day: t.getUTCDate(),
            hour: t.getUTCHours(),
            minute: t.getUTCMinutes(),
            second: t.getUTCSeconds(),
          };
          checkLocal(local, `change ${new Date(c).toISOString()}`);
        }
      }
    }
  });

  it('local → instant: random local times to the second, a third of them on the days of a change', () => {
    const cases = oracleCases(3_000);
    let skipped = 0;
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED + 1, n);
      let day: Date;
      if (random() < 0.33) day = new Date(changes[int(random, 0, changes.length - 1)]!);
      else day = new Date(FIRST + Math.floor(random() * (END - FIRST - DAY)));
      const local = {
        year: day.getUTCFullYear(),
        month: day.getUTCMonth() + 1,
        day: day.getUTCDate(),
        hour: int(random, 0, 23),
        minute: int(random, 0, 59),
        second: int(random, 0, 59),
      };
      if (intlResolve(local) === undefined) skipped++;
      checkLocal(local, replay(SEED + 1, n));
    }
    // Some fall in a skipped hour, or the gap is not being tested.
    expect(skipped).toBeGreaterThan(0);
  });
});
