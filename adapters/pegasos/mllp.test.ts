import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, frame } from './format.ts';
import { encodeFrame, MllpDecoder, type MllpEvent } from './mllp.ts';

const frames = (events: MllpEvent[]) =>
  events.filter((e) => e.type === 'frame').map((e) => (e.type === 'frame' ? e.payload.toString('latin1') : ''));
const errors = (events: MllpEvent[]) => events.filter((e) => e.type === 'error');

describe('MLLP framing', () => {
  it('frames a message as 0x0B + bytes + 0x1C 0x0D', () => {
    expect([...encodeFrame(Buffer.from('MSH|^~\\&\r', 'latin1'))]).toEqual([0x0b, ...Buffer.from('MSH|^~\\&\r', 'latin1'), 0x1c, 0x0d]);
  });

  it('reassembles a frame split byte by byte across chunks', () => {
    const wire = frame('MSH|^~\\&|PEGASOS\rPID|1||Hämäläinen\r');
    const d = new MllpDecoder(1024);
    const events: MllpEvent[] = [];
    for (const byte of wire) events.push(...d.push(Buffer.of(byte)));
    expect(frames(events)).toEqual([Buffer.from('MSH|^~\\&|PEGASOS\rPID|1||Hämäläinen\r', 'latin1').toString('latin1')]);
    expect(errors(events)).toEqual([]);
    expect(d.midFrame).toBe(false);
  });

  it('yields two frames from one chunk, skipping junk before, between and after them', () => {
    const d = new MllpDecoder(1024);
    const chunk = Buffer.concat([
      Buffer.from('junk\r\n'),
      frame('MSH|^~\\&|A\r'),
      Buffer.from('xx'),
      frame('MSH|^~\\&|B\r'),
      Buffer.from('tail'),
    ]);
    const events = d.push(chunk);
    expect(frames(events)).toEqual(['MSH|^~\\&|A\r', 'MSH|^~\\&|B\r']);
    expect(errors(events)).toEqual([]);
    expect(d.junkBytes).toBe(12);
  });

  it('handles the end byte and its CR arriving in different chunks', () => {
    const d = new MllpDecoder(1024);
    expect(d.push(Buffer.from('\u000bMSH|^~\\&|A\r\u001c', 'latin1'))).toEqual([]);
    expect(frames(d.push(Buffer.from('\r\u000bMSH', 'latin1')))).toEqual(['MSH|^~\\&|A\r']);
    expect(d.midFrame).toBe(true);
  });

  it('drops a frame larger than the limit and decodes the next one', () => {
    const d = new MllpDecoder(16);
    const events = [
      ...d.push(frame(`MSH|^~\\&|${'x'.repeat(20)}`).subarray(0, 10)),
      ...d.push(frame(`MSH|^~\\&|${'x'.repeat(20)}`).subarray(10)),
      ...d.push(frame('MSH|^~\\&|ok')),
    ];
    expect(errors(events)).toHaveLength(1);
    expect(errors(events)[0]).toMatchObject({ reason: expect.stringContaining('at most 16 bytes') });
    expect(frames(events)).toEqual(['MSH|^~\\&|ok']);
  });

  it('reports a frame cut short by the start of another, and one whose end byte lacks its CR', () => {
    const d = new MllpDecoder(1024);
    const events = d.push(
      Buffer.concat([
        Buffer.from('\u000bMSH|trunc', 'latin1'),
        frame('MSH|^~\\&|A'),
        Buffer.from('\u000bMSH|bad\u001cX', 'latin1'),
        frame('MSH|^~\\&|B'),
      ]),
    );
    expect(frames(events)).toEqual(['MSH|^~\\&|A', 'MSH|^~\\&|B']);
    expect(errors(events).map((e) => (e.type === 'error' ? e.reason : ''))).toEqual([
      'expected the end of a frame, received the start of another frame',
      'expected 0x0D after the end byte 0x1C, received another byte',
    ]);
  });
});

describe('ISO-8859-1 on the wire', () => {
  it('writes ä, ö, å as single bytes and reads them back', () => {
    const bytes = encodeWire('PID|1||Hämäläinen^Åsa Öberg\r');
    expect(bytes.includes(0xe4)).toBe(true);
    expect(bytes.includes(0xc5)).toBe(true);
    expect(bytes.includes(0xd6)).toBe(true);
    expect(bytes.length).toBe('PID|1||Hämäläinen^Åsa Öberg\r'.length);
    expect(decodeWire(bytes)).toBe('PID|1||Hämäläinen^Åsa Öberg\r');
  });

  it('writes characters outside ISO-8859-1 as ?', () => {
    expect(encodeWire('Šárka €').toString('latin1')).toBe('?árka ?');
  });

  it('re-reads a payload whose MSH-18 declares UTF-8 as UTF-8', () => {
    const text = 'MSH|^~\\&|A|||||||||||||||UNICODE UTF-8\rPID|1||Hämäläinen\r';
    expect(decodeWire(Buffer.from(text, 'utf8'))).toBe(text);
  });
});
