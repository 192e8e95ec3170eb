import { describe, expect, it } from 'vitest';
import { parseDiffOptions } from '../commands/diff.ts';
import { parseSampleOptions } from '../commands/sample.ts';
import { CommandError } from '../commands/io.ts';
import { parseFeeYears } from './options.ts';

describe('diff options', () => {
  it('reads the instances, municipality, baseline and fee years', () => {
    expect(
      parseDiffOptions([
        '--from',
        'lifecare-phhyky',
        '--to',
        'lifecare-porvoo',
        '--municipality',
        '504',
        '--baseline-fixtures',
        '/tmp/before',
        '--fee-years',
        '2024-2026',
        '--no-target-scan',
      ]),
    ).toEqual({
      from: 'lifecare-phhyky',
      to: 'lifecare-porvoo',
      municipality: '504',
      baseline: { fixturesDir: '/tmp/before' },
      feeYears: [2024, 2025, 2026],
      targetScan: false,
    });
    expect(parseDiffOptions(['--from', 'effica-phhyky', '--to', 'proconsona-askola', '--baseline-url', 'postgres://x'])).toEqual({
      from: 'effica-phhyky',
      to: 'proconsona-askola',
      baseline: { address: 'postgres://x' },
      targetScan: true,
    });
  });

  it.each([
    [[], 'Expected --from INSTANCE, received nothing.'],
    [['--from', 'lifecare-phhyky'], 'Expected --to INSTANCE, received nothing.'],
    [['--from', 'vtj', '--to', 'lifecare-porvoo'], /^Expected --from to name a record instance \(lifecare-porvoo, .*\), received vtj\.$/],
    [
      ['--from', 'lifecare-porvoo', '--to', 'lifecare-porvoo'],
      'Expected --from and --to to name two instances, received lifecare-porvoo for both.',
    ],
    [
      ['--from', 'lifecare-phhyky', '--to', 'lifecare-porvoo', '--municipality', '999'],
      'Expected --municipality as one of 638, 753, 434, 018, 407, 504, 616, received 999.',
    ],
    [
      ['--from', 'lifecare-phhyky', '--to', 'lifecare-porvoo', '--baseline-fixtures', 'x', '--baseline-url', 'y'],
      'Expected either --baseline-fixtures DIR or --baseline-url ADDRESS, received both.',
    ],
    [['--from', 'lifecare-phhyky', '--to', 'lifecare-porvoo', '--fee-years', '2026-2024'], /^Expected --fee-years as YYYY-YYYY/],
    [['--from', 'lifecare-phhyky', '--to', 'lifecare-porvoo', '--colour'], 'diff does not take --colour.'],
    [['--from'], 'Expected --from with a value, received none.'],
    [['--from', 'lifecare-phhyky', 'extra'], 'diff takes no argument extra.'],
  ] as const)('refuses %j with one sentence', (args, message) => {
    expect(() => parseDiffOptions(args)).toThrow(CommandError);
    expect(() => parseDiffOptions(args)).toThrow(message);
  });
});

describe('sample options', () => {
  it('reads the instance, persons, seed and fee years', () => {
    expect(parseSampleOptions(['proconsona-sipoo', '--persons', '20', '--seed', '7', '--fee-years', '2025,2026'])).toEqual({
      instance: 'proconsona-sipoo',
      persons: 20,
      seed: 7,
      feeYears: [2025, 2026],
      verify: true,
    });
    expect(parseSampleOptions(['mediatri-sipoo', '--persons', '5', '--no-verify'])).toEqual({
      instance: 'mediatri-sipoo',
      persons: 5,
      seed: 1,
      verify: false,
    });
  });

  it.each([
    [['mediatri-sipoo'], 'Expected --persons as a whole number from 1 to 10000, received nothing.'],
    [['mediatri-sipoo', '--persons', '0'], 'Expected --persons as a whole number from 1 to 10000, received 0.'],
    [['--persons', '5'], 'Expected one instance to sample, received none.'],
    [['mediatri-sipoo', 'pegasos-loviisa', '--persons', '2'], 'Expected one instance to sample, received 2.'],
    [['vtj', '--persons', '2'], /^Expected sample to name a record instance/],
    [['mediatri-sipoo', '--persons', '2', '--seed', 'x'], 'Expected --seed as a whole number, received x.'],
    [['mediatri-sipoo', '--persons', '2', '--colour'], 'sample does not take --colour.'],
  ] as const)('refuses %j with one sentence', (args, message) => {
    expect(() => parseSampleOptions(args)).toThrow(CommandError);
    expect(() => parseSampleOptions(args)).toThrow(message);
  });
});

describe('parseFeeYears', () => {
  it('reads ranges and lists', () => {
    expect(parseFeeYears(undefined)).toBeUndefined();
    expect(parseFeeYears('2025-2026')).toEqual([2025, 2026]);
    expect(parseFeeYears('2024,2026,2024')).toEqual([2024, 2026]);
    expect(() => parseFeeYears('1800-1801')).toThrow(/^Expected --fee-years/);
  });
});
