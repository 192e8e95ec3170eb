import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkView, readInstanceFixtures, type SkippedRow } from './load.ts';
import { decodeField, decodeLine, encodeField, encodeRow, headerRow, parseTsv } from './tsv.ts';

describe('COPY text codec', () => {
  it('writes NULL as \\N and escapes backslash, tab, newline and the other control characters', () => {
    expect(encodeField(null)).toBe('\\N');
    expect(encodeField('')).toBe('');
    expect(encodeField('a\\b')).toBe('a\\\\b');
    expect(encodeField('Ateriapalvelu\tkevät')).toBe('Ateriapalvelu\\tkevät');
    expect(encodeField('rivi 1\nrivi 2\r')).toBe('rivi 1\\nrivi 2\\r');
    expect(encodeField('\b\f\v')).toBe('\\b\\f\\v');
    // The text "\N" itself is not NULL: its backslash is escaped.
    expect(encodeField('\\N')).toBe('\\\\N');
    expect(encodeRow(['1', null, 'Åsa Öberg', 'x\ty'])).toBe('1\t\\N\tÅsa Öberg\tx\\ty\n');
    expect(headerRow(['ID', 'NIMI'])).toBe('ID\tNIMI\n');
  });

  it('reads every escape COPY uses, octal and hex included', () => {
    expect(decodeField('\\N')).toBeNull();
    expect(decodeField('\\\\N')).toBe('\\N');
    expect(decodeField('a\\tb\\nc\\rd\\\\e')).toBe('a\tb\nc\rd\\e');
    expect(decodeField('\\b\\f\\v')).toBe('\b\f\v');
    expect(decodeField('\\101\\x42C')).toBe('ABC');
    // UTF-8 bytes written as octal escapes: ä is C3 A4.
    expect(decodeField('P\\303\\244ivi')).toBe('Päivi');
    expect(decodeField('\\xc3\\xa5')).toBe('å');
    // Any other escaped character stands for itself; a lone trailing backslash is kept.
    expect(decodeField('\\q\\.')).toBe('q.');
    expect(decodeField('loppu\\')).toBe('loppu\\');
    expect(decodeLine('1\t\\N\t\tÄ')).toEqual(['1', null, '', 'Ä']);
  });

  it('round-trips awkward text', () => {
    const values = ['\\', '\t', '\n', '\\N', 'ä\tö\nå\\', '', null];
    expect(decodeLine(encodeRow(values).slice(0, -1))).toEqual(values);
  });

  it('parses a file with header, CRLF line ends, a BOM, empty lines and the end marker', () => {
    const t = parseTsv('\uFEFFID\tNIMI\r\n1\tIäkkäiden palvelut\r\n\r\n2\t\\N\r\n\\.\r\n3\tignored\r\n');
    expect(t.header).toEqual(['ID', 'NIMI']);
    expect(t.rows).toEqual([
      { line: 2, values: ['1', 'Iäkkäiden palvelut'] },
      { line: 4, values: ['2', null] },
    ]);
    expect(parseTsv('')).toEqual({ header: [], rows: [] });
  });
});

describe('emulator row checks', () => {
  it('keeps rows that fit the column types, maps columns by header name, and skips the rest with a reason', () => {
    const skipped: SkippedRow[] = [];
    const text = [
      'MAKSU_ID\tASIAKAS_ID\tPVM\tSUMMA_SNT\tSELITE\tKATTOON\tTILA\tEXTRA',
      '1\t7\t2025-02-01\t2060\tKotihoito\t1\tA\tx',
      '2\t7\t2025-02-30\t100\tHuono päivä\t1\tA\tx',
      '3\t7\t2025-02-01\t20,60\tDesimaali\t1\tA\tx',
      '4\t7\t2025-02-01\t100\tLiian pitkä tila\t1\tAB\tx',
      '5\t7\t2025-02-01\t100\tLiian vähän kenttiä',
      '6\t99999999999\t2025-02-01\t100\tIso\t1\tA\tx',
      '',
    ].join('\n');
    const view = checkView('V_MAKSU', text, skipped);
    expect(view.rows).toEqual([['1', '7', '2025-02-01', 'Kotihoito', '2060', '1', 'A']]);
    expect(skipped).toEqual([
      { view: 'V_MAKSU', line: 3, reason: 'expected PVM as date, received a value of another form' },
      { view: 'V_MAKSU', line: 4, reason: 'expected SUMMA_SNT as integer, received a value of another form' },
      { view: 'V_MAKSU', line: 5, reason: 'expected TILA as char(1), received a value of another form' },
      { view: 'V_MAKSU', line: 6, reason: 'expected 8 fields, received 5' },
      { view: 'V_MAKSU', line: 7, reason: 'expected ASIAKAS_ID as integer, received a value of another form' },
    ]);
  });

  it('accepts timestamps PostgreSQL accepts and refuses impossible ones', () => {
    const skipped: SkippedRow[] = [];
    const header = 'ASIAKAS_ID\tMUUTETTU';
    const view = checkView('V_ASIAKAS', `${header}\n1\t2025-10-26 03:30:00\n2\t2025-03-30 03:30:00\n3\t2025-01-01 24:00:00\n`, skipped);
    // The skipped March hour is a valid PostgreSQL timestamp (without time zone): the adapter reports it.
    expect(view.rows.map((r) => r[0])).toEqual(['1', '2']);
    expect(skipped.map((s) => s.line)).toEqual([4]);
  });
});

describe('fixture directory', () => {
  it('reads a Latin-1 file without failing (replacement characters), skips a truncated last line, seeds V_PALVELUTEHTAVA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proconsona-load-'));
    mkdirSync(join(dir, 'x'));
    const latin1 = Buffer.from('ASIAKAS_ID\tSUKUNIMI\n1\tM\xe4kinen\n2\tVirta', 'latin1');
    writeFileSync(join(dir, 'x', 'V_ASIAKAS.tsv'), latin1);
    const loaded = await readInstanceFixtures(join(dir, 'x'));
    const asiakas = loaded.views.find((v) => v.view === 'V_ASIAKAS')!;
    expect(asiakas.rows.map((r) => [r[0], r[2]])).toEqual([
      ['1', 'M\uFFFDkinen'],
      ['2', 'Virta'],
    ]);
    expect(loaded.views.find((v) => v.view === 'V_PALVELUTEHTAVA')!.rows).toHaveLength(7);
    expect(loaded.views.find((v) => v.view === 'V_MAKSU')!.rows).toEqual([]);
    const truncated: SkippedRow[] = [];
    checkView('V_MAKSU', 'MAKSU_ID\tASIAKAS_ID\tPVM\n1\t2\t2025-0', truncated);
    expect(truncated).toEqual([{ view: 'V_MAKSU', line: 2, reason: 'expected PVM as date, received a value of another form' }]);
  });
});
