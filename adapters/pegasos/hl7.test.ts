import { describe, expect, it } from 'vitest';
import { components, escapeHl7, message, mshSegment, parseHl7, raw, repetitions, segment, subcomponents, unescapeHl7 } from './hl7.ts';

function parse(text: string) {
  const r = parseHl7(text);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe('HL7 v2 codec: reading', () => {
  const sample =
    'MSH|^~\\&|PEGASOS|LOVIISA|ALUEGRAAFI|ITA-UUSIMAA|20250114093000||RSP^K11^RSP_K11|PEG1|P|2.5||||||8859/1\r' +
    'PID|1||1001^^^PEGASOS^PI~131052-9085^^^&1.2.246.21&ISO^NNFIN||Virtanen\\T\\Korhonen^Anna\\S\\Liisa\r' +
    'ZPT|N\r';

  it('numbers MSH fields so that MSH-1 is the field separator and MSH-2 the encoding characters', () => {
    const msh = parse(sample).segment('MSH')!;
    expect(msh.get(1)).toBe('|');
    expect(msh.get(2)).toBe('^~\\&');
    expect(msh.get(3)).toBe('PEGASOS');
    expect(msh.get(9, 1)).toBe('RSP');
    expect(msh.get(9, 2)).toBe('K11');
    expect(msh.get(10)).toBe('PEG1');
    expect(msh.get(18)).toBe('8859/1');
    expect(msh.toString()).toBe(sample.split('\r')[0]);
  });

  it('splits repetitions, components and subcomponents and decodes escapes only after splitting', () => {
    const pid = parse(sample).segment('PID')!;
    const [first, second] = pid.repetitions(3);
    expect(first!.get(1)).toBe('1001');
    expect(first!.get(5)).toBe('PI');
    expect(second!.get(4, 2)).toBe('1.2.246.21');
    expect(second!.get(4, 3)).toBe('ISO');
    expect(pid.get(3, 1, 1, 2)).toBe('131052-9085');
    expect(pid.get(5, 1)).toBe('Virtanen&Korhonen');
    expect(pid.get(5, 2)).toBe('Anna^Liisa');
  });

  it('reads absent trailing fields, components and repetitions as empty', () => {
    const msg = parse(sample);
    expect(msg.segment('PID')!.get(29)).toBe('');
    expect(msg.segment('PID')!.get(5, 3)).toBe('');
    expect(msg.segment('PID')!.get(3, 1, 1, 3)).toBe('');
    expect(msg.segment('ZPT')!.get(2)).toBe('');
    expect(msg.segment('ZPT')!.get(1)).toBe('N');
  });

  it('decodes every escape sequence, hex bytes, and leaves unknown sequences as text', () => {
    expect(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f')).toBe('a|b^c&d~e\\f');
    expect(unescapeHl7('rivi 1\\X0D0A\\rivi 2\\X0D\\')).toBe('rivi 1\r\nrivi 2\r');
    expect(unescapeHl7('a\\.br\\b')).toBe('a\\.br\\b');
    expect(unescapeHl7('no closing \\F')).toBe('no closing \\F');
  });

  it('uses the delimiters the message declares', () => {
    const msg = parse('MSH#*@!%#PEGASOS\rPID#1##x*y@z%w#A!F!B\r');
    const pid = msg.segment('PID')!;
    expect(msg.delimiters).toEqual({ field: '#', component: '*', repetition: '@', escape: '!', subcomponent: '%' });
    expect(pid.get(3, 2)).toBe('y');
    expect(pid.get(3, 1, 1, 2)).toBe('z');
    expect(pid.get(3, 1, 2, 2)).toBe('w');
    expect(pid.get(4)).toBe('A#B');
  });

  it('tolerates CR LF and LF segment ends and blank lines', () => {
    const msg = parse('MSH|^~\\&|A\r\nPID|1\n\nZPT|Y\r');
    expect(msg.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'ZPT']);
  });

  it.each([
    ['', 'expected a message starting with MSH'],
    ['PID|1||x\r', 'expected a message starting with MSH'],
    ['MSH', 'delimiters'],
    ['MSH|^~|A\r', 'delimiters'],
    ['MSH|^^\\&|A\r', 'delimiters'],
    ['MSH|^~\\&|A\rthis is not a segment\r', 'segment 2'],
    ['MSH|^~\\&|A\r\u0000\u00ff\u0001garbage\r', 'segment 2'],
  ])('refuses %j with a reason', (text, reason) => {
    const r = parseHl7(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe('HL7 v2 codec: writing', () => {
  it('escapes the five delimiters, the escape character first, and control characters as hex', () => {
    expect(escapeHl7('Tolk | "tulkki" ^ A&B ~ C\\D')).toBe('Tolk \\F\\ "tulkki" \\S\\ A\\T\\B \\R\\ C\\E\\D');
    expect(escapeHl7('rivi\r\nrivi\u000b\u001c')).toBe('rivi\\X0D\\\\X0A\\rivi\\X0B\\\\X1C\\');
    expect(escapeHl7('Hämäläinen Åsa')).toBe('Hämäläinen Åsa');
  });

  it('round-trips hostile text through a field', () => {
    const text = 'a|b^c&d~e\\f\r\ng \\F\\ h';
    const seg = segment('NTE', '1', undefined, components(text, subcomponents(text, text)));
    const msg = parse(message([mshSegment('X'), seg]));
    const nte = msg.segment('NTE')!;
    expect(nte.get(3, 1)).toBe(text);
    expect(nte.get(3, 2, 1)).toBe(text);
    expect(nte.get(3, 2, 2)).toBe(text);
  });

  it('leaves out empty trailing fields and components', () => {
    expect(segment('PID', '1', undefined, raw('x'), undefined, components('Virtanen', undefined, undefined), undefined, undefined)).toBe(
      'PID|1||x||Virtanen',
    );
    expect(segment('ZPT')).toBe('ZPT');
    expect(components(undefined, undefined, undefined, subcomponents('Terveysasema', '1.2.246.10.1'))).toEqual(
      raw('^^^Terveysasema&1.2.246.10.1'),
    );
    expect(repetitions(components('1', 'a'), components('2', 'b'))).toEqual(raw('1^a~2^b'));
    expect(mshSegment('PEGASOS', undefined, undefined)).toBe('MSH|^~\\&|PEGASOS');
    expect(message(['MSH|^~\\&', 'PID|1'])).toBe('MSH|^~\\&\rPID|1\r');
  });
});
