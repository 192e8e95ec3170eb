/**
 * Finnish personal identity codes (henkilötunnus, HETU): validation, legacy
 * normalisation, synthetic-range detection and construction.
 *
 * Layout: DDMMYY + century sign + NNN (individual number) + check character.
 * The check character is DDMMYYNNN (as one integer) mod 31 in CHECK_CHARS.
 * All 11 characters identify: codes that differ only in the century sign are
 * two different people.
 */

export const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** Century signs and the century they denote (the letters exist since 2023). */
export const CENTURY_SIGNS: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900,
  Y: 1900,
  X: 1900,
  W: 1900,
  V: 1900,
  U: 1900,
  A: 2000,
  B: 2000,
  C: 2000,
  D: 2000,
  E: 2000,
  F: 2000,
};

const HETU_SHAPE = /^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$/;

export interface HetuInfo {
  readonly hetu: string;
  /** Birth date as YYYY-MM-DD. */
  readonly birthDate: string;
  readonly individualNumber: number;
  /** Odd individual numbers are male, even female. */
  readonly sex: 'MALE' | 'FEMALE';
  /** Individual numbers 900–999 are temporary or test codes. */
  readonly synthetic: boolean;
}

export type HetuCheck = { readonly ok: true; readonly info: HetuInfo } | { readonly ok: false; readonly reason: string };

/** The check character for the nine digits DDMMYYNNN. */
export function checkCharacter(digits9: string): string {
  return CHECK_CHARS[Number(digits9) % 31]!;
}

/**
 * Validates a code in its exact canonical form (upper case, no spaces).
 * Reasons name what was wrong with the form, never the code itself.
 */
export function checkHetu(code: string): HetuCheck {
  const m = HETU_SHAPE.exec(code);
  if (!m) return { ok: false, reason: 'expected DDMMYY, a century sign, three digits and a check character' };
  const [, dd, mm, yy, sign, nnn, check] = m as unknown as [string, string, string, string, string, string, string];
  const year = CENTURY_SIGNS[sign]! + Number(yy);
  const month = Number(mm);
  const day = Number(dd);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, reason: 'the date part is not a calendar date' };
  }
  const individualNumber = Number(nnn);
  if (individualNumber < 2) return { ok: false, reason: 'the individual number is below 002' };
  if (checkCharacter(dd + mm + yy + nnn) !== check) return { ok: false, reason: 'the check character does not match' };
  return {
    ok: true,
    info: {
      hetu: code,
      birthDate: `${year}-${mm}-${dd}`,
      individualNumber,
      sex: individualNumber % 2 === 1 ? 'MALE' : 'FEMALE',
      synthetic: individualNumber >= 900,
    },
  };
}

/** True when the code is a valid identity code in canonical form. */
export function isValidHetu(code: string): boolean {
  return checkHetu(code).ok;
}

/** True when the code is valid and its individual number is 900–999. */
export function isSyntheticHetu(code: string): boolean {
  const c = checkHetu(code);
  return c.ok && c.info.synthetic;
}

/** What a legacy identity-code field turned out to hold. */
export type LegacyHetu =
  /** Already canonical. */
  | { readonly kind: 'valid'; readonly hetu: string }
  /** Valid after upper-casing and/or trimming spaces. */
  | { readonly kind: 'normalised'; readonly hetu: string; readonly fixes: readonly ('case' | 'spaces')[] }
  /**
   * Ten characters without a century sign. `candidates` are the valid codes
   * that some century sign would give; which one is meant needs a register.
   */
  | { readonly kind: 'noCentury'; readonly candidates: readonly string[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid'; readonly reason: string };

/**
 * Reads an identity code from a legacy field: tolerates lower case,
 * surrounding or inner spaces and a missing century sign; NULL/empty is
 * `missing`. Never guesses a century: see `noCentury`.
 */
export function normaliseLegacyHetu(raw: string | null | undefined): LegacyHetu {
  if (raw == null || raw.trim() === '') return { kind: 'missing' };
  if (checkHetu(raw).ok) return { kind: 'valid', hetu: raw };
  const fixes: ('case' | 'spaces')[] = [];
  let s = raw;
  if (/\s/.test(s)) {
    s = s.replace(/\s+/g, '');
    fixes.push('spaces');
  }
  if (s !== s.toUpperCase()) {
    s = s.toUpperCase();
    fixes.push('case');
  }
  const c = checkHetu(s);
  if (c.ok) return { kind: 'normalised', hetu: s, fixes };
  if (/^\d{6}\d{3}[0-9A-Y]$/.test(s)) {
    const candidates = Object.keys(CENTURY_SIGNS)
      .map((sign) => s.slice(0, 6) + sign + s.slice(6))
      .filter(isValidHetu);
    if (candidates.length > 0) return { kind: 'noCentury', candidates };
    return { kind: 'invalid', reason: 'no century sign, and no sign would give a valid code' };
  }
  return { kind: 'invalid', reason: c.reason };
}

/**
 * Builds a valid code. `sign` defaults to the classic sign of the century
 * (`+`, `-`, `A`); pass one of the 2023 letters to use them.
 */
export function makeHetu(birthDate: string, individualNumber: number, sign?: string): string {
  const [y, m, d] = birthDate.split('-') as [string, string, string];
  const year = Number(y);
  const s = sign ?? (year < 1900 ? '+' : year < 2000 ? '-' : 'A');
  if (CENTURY_SIGNS[s] !== Math.floor(year / 100) * 100) {
    throw new RangeError(`Century sign ${s} does not fit the birth year's century.`);
  }
  const nnn = String(individualNumber).padStart(3, '0');
  const digits = d + m + y.slice(2) + nnn;
  return d + m + y.slice(2) + s + nnn + checkCharacter(digits);
}

/** The code with the check character replaced by a wrong one (for messy fixtures). */
export function corruptCheckCharacter(hetu: string): string {
  const i = CHECK_CHARS.indexOf(hetu[10]!);
  return hetu.slice(0, 10) + CHECK_CHARS[(i + 1) % 31];
}

/** Age in whole years on a given date (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
