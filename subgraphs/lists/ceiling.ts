/**
 * The client fee ceiling (asiakasmaksukatto, region.md), pure: accruing,
 * non-voided fees of one calendar year, summed across every source; a
 * minor's fees count towards the guardian VTJ lists first; the ceiling is
 * reached on the date of the fee with which the running sum (fees in date
 * order) first reaches it; accruing fees dated after that day should not
 * have been charged.
 */
import { ageOn, checkHetu } from '../../domain/hetu.ts';
import type { Fee } from '../../domain/model.ts';
import { compareSource } from './merge.ts';

/** Ceilings in cents by year (region.md). */
export const FEE_CEILINGS: Readonly<Record<number, number>> = { 2024: 76_200, 2025: 76_200, 2026: 81_500 };

/** One person as the ceiling needs them: code, guardians in VTJ order, fees from every source. */
export interface CeilingPerson {
  readonly hetu: string;
  readonly guardians: readonly string[];
  readonly fees: readonly Fee[];
}

export interface CountedFee {
  readonly fee: Fee;
  /** Whose fee: the person or a dependant. */
  readonly hetu: string;
  readonly runningTotalCents: number;
}

export interface CeilingResult {
  readonly year: number;
  readonly ceilingCents: number;
  readonly accruedCents: number;
  readonly reached: boolean;
  readonly reachedOn?: string;
  readonly feesAfterCeiling: Fee[];
  readonly countedFees: CountedFee[];
  /** Dependants whose fees this ceiling includes (this person is their first guardian and they were minors in the year). */
  readonly includesDependants: string[];
  /** When the person was a minor in the year and has a guardian: the guardian counting those fees. */
  readonly minorFeesCountTowards?: string;
}

/** A year with no ceiling known to the region. */
export class UnknownCeilingYearError extends RangeError {
  override readonly name = 'UnknownCeilingYearError';
}

/** True when the person was under 18 on the date (birth date from the identity code). */
export function minorOn(hetu: string, date: string): boolean {
  const c = checkHetu(hetu);
  return c.ok && ageOn(c.info.birthDate, date) < 18;
}

/** True when the person was under 18 on some day of the year. */
function minorDuring(hetu: string, year: number): boolean {
  return minorOn(hetu, `${year}-01-01`);
}

/** Whether a fee counts at all: of the year, accruing, not voided. */
function counts(fee: Fee, year: number): boolean {
  return fee.accruesToCeiling && fee.status !== 'VOIDED' && fee.date.startsWith(`${year}-`);
}

/** Computes a person's fee ceiling status for one year; throws UnknownCeilingYearError for a year without a ceiling. */
export function feeCeiling(
  person: CeilingPerson,
  dependants: readonly CeilingPerson[],
  year: number,
  ceilings: Readonly<Record<number, number>> = FEE_CEILINGS,
): CeilingResult {
  const ceilingCents = ceilings[year];
  if (ceilingCents === undefined) {
    throw new UnknownCeilingYearError(`expected a year with a known fee ceiling (${Object.keys(ceilings).join(', ')}), received ${year}`);
  }
  // A fee dated while its payer was a minor with a guardian counts for that guardian, not the minor.
  const ownCounted = person.fees.filter((f) => counts(f, year) && !(person.guardians.length > 0 && minorOn(person.hetu, f.date)));
  const mine = ownCounted.map((fee) => ({ fee, hetu: person.hetu }));
  const includesDependants: string[] = [];
  for (const d of dependants) {
    if (d.guardians[0] !== person.hetu || !minorDuring(d.hetu, year)) continue;
    includesDependants.push(d.hetu);
    for (const fee of d.fees) if (counts(fee, year) && minorOn(d.hetu, fee.date)) mine.push({ fee, hetu: d.hetu });
  }
  mine.sort((a, b) => a.fee.date.localeCompare(b.fee.date) || compareSource(a.fee.source, b.fee.source));
  let running = 0;
  let reachedOn: string | undefined;
  const countedFees: CountedFee[] = mine.map(({ fee, hetu }) => {
    running += fee.amountCents;
    if (reachedOn === undefined && running >= ceilingCents) reachedOn = fee.date;
    return { fee, hetu, runningTotalCents: running };
  });
  const feesAfterCeiling = reachedOn === undefined ? [] : countedFees.filter((c) => c.fee.date > reachedOn!).map((c) => c.fee);
  const guardian = person.guardians[0];
  return {
    year,
    ceilingCents,
    accruedCents: running,
    reached: reachedOn !== undefined,
    ...(reachedOn !== undefined ? { reachedOn } : {}),
    feesAfterCeiling,
    countedFees,
    includesDependants,
    ...(guardian !== undefined && minorDuring(person.hetu, year) ? { minorFeesCountTowards: guardian } : {}),
  };
}
