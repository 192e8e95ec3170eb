/**
 * The HTML reports in a real browser: Debian's headless Chromium, driven by
 * playwright-core, opens the files `check` and `conflicts` wrote and the
 * charts render with the bars, labels and counts of the JSON; the page asks
 * the network for nothing. Skips, saying why, when Chromium or
 * playwright-core is not installed.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmulators, startEmulators, type RegionEmulators } from '../adapters/emulators.ts';
import { DATA_GROUPS } from './check/fields.ts';
import type { CheckDetails } from './check/aggregate.ts';
import { BUNDLED_FIXTURES } from './cli.ts';
import { CONFLICT_KINDS } from './conflicts/compare.ts';
import type { ConflictsDetails } from './conflicts/aggregate.ts';
import { readManifest, readResult, runCli, type CliRun } from './testSupport.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** The part of playwright-core this test drives (typed here: the package is a test-only dependency). */
interface Bar {
  label: string;
  value: number;
  group: string | null;
  width: number;
  text: string;
}
/** The DOM as the page functions below use it (the project compiles without the DOM library). */
interface DomElement {
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  readonly textContent: string | null;
  getBBox(): { width: number };
}
interface Page {
  goto(url: string): Promise<unknown>;
  on(event: 'request', fn: (r: { url(): string }) => void): void;
  $$eval<R>(selector: string, fn: (elements: DomElement[]) => R): Promise<R>;
  screenshot(options: { path: string; fullPage: boolean }): Promise<unknown>;
}
interface Browser {
  newPage(options: { viewport: { width: number; height: number } }): Promise<Page>;
  close(): Promise<void>;
}
interface Playwright {
  chromium: { launch(options: { executablePath: string; args: string[] }): Promise<Browser> };
}

const moduleName = 'playwright-core';
const playwright = (await import(moduleName).catch(() => undefined)) as Playwright | undefined;
const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is absent (apt-get install chromium)`
  : !playwright
    ? 'playwright-core is not installed (npm install --save-dev playwright-core)'
    : undefined;
if (skip) console.warn(`migration/browser.test.ts skipped: ${skip}`);

describe.skipIf(skip !== undefined)(`HTML reports in headless Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let emulators: RegionEmulators;
  let browser: Browser;
  let check: CliRun;
  let conflicts: CliRun;

  beforeAll(async () => {
    emulators = await startEmulators({
      fixturesDir: BUNDLED_FIXTURES,
      only: ['mediatri-sipoo', 'pegasos-loviisa', 'mediatri-loviisa', 'proconsona-loviisa', 'vtj'],
    });
    const urls = [...emulators].flatMap(([id, e]) => ['--url', `${id}=${e.address}`]);
    const today = readManifest().today;
    [check, conflicts] = await Promise.all([
      runCli(['check', 'mediatri-sipoo', '--quiet', '--today', today, ...urls]),
      runCli(['conflicts', '--municipality', '434', '--quiet', '--today', today, ...urls]),
    ]);
    browser = await playwright!.chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (emulators) await closeEmulators(emulators);
  });

  /** Opens a report; returns the page and every URL it requested. */
  async function open(run: CliRun, name: string): Promise<{ page: Page; requests: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(run.outDir, `${name}.html`)).href;
    await page.goto(url);
    return { page, requests: requests.filter((u) => u !== url) };
  }

  /** The bars of a section's chart as laid out: label, value, group, drawn width, value text. */
  function bars(page: Page, section: string): Promise<Bar[]> {
    return page.$$eval(`section#${section} svg.chart g.bar`, (gs) =>
      gs.map((g) => ({
        label: g.getAttribute('data-label')!,
        value: Number(g.getAttribute('data-value')),
        group: g.getAttribute('data-group'),
        width: g.querySelector('rect.bar-rect')!.getBBox().width,
        text: g.querySelector('text.bar-value')!.textContent!,
      })),
    );
  }

  it('check: records per group, errors by reason and field completeness render as bars with the JSON’s figures', async () => {
    expect(check.code).toBe(1);
    const { details: d } = readResult<CheckDetails>(check, 'check');
    const { page, requests } = await open(check, 'check');
    expect(requests).toEqual([]);

    const records = await bars(page, 'records');
    expect(records.map((b) => [b.label, b.value])).toEqual(DATA_GROUPS.map((g) => [g, d.records[g]]));
    const widest = records.reduce((a, b) => (b.value > a.value ? b : a));
    expect(widest.label).toBe('appointments');
    expect(widest.width).toBeGreaterThan(200);
    for (const b of records) if (b.value === 0) expect(b.width).toBe(0);
    // Bars are drawn in proportion to their values.
    const fees = records.find((b) => b.label === 'fees')!;
    expect(fees.width / widest.width).toBeCloseTo(fees.value / widest.value, 2);

    const errors = await bars(page, 'errors');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.label).toMatch(/^expected TYYPPI as a known professional type/);
    expect(errors[0]!.value).toBe(d.unmapped[0]!.count);
    expect(errors[0]!.text).toBe(String(d.unmapped[0]!.count));
    expect(errors[0]!.group).toBe('UNMAPPED_CODE');

    const completeness = await bars(page, 'completeness');
    const held = d.completeness.filter((r) => r.items > 0);
    expect(completeness.map((b) => [b.group, b.label, b.value])).toEqual(held.map((r) => [r.group, r.field, r.percentEmpty]));
    const kind = completeness.find((b) => b.group === 'appointments' && b.label === 'professionalKind')!;
    expect(kind.value).toBeGreaterThan(0);
    expect(kind.text).toBe(`${kind.value} %`);

    // Every chart is an image with a name and a description; every table has a caption.
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((s) => [s.getAttribute('role'), s.querySelector('title')!.textContent, s.querySelector('desc')!.textContent!.length > 20]),
    );
    expect(charts).toEqual([
      ['img', 'Records per data group', true],
      ['img', 'Errors by reason', true],
      ['img', 'Identity-code quality', true],
      ['img', 'Field completeness', true],
    ]);
    const captions = await page.$$eval('table', (ts) => ts.every((t) => (t.querySelector('caption')?.textContent ?? '').length > 0));
    expect(captions).toBe(true);

    const shot = join(mkdtempSync(join(tmpdir(), 'migration-browser-')), 'check.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`check report screenshot: ${shot}`);
  }, 60_000);

  it('conflicts: by kind and by municipality render as bars with the JSON’s counts', async () => {
    expect(conflicts.code).toBe(1);
    const { details: d } = readResult<ConflictsDetails>(conflicts, 'conflicts');
    const { page, requests } = await open(conflicts, 'conflicts');
    expect(requests).toEqual([]);
    const count = (kind: string, municipality?: string) =>
      d.conflicts
        .filter((c) => c.kind === kind)
        .reduce((n, c) => n + c.records.filter((r) => municipality === undefined || r.municipality === municipality).length, 0);

    const byKind = await bars(page, 'by-kind');
    expect(byKind.map((b) => [b.label, b.value])).toEqual(CONFLICT_KINDS.map((k) => [k, count(k)]));
    expect(byKind.find((b) => b.label === 'address')!.value).toBeGreaterThanOrEqual(3);

    const byMunicipality = await bars(page, 'by-municipality');
    expect(byMunicipality.length).toBeGreaterThan(0);
    for (const b of byMunicipality) {
      expect(b.group).toBe('Loviisa (434)');
      expect(b.value).toBe(count(b.label, '434'));
      expect(b.width).toBeGreaterThan(0);
    }
    const headings = await page.$$eval('h1, h2', (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual([
      'Migration report: conflicts --municipality 434',
      'Summary',
      'Conflicts by kind',
      'Conflicts by municipality',
      'Records in conflict with VTJ',
      'Records compared per instance',
    ]);

    const shot = join(mkdtempSync(join(tmpdir(), 'migration-browser-')), 'conflicts.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`conflicts report screenshot: ${shot}`);
  }, 60_000);
});
