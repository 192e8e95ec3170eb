import { describe, expect, it } from 'vitest';
import {
  decodeWindows1252,
  encodeWindows1252,
  formatRecord,
  invalidWindows1252,
  parseCsv,
  quoteField,
  toWindows1252Repertoire,
} from './csv.ts';
import {
  compactOfInstant,
  formatCompact,
  formatTime,
  formatTimestamp,
  parseCompact,
  parseDate,
  parseTime,
  parseTimestamp,
} from './format.ts';

describe('Windows-1252', () => {
  it('encodes ä, ö, å, Ä, Ö, Å and € to their single bytes', () => {
    expect([...encodeWindows1252('äöåÄÖÅ€')]).toEqual([0xe4, 0xf6, 0xe5, 0xc4, 0xd6, 0xc5, 0x80]);
  });

  it('decodes 0x80 as € (not as the C1 control ISO-8859-1 would give)', () => {
    expect(decodeWindows1252(Uint8Array.from([0x4d, 0x61, 0x6b, 0x73, 0x75, 0x20, 0x38, 0x30, 0x80]))).toBe('Maksu 80€');
  });

  it('flags bytes that Windows-1252 leaves undefined, and NUL', () => {
    expect(invalidWindows1252(decodeWindows1252(Uint8Array.from([0x41, 0x81])))).toBe(true);
    expect(invalidWindows1252(decodeWindows1252(Uint8Array.from([0x41, 0x00, 0x42])))).toBe(true);
    expect(invalidWindows1252(decodeWindows1252(encodeWindows1252('Hälsovårdare 5 €')))).toBe(false);
  });

  it('shows what a round trip keeps: Latin letters with diacritics outside 1252 become ?', () => {
    expect(toWindows1252Repertoire('Åsa Öberg')).toBe('Åsa Öberg');
    expect(toWindows1252Repertoire('Łukasz Erdős')).toBe('?ukasz Erd?s');
    expect(toWindows1252Repertoire('Š€')).toBe('Š€');
  });
});

describe('writing', () => {
  it('quotes only fields holding ; " or a line break, doubling inner quotes', () => {
    expect(quoteField('Lääkäri')).toBe('Lääkäri');
    expect(quoteField('a;b')).toBe('"a;b"');
    expect(quoteField('sano "hei"')).toBe('"sano ""hei"""');
    expect(quoteField('rivi 1\r\nrivi 2')).toBe('"rivi 1\r\nrivi 2"');
    expect(quoteField('')).toBe('');
  });

  it('ends every record with CRLF', () => {
    expect(formatRecord(['1', 'Tuo "lista"; soita', ''])).toBe('1;"Tuo ""lista""; soita";\r\n');
  });
});

describe('reading', () => {
  it("reads a multi-line quoted field holding ; and doubled quotes, with each record's starting line", () => {
    const text = 'A;B;C\r\n1;"Asiakas toivoo ""aamupäivää""\r\nSoita; ennen";x\r\n2;y;z\r\n';
    const { rows, endsWithLineEnd } = parseCsv(text, { fieldCount: 3 });
    expect(endsWithLineEnd).toBe(true);
    expect(rows.map((r) => [r.line, r.fields, r.problem])).toEqual([
      [1, ['A', 'B', 'C'], undefined],
      [2, ['1', 'Asiakas toivoo "aamupäivää"\r\nSoita; ennen', 'x'], undefined],
      [4, ['2', 'y', 'z'], undefined],
    ]);
    expect(rows[1]!.raw).toBe('1;"Asiakas toivoo ""aamupäivää""\r\nSoita; ennen";x');
  });

  it('reports a wrong field count for that record only', () => {
    const { rows } = parseCsv('A;B;C\r\n1;2\r\n3;4;5\r\n', { fieldCount: 3 });
    expect(rows.map((r) => [r.line, r.problem])).toEqual([
      [1, undefined],
      [2, 'expected 3 fields, received 2'],
      [3, undefined],
    ]);
  });

  it('reports an unterminated quote as a problem of its record, never throwing', () => {
    const { rows, endsWithLineEnd } = parseCsv('A;B\r\n1;"auki\r\njää', { fieldCount: 2 });
    expect(endsWithLineEnd).toBe(false);
    expect(rows[1]).toMatchObject({ line: 2, unterminated: true, problem: 'expected a closing quote, received the end of the data' });
  });

  it('reports stray quotes in unquoted fields and text after a closing quote', () => {
    const { rows } = parseCsv('a"b;c\r\n"x"y;z\r\nok;ok\r\n', { fieldCount: 2 });
    expect(rows.map((r) => r.problem)).toEqual([
      'expected a quote only inside a quoted field, received one in an unquoted field',
      'expected a separator or line end after a closing quote, received other text',
      undefined,
    ]);
    expect(rows[2]!.line).toBe(3);
  });

  it('keeps empty fields, including a trailing one, and skips empty lines', () => {
    const { rows } = parseCsv('a;;\r\n\r\n;b;\r\n');
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', '', '']],
      [3, ['', 'b', '']],
    ]);
  });

  it('accepts a bare LF line end and counts it as a line', () => {
    const { rows } = parseCsv('a;b\n"c\nd";e\nf;g\n');
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['c\nd', 'e']],
      [4, ['f', 'g']],
    ]);
  });

  it('round-trips what formatRecord writes', () => {
    const fields = ['1', ' tila ', 'a;b', '"', 'x\r\ny\nz', '', '€'];
    expect(parseCsv(formatRecord(fields)).rows[0]!.fields).toEqual(fields);
  });
});

describe('date and time forms', () => {
  it('reads D.M.YYYY, H.MM with a full stop, D.M.YYYY H.MM.SS and YYYYMMDDHHMMSS', () => {
    expect(parseDate('3.2.2026')).toEqual({ day: 3, month: 2, year: 2026 });
    expect(parseTime('9.05')).toEqual({ hour: 9, minute: 5 });
    expect(parseTime('14.30')).toEqual({ hour: 14, minute: 30 });
    expect(parseTime('14:30')).toBeUndefined();
    expect(parseTime('9.5')).toBeUndefined();
    expect(parseTimestamp('25.10.2026 3.30.15')).toEqual({ day: 25, month: 10, year: 2026, hour: 3, minute: 30, second: 15 });
    expect(parseCompact('20260325090500')).toEqual({ year: 2026, month: 3, day: 25, hour: 9, minute: 5, second: 0 });
  });

  it('writes them without padding day, month and hour', () => {
    const t = { year: 2026, month: 3, day: 5, hour: 9, minute: 5, second: 7 };
    expect(formatTime(t)).toBe('9.05');
    expect(formatTimestamp(t)).toBe('5.3.2026 9.05.07');
    expect(formatCompact(t)).toBe('20260305090507');
  });

  it('turns an instant into the Helsinki local muuttunut value', () => {
    expect(compactOfInstant('2026-07-01T09:00:00Z')).toBe('20260701120000');
    expect(compactOfInstant('1900-01-01T00:00:00+02:00')).toBe('19000101000000');
    expect(() => compactOfInstant('yesterday')).toThrow(RangeError);
  });
});
