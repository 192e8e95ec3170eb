/**
 * The CLI's contract: exit codes (0 clean, 1 problems, 2 could not run) with
 * one sentence on stderr, the common options, and sources that cannot be
 * reached or answer that they are busy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmulators, startEmulators, type RegionEmulators } from '../adapters/emulators.ts';
import { BUNDLED_FIXTURES, parseCommon } from './cli.ts';
import { runCli } from './testSupport.ts';

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** stderr is one line: the CLI's prefix and one sentence. */
function expectOneSentence(stderr: string, pattern: RegExp): void {
  expect(stderr).toMatch(/^npm run migration: [^\n]+\.\n$/);
  expect(stderr).toMatch(pattern);
}

describe('arguments', () => {
  it.each([
    [[], /Expected a command \(check, conflicts, diff or sample\), received none/],
    [['tidy'], /Expected a command .*, received another word/],
    [['check'], /check: expected one instance \(lifecare-porvoo, .*\), received none/],
    [['check', 'lifecare-porvoo', 'lifecare-askola'], /check: expected one instance .*, received 2/],
    [['check', 'vtj'], /check: expected an instance of the region/],
    [['check', 'lifecare-porvoo', '--persons', '3'], /check: Unknown option '--persons'/],
    [['check', 'lifecare-porvoo', '--fee-years', '26'], /expected --fee-years as comma-separated years/],
    [['check', 'lifecare-porvoo', '--batch', '0'], /Expected --batch as a positive integer/],
    [['conflicts', '--municipality', 'Helsinki'], /conflicts: expected --municipality as one of the region's codes or names/],
    [['check', 'lifecare-porvoo', '--url', 'lifecare-turku=http://127.0.0.1:1'], /Expected --url as INSTANCE=ADDRESS/],
    [['check', 'lifecare-porvoo', '--today', '23.11.2026'], /Expected --today as YYYY-MM-DD/],
    [['check', 'lifecare-porvoo', '--timeout-ms', 'soon'], /Expected --timeout-ms as a positive integer/],
    [
      ['check', 'lifecare-porvoo', '--fixtures', '/nonexistent/region'],
      /Expected --fixtures as a directory, received \/nonexistent\/region/,
    ],
    [['check', 'lifecare-porvoo', '--out'], /Expected a value after --out/],
  ])('%j: exit 2 with one sentence', async (argv, pattern) => {
    const run = await runCli(argv as string[]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expectOneSentence(run.stderr, pattern);
  });

  it('--help prints the usage and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: npm run migration -- <command> [options]');
    expect(run.stdout).toContain('Exit codes: 0 clean, 1 problems found, 2 could not run.');
  });

  it('takes the common options out wherever they stand, and defaults to the bundled fixtures', () => {
    expect(parseCommon(['--quiet', 'check', '--out=r', 'lifecare-porvoo', '--fee-years', '2026'])).toMatchObject({
      command: 'check',
      args: ['lifecare-porvoo', '--fee-years', '2026'],
      outDir: 'r',
      quiet: true,
      fixturesDir: BUNDLED_FIXTURES,
    });
    // --url alone: nothing is emulated, every source needs an address.
    const urlOnly = parseCommon(['check', 'lifecare-porvoo', '--url', 'vtj=http://127.0.0.1:9']);
    expect(urlOnly.fixturesDir).toBeUndefined();
    expect(urlOnly.urls).toEqual({ vtj: 'http://127.0.0.1:9' });
  });

  it('the real process exits with the code', () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const tsx = join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs');
    expect(existsSync(tsx)).toBe(true);
    const r = spawnSync(process.execPath, ['--import', tsx, cli, 'check'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expectOneSentence(r.stderr, /check: expected one instance/);
  }, 60_000);
});

describe('sources that cannot be read', () => {
  let emulators: RegionEmulators;
  beforeAll(async () => {
    emulators = await startEmulators({ fixturesDir: BUNDLED_FIXTURES, only: ['lifecare-phhyky', 'vtj'] });
  }, 120_000);
  afterAll(async () => {
    if (emulators) await closeEmulators(emulators);
  });

  it('a source nothing listens on: exit 2 naming it, no report', async () => {
    const port = await closedPort();
    const run = await runCli([
      'check',
      'lifecare-phhyky',
      '--url',
      `lifecare-phhyky=http://127.0.0.1:${port}`,
      '--url',
      `vtj=${emulators.get('vtj')!.address}`,
    ]);
    expect(run.code).toBe(2);
    expectOneSentence(
      run.stderr,
      new RegExp(`^npm run migration: Could not read lifecare-phhyky at http://127\\.0\\.0\\.1:${port}: SOURCE_UNAVAILABLE, `),
    );
    expect(existsSync(join(run.outDir, 'check.json'))).toBe(false);
  }, 60_000);

  it('VTJ nothing listens on: exit 2 naming VTJ', async () => {
    const port = await closedPort();
    const run = await runCli([
      'conflicts',
      '--municipality',
      'Myrskylä',
      '--url',
      `lifecare-phhyky=${emulators.get('lifecare-phhyky')!.address}`,
      '--url',
      `vtj=http://127.0.0.1:${port}`,
    ]);
    expect(run.code).toBe(2);
    expectOneSentence(
      run.stderr,
      /^npm run migration: Expected --url for effica-phhyky \(or --fixtures DIR to emulate them\), received none\./,
    );
    const run2 = await runCli([
      'check',
      'lifecare-phhyky',
      '--url',
      `lifecare-phhyky=${emulators.get('lifecare-phhyky')!.address}`,
      '--url',
      `vtj=http://127.0.0.1:${port}`,
    ]);
    expect(run2.code).toBe(2);
    expectOneSentence(
      run2.stderr,
      new RegExp(`^npm run migration: Could not read vtj at http://127\\.0\\.0\\.1:${port}: SOURCE_UNAVAILABLE, `),
    );
  }, 60_000);

  it('a source that answers it is overloaded: exit 2; once it recovers, the same run is clean', async () => {
    const lifecare = emulators.get('lifecare-phhyky')!;
    const args = [
      'check',
      'lifecare-phhyky',
      '--quiet',
      '--today',
      '2026-11-23',
      '--url',
      `lifecare-phhyky=${lifecare.address}`,
      '--url',
      `vtj=${emulators.get('vtj')!.address}`,
    ];
    lifecare.faults.set({ mode: 'overload' });
    const busy = await runCli(args);
    lifecare.faults.clear();
    expect(busy.code).toBe(2);
    expectOneSentence(busy.stderr, /Could not read lifecare-phhyky at .*: SOURCE_UNAVAILABLE, /);
    const ok = await runCli(args);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^check lifecare-phhyky: clean; reports: .*check\.json, .*check\.html\n$/);
  }, 60_000);

  it('--fixtures without the instance’s directory: exit 2 saying the emulators could not start', async () => {
    const run = await runCli(['check', 'lifecare-phhyky', '--fixtures', join(BUNDLED_FIXTURES, 'truth')]);
    expect(run.code).toBe(2);
    expectOneSentence(run.stderr, /^npm run migration: Could not start the emulators on .*truth: /);
  }, 60_000);
});
