/** The renderers on a literal result: self-contained HTML, accessible charts, terminal text, no personal data. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { redact } from './redact.ts';
import { barChartSvg, niceStep } from './svg.ts';
import { renderTerminal } from './terminal.ts';
import type { CommandResult } from './types.ts';
import { writeReports } from './write.ts';

const RESULT: CommandResult = {
  command: 'check mediatri-sipoo',
  status: 'problems',
  summary: { instance: 'mediatri-sipoo', 'persons listed': 12_345, issues: 3 },
  sections: [
    {
      id: 'errors',
      title: 'Errors by reason',
      description: 'Every record issue <grouped> & counted.',
      chart: {
        kind: 'bars',
        unit: 'occurrences',
        bars: [
          { label: 'UNMAPPED_CODE: expected TYYPPI as a known professional type in Finnish or Swedish, received free text', value: 2 },
          { label: 'MALFORMED_RECORD: expected a date', value: 1 },
        ],
      },
      table: {
        columns: ['code', 'reason', 'count', 'first positions'],
        rows: [
          ['UNMAPPED_CODE', 'expected TYYPPI as a known professional type', 2, 'listed person #3 · ajanvaraus.csv line 4'],
          // A source message that leaked a code must still not reach the page.
          ['MALFORMED_RECORD', 'expected a date for 131052-308T', 1, 'person 1001 · potilas.csv line 2'],
        ],
        truncated: 4,
      },
    },
    {
      id: 'completeness',
      title: 'Field completeness',
      chart: {
        kind: 'bars',
        unit: '% empty',
        bars: [
          { label: 'phone', value: 21.9, group: 'person' },
          { label: 'note', value: 100, group: 'appointments' },
        ],
      },
    },
    { id: 'deceased', title: 'Deceased persons with future appointments', table: { columns: ['person'], rows: [] } },
  ],
  details: { hetu: '131052-308T' },
  startedAt: '2026-11-23T10:00:00+02:00',
  durationMs: 65_400,
};

describe('HTML report', () => {
  const html = renderHtml(RESULT);

  it('is one self-contained document: inline style, no script, nothing fetched, a policy that forbids fetching', () => {
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    );
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    // The only URL is the SVG namespace, which is a name, not a fetch.
    expect(html.match(/https?:\/\/[^"\s]+/g)).toEqual(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
  });

  it('has headings, captions, and charts with a title, a description and one group per bar', () => {
    expect(html).toContain('<h1>Migration report: check mediatri-sipoo</h1>');
    expect(html).toContain('<section id="errors" aria-labelledby="errors-h">\n<h2 id="errors-h">Errors by reason</h2>');
    expect(html).toContain('<caption>Errors by reason</caption>');
    expect(html).toContain('<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 ');
    expect(html).toContain('role="img" aria-labelledby="errors-chart-title errors-chart-desc"');
    expect(html).toContain('<title id="errors-chart-title">Errors by reason</title>');
    expect(html).toMatch(
      /<desc id="errors-chart-desc">Bar chart, one bar per item, values in occurrences\. UNMAPPED_CODE: expected TYYPPI [^<]*: 2; MALFORMED_RECORD: expected a date: 1\.<\/desc>/,
    );
    expect(html.match(/<g class="bar" /g)).toHaveLength(4);
    expect(html).toContain('<g class="bar" data-label="MALFORMED_RECORD: expected a date" data-value="1">');
    // A chart without a table carries its data as a table too.
    expect(html).toContain("<summary>The chart's data as a table</summary>");
    expect(html).toContain('<caption>Field completeness: chart data</caption>');
    expect(html).toContain('<p class="note">4 more rows are in the JSON file.</p>');
    expect(html).toContain('<p class="note">Nothing to list.</p>');
  });

  it('escapes text and never shows identity codes or the details', () => {
    expect(html).toContain('Every record issue &lt;grouped&gt; &amp; counted.');
    expect(html).not.toContain('131052-308T');
    expect(html).toContain('expected a date for [identity code]');
  });

  it('writes the JSON with the details and the HTML without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migration-write-'));
    const files = await writeReports(RESULT, join(dir, 'nested'), 'check');
    expect(files).toEqual([join(dir, 'nested', 'check.json'), join(dir, 'nested', 'check.html')]);
    expect(JSON.parse(readFileSync(files[0]!, 'utf8'))).toEqual(RESULT);
    expect(readFileSync(files[1]!, 'utf8')).toBe(html);
  });
});

describe('bar chart', () => {
  it('scales bars to round ticks and percentages to 100, and groups bars under their group', () => {
    const svg = barChartSvg(
      {
        kind: 'bars',
        unit: 'records',
        bars: [
          { label: 'a', value: 21 },
          { label: 'b', value: 0 },
        ],
      },
      'c',
      'Counts',
    );
    // Ticks 0, 10, 20, 30: the longest bar ends at 21/30 of the 340 px bar area.
    expect(svg.match(/class="tick"[^>]*>([^<]*)</g)!.map((t) => t.replace(/.*>/, '').replace('<', ''))).toEqual(['0', '10', '20', '30']);
    expect(svg).toContain('<rect class="bar-rect" x="330" y="27" width="238.0" height="16"');
    expect(svg).toContain('<g class="bar" data-label="b" data-value="0"><title>b: 0 records</title>');
    expect(svg).toContain('width="0.0"');
    const pct = barChartSvg({ kind: 'bars', unit: '% empty', bars: [{ label: 'x', value: 50, group: 'person' }] }, 'p', 'Empty');
    expect(pct).toContain('<text class="group-label" x="0" y="42" font-weight="bold">person</text>');
    expect(pct).toContain('data-group="person"');
    expect(pct).toContain('>50 %</text>');
  });

  it('picks steps people read easily', () => {
    expect([0.3, 1, 1.5, 3, 4.9, 7, 12, 240, 9_000].map(niceStep)).toEqual([1, 1, 2, 5, 5, 10, 20, 500, 10_000]);
  });
});

describe('terminal summary', () => {
  it('shows status, headline figures and the first rows, without identity codes', () => {
    const text = renderTerminal(RESULT, ['out/check.json', 'out/check.html']);
    expect(text).toBe(
      [
        'check mediatri-sipoo: problems found (1 min 05 s)',
        '  instance        mediatri-sipoo',
        '  persons listed  12\u202f345',
        '  issues          3',
        '',
        'Errors by reason',
        '  code              reason                                        count  first positions',
        '  UNMAPPED_CODE     expected TYYPPI as a known professional type  2      listed person #3 · ajanvaraus.csv line 4',
        '  MALFORMED_RECORD  expected a date for [identity code]           1      person 1001 · potilas.csv line 2',
        '  … 4 more rows in the reports',
        '',
        'Field completeness',
        '',
        'Deceased persons with future appointments',
        '',
        'Reports: out/check.json, out/check.html',
        '',
      ].join('\n'),
    );
  });
});

describe('redact', () => {
  it('replaces identity-code shapes, canonical or legacy, and leaves dates, times and ids alone', () => {
    expect(redact('a 131052-308T b 131052a308t c 131052 308T d 131052308t')).toBe(
      'a [identity code] b [identity code] c [identity code] d [identity code]',
    );
    // Ten digits whose last does not check are not a code.
    expect(redact('1311231015')).toBe('1311231015');
    expect(redact('2026-11-23T10:00:00+02:00 ASIAKAS_ID=1005 line 14 20261123101500')).toBe(
      '2026-11-23T10:00:00+02:00 ASIAKAS_ID=1005 line 14 20261123101500',
    );
  });
});
