import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseBenchArgs } from './options.ts';

const NOW = new Date('2026-11-23T10:04:05.123Z');

describe('parseBenchArgs', () => {
  it('has the documented defaults', () => {
    const o = parseBenchArgs([], NOW, '/repo');
    expect(o.scenarios).toEqual(['engine', 'region', 'scale', 'planning', 'lag']);
    expect([o.durationS, o.rounds, o.warmupS, o.connections, o.persons, o.soakS]).toEqual([10, 3, 3, 32, 100_000, 0]);
    expect(o.out).toBe('/repo/bench/results/bench-2026-11-23T10-04-05Z.json');
    expect(o.indexSizes).toEqual([1000, 100_000, 1_000_000]);
    expect(o.targets).toEqual(['ours', 'stock', 'hive', 'direct', 'plain']);
    expect(o.fixtures).toBe('/tmp/region-graph-bench-100000');
    expect([o.chainDepth, o.planBudgetS, o.replans, o.operations, o.supergraph]).toEqual([6, 5, 5, null, null]);
    expect(o.planners).toEqual(['apollo', 'rust']);
  });
  it('reads the planning options; --quick shortens the chain and the re-plans', () => {
    const o = parseBenchArgs(
      [
        '--scenario',
        'planning',
        '--chain',
        '8',
        '--plan-budget',
        '20',
        '--planners',
        'rust',
        '--operations',
        'chain/, ClientOverview',
        '--supergraph',
        'x.graphql',
      ],
      NOW,
      '/repo',
    );
    expect(o.scenarios).toEqual(['planning']);
    expect([o.chainDepth, o.planBudgetS, o.replans, o.planners, o.operations, o.supergraph]).toEqual([
      8,
      20,
      5,
      ['rust'],
      ['chain/', 'ClientOverview'],
      '/repo/x.graphql',
    ]);
    const quick = parseBenchArgs(['--scenario', 'planning', '--quick'], NOW, '/repo');
    expect([quick.chainDepth, quick.replans]).toEqual([2, 2]);
    expect(() => parseBenchArgs(['--planners', 'apollo,java'], NOW)).toThrow(/java/);
    expect(() => parseBenchArgs(['--plan-budget', '0'], NOW)).toThrow(/--plan-budget as a whole number ≥ 1/);
  });
  it('makes --quick one round of 2 s without warm-up, explicit flags still winning', () => {
    const o = parseBenchArgs(['--quick', '--scenario', 'engine', '--targets', 'ours,direct', '--duration', '3'], NOW, '/repo');
    expect([o.rounds, o.durationS, o.warmupS, o.quick]).toEqual([1, 3, 0, true]);
    expect(o.scenarios).toEqual(['engine']);
    expect(o.targets).toEqual(['ours', 'direct']);
  });
  it('refuses unknown scenarios, targets, options and non-numbers with a usage error', () => {
    expect(() => parseBenchArgs(['--scenario', 'speed'], NOW)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--targets', 'ours,mercury'], NOW)).toThrow(/mercury/);
    expect(() => parseBenchArgs(['--rounds', '0'], NOW)).toThrow(/--rounds as a whole number ≥ 1/);
    expect(() => parseBenchArgs(['--duration', '2.5'], NOW)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(['--fast'], NOW)).toThrow(BenchUsageError);
  });
});
