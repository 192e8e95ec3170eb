import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatInstant,
  fromHelsinkiLocal,
  helsinkiOffsetMinutes,
  helsinkiToday,
  isValidIsoDate,
  isValidLocal,
  isoDate,
  p2,
  parseInstant,
  systemClock,
  toHelsinkiLocal,
  type Clock,
  type LocalDateTime,
} from './time.ts';

const HOUR = 3_600_000;

function local(iso: string): LocalDateTime {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(iso);
  if (!m) throw new Error(`bad test input ${iso}`);
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +(m[6] ?? 0) };
}

function instantOf(iso: string): string | undefined {
  const r = fromHelsinkiLocal(local(iso));
  return r.ok ? r.instant : undefined;
}

const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

/** Last Sundays of March and October, 2024–2026 (summer time from/to 01:00 UTC). */
const CHANGES = [
  { year: 2024, spring: '2024-03-31', autumn: '2024-10-27' },
  { year: 2025, spring: '2025-03-30', autumn: '2025-10-26' },
  { year: 2026, spring: '2026-03-29', autumn: '2026-10-25' },
];

describe('helsinkiOffsetMinutes', () => {
  it('switches at 01:00 UTC on the last Sundays of March and October', () => {
    for (const { spring, autumn } of CHANGES) {
      const springAt = Date.parse(`${spring}T01:00:00Z`);
      const autumnAt = Date.parse(`${autumn}T01:00:00Z`);
      expect(helsinkiOffsetMinutes(springAt - 1), spring).toBe(120);
      expect(helsinkiOffsetMinutes(springAt), spring).toBe(180);
      expect(helsinkiOffsetMinutes(autumnAt - 1), autumn).toBe(180);
      expect(helsinkiOffsetMinutes(autumnAt), autumn).toBe(120);
    }
  });

  it('is winter time in January and December, summer time in July', () => {
    expect(helsinkiOffsetMinutes(Date.parse('2026-01-15T12:00:00Z'))).toBe(120);
    expect(helsinkiOffsetMinutes(Date.parse('2026-12-31T23:59:59Z'))).toBe(120);
    expect(helsinkiOffsetMinutes(Date.parse('2026-07-01T00:00:00Z'))).toBe(180);
    // the Saturday before the last Sunday of March is still winter time
    expect(helsinkiOffsetMinutes(Date.parse('2026-03-28T12:00:00Z'))).toBe(120);
    // the Sunday a week before the change too (not the last Sunday)
    expect(helsinkiOffsetMinutes(Date.parse('2026-03-22T12:00:00Z'))).toBe(120);
    expect(helsinkiOffsetMinutes(Date.parse('2026-10-18T12:00:00Z'))).toBe(180);
  });
});

describe('fromHelsinkiLocal around the spring change (skipped hour)', () => {
  it('2026-03-29: 02:59 is +02:00, 03:00 and 03:30 do not exist, 04:00 is +03:00', () => {
    expect(instantOf('2026-03-29 02:59')).toBe('2026-03-29T02:59:00+02:00');
    for (const t of ['2026-03-29 03:00', '2026-03-29 03:30', '2026-03-29 03:59:59']) {
      const r = fromHelsinkiLocal(local(t));
      expect(r.ok, t).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/skipped/);
    }
    expect(instantOf('2026-03-29 04:00')).toBe('2026-03-29T04:00:00+03:00');
  });

  it('02:59 and 04:00 are one minute apart in real time', () => {
    const a = fromHelsinkiLocal(local('2026-03-29 02:59'));
    const b = fromHelsinkiLocal(local('2026-03-29 04:00'));
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(b.epochMs - a.epochMs).toBe(60_000);
      expect(a.epochMs).toBe(Date.parse('2026-03-29T00:59:00Z'));
      expect(b.epochMs).toBe(Date.parse('2026-03-29T01:00:00Z'));
    }
  });

  it('skips 03:00–03:59 on the last Sunday of March in 2024 and 2025 too', () => {
    for (const { spring } of CHANGES) {
      expect(instantOf(`${spring} 02:59`), spring).toBe(`${spring}T02:59:00+02:00`);
      expect(fromHelsinkiLocal(local(`${spring} 03:00`)).ok, spring).toBe(false);
      expect(fromHelsinkiLocal(local(`${spring} 03:30`)).ok, spring).toBe(false);
      expect(instantOf(`${spring} 04:00`), spring).toBe(`${spring}T04:00:00+03:00`);
    }
  });

  it('does not skip 03:30 on other Sundays of March', () => {
    expect(instantOf('2026-03-22 03:30')).toBe('2026-03-22T03:30:00+02:00');
    expect(instantOf('2025-03-29 03:30')).toBe('2025-03-29T03:30:00+02:00');
  });
});

describe('fromHelsinkiLocal around the autumn change (repeated hour)', () => {
  it('2026-10-25: 02:59 is +03:00, 03:00 and 03:30 read as summer time, 04:00 is +02:00', () => {
    expect(instantOf('2026-10-25 02:59')).toBe('2026-10-25T02:59:00+03:00');
    expect(instantOf('2026-10-25 03:00')).toBe('2026-10-25T03:00:00+03:00');
    expect(instantOf('2026-10-25 03:30')).toBe('2026-10-25T03:30:00+03:00');
    expect(instantOf('2026-10-25 03:59:59')).toBe('2026-10-25T03:59:59+03:00');
    expect(instantOf('2026-10-25 04:00')).toBe('2026-10-25T04:00:00+02:00');
  });

  it('takes the earlier of the two instants of the repeated hour', () => {
    const r = fromHelsinkiLocal(local('2026-10-25 03:30'));
    expect(r.ok && r.epochMs).toBe(Date.parse('2026-10-25T00:30:00Z'));
    // 03:00 summer time to 04:00 winter time is two real hours
    const a = fromHelsinkiLocal(local('2026-10-25 03:00'));
    const b = fromHelsinkiLocal(local('2026-10-25 04:00'));
    expect(a.ok && b.ok && b.epochMs - a.epochMs).toBe(2 * HOUR);
  });

  it('repeats 03:00–03:59 on the last Sunday of October in 2024 and 2025 too', () => {
    for (const { autumn } of CHANGES) {
      expect(instantOf(`${autumn} 02:59`), autumn).toBe(`${autumn}T02:59:00+03:00`);
      expect(instantOf(`${autumn} 03:30`), autumn).toBe(`${autumn}T03:30:00+03:00`);
      expect(instantOf(`${autumn} 04:00`), autumn).toBe(`${autumn}T04:00:00+02:00`);
    }
  });
});

describe('fromHelsinkiLocal with invalid input', () => {
  it('refuses impossible dates and times', () => {
    for (const t of [
      { year: 2026, month: 2, day: 29, hour: 12, minute: 0, second: 0 },
      { year: 2026, month: 4, day: 31, hour: 12, minute: 0, second: 0 },
      { year: 2026, month: 13, day: 1, hour: 12, minute: 0, second: 0 },
      { year: 2026, month: 0, day: 1, hour: 12, minute: 0, second: 0 },
      { year: 2026, month: 1, day: 0, hour: 12, minute: 0, second: 0 },
      { year: 2026, month: 1, day: 1, hour: 24, minute: 0, second: 0 },
      { year: 2026, month: 1, day: 1, hour: 12, minute: 60, second: 0 },
      { year: 2026, month: 1, day: 1, hour: 12, minute: 0, second: 60 },
      { year: 2026, month: 1, day: 1, hour: -1, minute: 0, second: 0 },
      { year: Number.NaN, month: 1, day: 1, hour: 0, minute: 0, second: 0 },
    ]) {
      const r = fromHelsinkiLocal(t);
      expect(r.ok, JSON.stringify(t)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/not a valid/);
      expect(isValidLocal(t)).toBe(false);
    }
  });

  it('accepts 29 February in a leap year', () => {
    expect(instantOf('2024-02-29 12:00')).toBe('2024-02-29T12:00:00+02:00');
  });
});

describe('formatInstant and toHelsinkiLocal', () => {
  it('formats with the Helsinki offset of the instant', () => {
    expect(formatInstant(Date.parse('2026-01-15T10:00:00Z'))).toBe('2026-01-15T12:00:00+02:00');
    expect(formatInstant(Date.parse('2026-07-15T10:00:00Z'))).toBe('2026-07-15T13:00:00+03:00');
    expect(formatInstant(Date.parse('2025-12-31T22:30:00Z'))).toBe('2026-01-01T00:30:00+02:00');
    // the two passes of the repeated hour format differently
    expect(formatInstant(Date.parse('2026-10-25T00:30:00Z'))).toBe('2026-10-25T03:30:00+03:00');
    expect(formatInstant(Date.parse('2026-10-25T01:30:00Z'))).toBe('2026-10-25T03:30:00+02:00');
  });

  it('round-trips every quarter hour across both 2026 changes', () => {
    for (const day of ['2026-03-28T20:00:00Z', '2026-10-24T20:00:00Z']) {
      const start = Date.parse(day);
      for (let t = start; t < start + 12 * HOUR; t += 15 * 60_000) {
        const text = formatInstant(t);
        expect(parseInstant(text), text).toBe(t);
        const l = toHelsinkiLocal(t);
        const back = fromHelsinkiLocal(l);
        expect(back.ok, text).toBe(true);
        if (!back.ok) continue;
        const secondPass = t >= Date.parse('2026-10-25T01:00:00Z') && t < Date.parse('2026-10-25T02:00:00Z');
        // the second pass of the repeated hour reads back as the first (summer-time) pass
        expect(back.epochMs, text).toBe(secondPass ? t - HOUR : t);
      }
    }
  });

  it('gives the wall-clock parts of an instant', () => {
    expect(toHelsinkiLocal(Date.parse('2026-03-29T00:59:59Z'))).toEqual(local('2026-03-29 02:59:59'));
    expect(toHelsinkiLocal(Date.parse('2026-03-29T01:00:00Z'))).toEqual(local('2026-03-29 04:00:00'));
    expect(toHelsinkiLocal(Date.parse('2025-12-31T23:30:00Z'))).toEqual(local('2026-01-01 01:30:00'));
  });

  it('drops milliseconds when formatting', () => {
    expect(formatInstant(Date.parse('2026-05-05T09:08:07.654Z'))).toBe('2026-05-05T12:08:07+03:00');
  });
});

describe('parseInstant', () => {
  it('reads offsets and Z', () => {
    expect(parseInstant('2026-10-25T03:30:00+03:00')).toBe(Date.parse('2026-10-25T00:30:00Z'));
    expect(parseInstant('2026-10-25T03:30:00+02:00')).toBe(Date.parse('2026-10-25T01:30:00Z'));
    expect(parseInstant('2026-01-15T10:00:00Z')).toBe(Date.UTC(2026, 0, 15, 10));
    expect(parseInstant('2026-01-15T10:00Z')).toBe(Date.UTC(2026, 0, 15, 10));
    expect(parseInstant('2026-01-15T10:00:00.250+02:00')).toBe(Date.UTC(2026, 0, 15, 8, 0, 0, 250));
    expect(parseInstant('2026-01-15T10:00:00-05:00')).toBe(Date.UTC(2026, 0, 15, 15));
  });

  it('is NaN for text that is not an instant with an offset', () => {
    for (const s of [
      '',
      'yesterday',
      '2026-01-15',
      '2026-01-15T10:00:00', // no offset: would be read as local time
      '2026-01-15 10:00:00+02:00',
      '15.01.2026 10:00',
      '2026-01-15T10:00:00+0200',
      '2026-13-01T10:00:00Z',
      '2026-01-15T25:00:00Z',
      '2026-01-15T10:61:00Z',
      ' 2026-01-15T10:00:00Z',
    ]) {
      expect(parseInstant(s), JSON.stringify(s)).toBeNaN();
    }
  });

  it('is NaN for a calendar date that does not exist', () => {
    // Date.parse rolls 30 February over to 2 March; an instant that names no
    // real day must not silently become another day.
    expect(parseInstant('2026-02-30T10:00:00+02:00')).toBeNaN();
    expect(parseInstant('2026-04-31T10:00:00+03:00')).toBeNaN();
    expect(parseInstant('2025-02-29T10:00:00+02:00')).toBeNaN();
    expect(parseInstant('2024-02-29T10:00:00+02:00')).toBe(Date.parse('2024-02-29T08:00:00Z'));
  });
});

describe('dates', () => {
  it('addDays crosses month and year ends and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-01-01', 365)).toBe('2024-12-31');
    expect(addDays('2025-01-01', 365)).toBe('2026-01-01');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-25', 1)).toBe('2026-10-26');
    expect(addDays('2026-06-15', 0)).toBe('2026-06-15');
    expect(addDays('2026-06-15', -730)).toBe('2024-06-15');
  });

  it('isoDate pads, isValidIsoDate checks the calendar', () => {
    expect(isoDate({ year: 2026, month: 3, day: 9 })).toBe('2026-03-09');
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2025-02-29')).toBe(false);
    expect(isValidIsoDate('2026-04-31')).toBe(false);
    expect(isValidIsoDate('2026-4-30')).toBe(false);
    expect(isValidIsoDate('30.04.2026')).toBe(false);
    expect(isValidIsoDate('')).toBe(false);
  });
});

describe('helsinkiToday', () => {
  it('is already the next year at 23:30 UTC on 31 December', () => {
    expect(helsinkiToday(fixedClock('2025-12-31T23:30:00Z'))).toBe('2026-01-01');
  });

  it('turns at 21:00 UTC in summer and 22:00 UTC in winter', () => {
    expect(helsinkiToday(fixedClock('2026-06-30T20:59:59Z'))).toBe('2026-06-30');
    expect(helsinkiToday(fixedClock('2026-06-30T21:00:00Z'))).toBe('2026-07-01');
    expect(helsinkiToday(fixedClock('2026-01-30T21:59:59Z'))).toBe('2026-01-30');
    expect(helsinkiToday(fixedClock('2026-01-30T22:00:00Z'))).toBe('2026-01-31');
  });

  it('uses the system clock when given it', () => {
    const before = formatInstant(Date.now()).slice(0, 10);
    const today = helsinkiToday(systemClock);
    const after = formatInstant(Date.now()).slice(0, 10);
    expect([before, after]).toContain(today);
  });
});

describe('against Intl (ICU time-zone data), 1970–2040, every half hour', () => {
  // The reference: Intl's own offset for Europe/Helsinki, read independently of time.ts.
  const intl = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Helsinki', timeZoneName: 'longOffset' });
  const HALF_HOUR = 1_800_000;
  const first = Date.UTC(1970, 0, 1);
  const steps = (Date.UTC(2041, 0, 1) - first) / HALF_HOUR;
  const offsets = new Int32Array(steps + 1);
  const refOffset = (i: number): number => {
    const m = /GMT([+-])(\d{2}):(\d{2})$/.exec(intl.format(first + i * HALF_HOUR));
    if (!m) throw new Error(`Intl gave no offset for ${new Date(first + i * HALF_HOUR).toISOString()}`);
    return (m[1] === '-' ? -1 : 1) * (+m[2]! * 60 + +m[3]!);
  };
  const localText = (ms: number, offset: number): string => {
    const l = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
    return `${l}+${p2(Math.floor(offset / 60))}:${p2(offset % 60)}`;
  };

  it('instant → local: the same offset as Intl at every half hour, the same text at every eighth', () => {
    const wrong: string[] = [];
    for (let i = 0; i <= steps; i++) {
      offsets[i] = refOffset(i);
      const ms = first + i * HALF_HOUR;
      if (helsinkiOffsetMinutes(ms) !== offsets[i])
        wrong.push(`${new Date(ms).toISOString()}: expected offset ${offsets[i]}, received ${helsinkiOffsetMinutes(ms)}`);
      else if ((i & 7) === 0 && formatInstant(ms) !== localText(ms, offsets[i]!))
        wrong.push(`${new Date(ms).toISOString()}: expected ${localText(ms, offsets[i]!)}, received ${formatInstant(ms)}`);
    }
    expect(wrong.length, wrong.slice(0, 5).join('; ')).toBe(0);
  });

  it('local → instant: the earlier instant where Intl repeats a local time, malformed where Intl skips it', () => {
    const wrong: string[] = [];
    // Local half hours, counted on a calendar (no Date per step); a local L comes from the instant L − 3 h or L − 2 h.
    const t = { year: 1970, month: 1, day: 1, hour: 3, minute: 0, second: 0 };
    for (let j = 6; j <= steps - 6; j++) {
      let expected: number | undefined;
      for (const offset of [180, 120]) {
        const i = j - offset / 30;
        if (expected === undefined && offsets[i] === offset) expected = first + i * HALF_HOUR;
      }
      const r = fromHelsinkiLocal(t);
      const received = r.ok ? r.epochMs : undefined;
      if (received !== expected) {
        const at = `${isoDate(t)} ${p2(t.hour)}:${p2(t.minute)}`;
        wrong.push(
          `local ${at}: expected ${expected === undefined ? 'skipped' : new Date(expected).toISOString()}, received ${received === undefined ? 'skipped' : new Date(received).toISOString()}`,
        );
      }
      if ((t.minute += 30) === 60) {
        t.minute = 0;
        if (++t.hour === 24) {
          t.hour = 0;
          if (++t.day > new Date(Date.UTC(t.year, t.month, 0)).getUTCDate()) {
            t.day = 1;
            if (++t.month === 13) {
              t.month = 1;
              t.year++;
            }
          }
        }
      }
    }
    expect(wrong.length, wrong.slice(0, 5).join('; ')).toBe(0);
  });

  it('names the years the old rule got wrong: no summer time in 1975, summer time to the last Sunday of September in 1990', () => {
    expect(instantOf('1975-07-01 12:00')).toBe('1975-07-01T12:00:00+02:00');
    expect(instantOf('1990-09-29 12:00')).toBe('1990-09-29T12:00:00+03:00');
    expect(instantOf('1990-10-15 12:00')).toBe('1990-10-15T12:00:00+02:00');
    // 1990-09-30 was the last Sunday of September: 03:00–03:59 came twice, the earlier is summer time.
    expect(instantOf('1990-09-30 03:30')).toBe('1990-09-30T03:30:00+03:00');
    expect(fromHelsinkiLocal(local('1990-03-25 03:30')).ok).toBe(false);
  });

  it('gives +02:00 for a time that is no instant, as before, instead of throwing', () => {
    expect(helsinkiOffsetMinutes(Number.NaN)).toBe(120);
    expect(helsinkiOffsetMinutes(9e15)).toBe(120);
  });

  it('reads Helsinki mean time (+1:39:49, to May 1921) as +02:00, so "since 1900" stays local midnight of 1 January 1900', () => {
    expect(formatInstant(Date.parse('1900-01-01T00:00:00+02:00'))).toBe('1900-01-01T00:00:00+02:00');
    expect(toHelsinkiLocal(Date.parse('1900-01-01T00:00:00+02:00'))).toEqual(local('1900-01-01 00:00'));
    expect(instantOf('1921-04-30 23:30')).toBe('1921-04-30T23:30:00+02:00');
    expect(instantOf('1942-07-01 12:00')).toBe('1942-07-01T12:00:00+03:00');
  });
});
