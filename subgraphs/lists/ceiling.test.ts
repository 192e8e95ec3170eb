import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { fee, prov } from '../testSupport/fakes.ts';
import { feeCeiling, UnknownCeilingYearError } from './ceiling.ts';

const porvoo = (id: string) => prov('lifecare-porvoo', '638', id);
const effica = (id: string) => prov('effica-porvoo', '638', id);
const lapinjarvi = (id: string) => prov('pegasos-loviisa', '407', id);

const GUARDIAN = makeHetu('1980-04-04', 911);
const OTHER_GUARDIAN = makeHetu('1981-05-05', 912);
const CHILD = makeHetu('2015-09-09', 913, 'A');
/** Turns 18 on 2025-07-01. */
const TEEN = makeHetu('2007-07-01', 914, 'A');

describe('feeCeiling', () => {
  it('sums accruing, non-voided fees of the year across sources; reached on the fee that reaches it; later fees flagged', () => {
    const r = feeCeiling(
      {
        hetu: GUARDIAN,
        guardians: [],
        fees: [
          fee(porvoo('1'), '2025-01-15', 40_000),
          fee(lapinjarvi('7'), '2025-03-01', 30_000),
          fee(effica('2'), '2025-02-01', 5_000, { status: 'VOIDED' }),
          fee(effica('3'), '2025-02-02', 9_999, { accruesToCeiling: false }),
          fee(porvoo('4'), '2024-12-31', 50_000),
          // 40 000 + 30 000 = 70 000; + 6 200 = 76 200 = the 2025 ceiling, reached on 2025-04-10.
          fee(effica('5'), '2025-04-10', 6_200),
          fee(porvoo('6'), '2025-04-10', 1_000, { status: 'PAID' }),
          fee(lapinjarvi('8'), '2025-05-20', 2_050),
        ],
      },
      [],
      2025,
    );
    expect(r).toMatchObject({
      year: 2025,
      ceilingCents: 76_200,
      accruedCents: 79_250,
      reached: true,
      reachedOn: '2025-04-10',
      includesDependants: [],
    });
    // Same-day fees are not "after that day".
    expect(r.feesAfterCeiling.map((f) => f.source.localId)).toEqual(['8']);
    expect(r.countedFees.map((c) => [c.fee.source.localId, c.runningTotalCents])).toEqual([
      ['1', 40_000],
      ['7', 70_000],
      ['5', 76_200],
      ['6', 77_200],
      ['8', 79_250],
    ]);
    expect(r.minorFeesCountTowards).toBeUndefined();
  });

  it('has no reached date below the ceiling, and uses 815 € in 2026', () => {
    const r = feeCeiling({ hetu: GUARDIAN, guardians: [], fees: [fee(porvoo('1'), '2026-02-01', 80_000)] }, [], 2026);
    expect(r).toMatchObject({ ceilingCents: 81_500, accruedCents: 80_000, reached: false, feesAfterCeiling: [] });
    expect(r.reachedOn).toBeUndefined();
  });

  it('counts a minor’s fees towards the guardian listed first in VTJ, and the reached date may be the minor’s fee', () => {
    const child = {
      hetu: CHILD,
      guardians: [GUARDIAN, OTHER_GUARDIAN],
      fees: [fee(lapinjarvi('c1'), '2025-03-03', 20_000), fee(lapinjarvi('c2'), '2025-09-09', 5_000)],
    };
    const guardian = { hetu: GUARDIAN, guardians: [], fees: [fee(porvoo('g1'), '2025-01-10', 60_000)] };
    const r = feeCeiling(guardian, [child], 2025);
    expect(r).toMatchObject({ accruedCents: 85_000, reached: true, reachedOn: '2025-03-03', includesDependants: [CHILD] });
    expect(r.countedFees.map((c) => [c.hetu, c.fee.source.localId])).toEqual([
      [GUARDIAN, 'g1'],
      [CHILD, 'c1'],
      [CHILD, 'c2'],
    ]);
    expect(r.feesAfterCeiling.map((f) => f.source.localId)).toEqual(['c2']);
    // The second guardian's ceiling does not include them.
    const second = feeCeiling({ hetu: OTHER_GUARDIAN, guardians: [], fees: [] }, [child], 2025);
    expect(second).toMatchObject({ accruedCents: 0, includesDependants: [] });
    // The minor's own ceiling leaves them out and names the guardian.
    const own = feeCeiling(child, [], 2025);
    expect(own).toMatchObject({ accruedCents: 0, minorFeesCountTowards: GUARDIAN });
  });

  it('counts a dependant’s fees only while a minor: from the 18th birthday they are the person’s own', () => {
    const teen = {
      hetu: TEEN,
      guardians: [GUARDIAN],
      fees: [fee(porvoo('t1'), '2025-06-30', 1_000), fee(porvoo('t2'), '2025-07-01', 2_000)],
    };
    expect(feeCeiling({ hetu: GUARDIAN, guardians: [], fees: [] }, [teen], 2025).accruedCents).toBe(1_000);
    expect(feeCeiling(teen, [], 2025)).toMatchObject({ accruedCents: 2_000, minorFeesCountTowards: GUARDIAN });
    // In 2026 the teen is an adult all year: nothing goes to the guardian.
    expect(feeCeiling({ hetu: GUARDIAN, guardians: [], fees: [] }, [teen], 2026).includesDependants).toEqual([]);
  });

  it('refuses a year without a known ceiling', () => {
    expect(() => feeCeiling({ hetu: GUARDIAN, guardians: [], fees: [] }, [], 2023)).toThrow(UnknownCeilingYearError);
  });
});
