import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../emulator/faults.ts';
import { startPegasosEmulator } from './emulator.ts';
import { buildQuery, frame, type QueryRequest } from './format.ts';
import { fixtureDir, HETU_A, HETU_UNKNOWN, rawExchange } from './testSupport.ts';

const clock = { now: () => new Date('2026-01-15T10:00:00+02:00') };
const NOW = clock.now().getTime();
let dir: string;
let emu: RunningEmulator;

beforeAll(async () => {
  dir = fixtureDir();
  emu = await startPegasosEmulator({ instance: 'pegasos-loviisa', fixturesDir: dir, clock });
});
afterAll(async () => {
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => emu.faults.clear());

const query = (q: Omit<QueryRequest, 'now'>) => buildQuery({ ...q, now: NOW });
const text = (b: Buffer | undefined) => b?.toString('latin1');
const RSP = (id: string) => `MSH|^~\\&|PEGASOS|LOVIISA|ALUEGRAAFI|ITA-UUSIMAA|20260115100000||RSP^K11^RSP_K11|${id}|P|2.5|||||FIN|8859/1\r`;

describe('Pegasos emulator on the wire', () => {
  it('answers Q_POTILAS with MSH, MSA, QAK, echoed QPD, PID and ZPT, in ISO-8859-1', async () => {
    const request = query({ controlId: 'RG1', tag: 'T1', query: 'Q_POTILAS', params: [HETU_A] });
    expect(request).toBe(
      'MSH|^~\\&|ALUEGRAAFI|ITA-UUSIMAA|PEGASOS|LOVIISA|20260115100000||QBP^Q11^QBP_Q11|RG1|P|2.5|||||FIN|8859/1\r' +
        'QPD|Q_POTILAS^Potilashaku^PEGASOS|T1|131052-9085\r' +
        'RCP|I\r',
    );
    const r = await rawExchange(emu.port, [frame(request)], 1);
    const answer = r.frames[0]!;
    expect(text(answer)).toMatch(
      /^MSH\|\^~\\&\|PEGASOS\|LOVIISA\|ALUEGRAAFI\|ITA-UUSIMAA\|20260115100000\|\|RSP\^K11\^RSP_K11\|PEG\d+\|P\|2\.5\|\|\|\|\|FIN\|8859\/1\r/,
    );
    expect(text(answer)!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AA|RG1\r' +
        'QAK|T1|OK|Q_POTILAS^Potilashaku^PEGASOS\r' +
        'QPD|Q_POTILAS^Potilashaku^PEGASOS|T1|131052-9085\r' +
        'PID|1||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI||Hämäläinen^Åsa Maria||19521013|F|||Mannerheimintie 5 A 3^^Loviisa^^07900^FIN^H^^434||040 123 4567||sv\r' +
        'ZPT|N|434\r',
    );
    // ä and Å are one byte each on the wire.
    expect(answer.includes(Buffer.from([0x48, 0xe4, 0x6d, 0xe4]))).toBe(true);
    expect(answer.includes(0xc5)).toBe(true);
  });

  it('answers NF for an unknown patient and AE with ERR at QPD-3 for a malformed identity code', async () => {
    const r = await rawExchange(
      emu.port,
      [
        frame(query({ controlId: 'RG2', tag: 'T2', query: 'Q_POTILAS', params: [HETU_UNKNOWN] })),
        frame(query({ controlId: 'RG3', tag: 'T3', query: 'Q_MAKSUT', params: ['131052-908X', '2025'] })),
      ],
      2,
    );
    expect(text(r.frames[0])!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AA|RG2\rQAK|T2|NF|Q_POTILAS^Potilashaku^PEGASOS\rQPD|Q_POTILAS^Potilashaku^PEGASOS|T2|240238-915D\r',
    );
    expect(text(r.frames[1])!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AE|RG3\rERR||QPD^1^3|102^Data type error|E\rQAK|T3|AE|Q_MAKSUT^Maksut^PEGASOS\rQPD|Q_MAKSUT^Maksut^PEGASOS|T3|131052-908X|2025\r',
    );
  });

  it('filters appointments by the QPD-4/5 day range and fees by the QPD-4 year', async () => {
    const r = await rawExchange(
      emu.port,
      [
        frame(query({ controlId: 'A', tag: 'A', query: 'Q_AJANVARAUKSET', params: [HETU_A, '20250301', '20250331'] })),
        frame(query({ controlId: 'B', tag: 'B', query: 'Q_MAKSUT', params: [HETU_A, '2025'] })),
      ],
      2,
    );
    expect(text(r.frames[0])!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AA|A\rQAK|A|OK|Q_AJANVARAUKSET^Ajanvaraukset^PEGASOS\rQPD|Q_AJANVARAUKSET^Ajanvaraukset^PEGASOS|A|131052-9085|20250301|20250331\r' +
        'PID|||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI\r' +
        'SCH|5002|||||||PUH^Puhelinasiointi|||^^^202503300230+0200^202503300430+0300||||||||||||||Booked\r' +
        'AIS|1||VO-L^Lääkärin vastaanotto^PEGASOS\rAIL|1||^^^Loviisan terveysasema&1.2.246.10.2345678.10.4341\rAIP|1||H12^Virtanen^Anna Liisa|Lääkäri\r',
    );
    expect(text(r.frames[1])!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AA|B\rQAK|B|OK|Q_MAKSUT^Maksut^PEGASOS\rQPD|Q_MAKSUT^Maksut^PEGASOS|B|131052-9085|2025\r' +
        'PID|||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI\r' +
        'FT1|1|F9002||20250114||CG|PTHMAKSU^Avosairaanhoidon käyntimaksu||||20.60^EUR\rZFT|Y|O\r',
    );
  });

  it('lists changes at or after QPD-3 by EVN-2 in pages of RCP-2 rows with DSC continuation', async () => {
    const q = (id: string, continuation?: string) =>
      frame(
        query({
          controlId: id,
          tag: id,
          query: 'Q_MUUTTUNEET',
          params: ['20240101000000'],
          maxRows: 2,
          ...(continuation ? { continuation } : {}),
        }),
      );
    const first = await rawExchange(emu.port, [q('C1')], 1);
    expect(text(first.frames[0])!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AA|C1\rQAK|C1|OK|Q_MUUTTUNEET^Muuttuneet^PEGASOS\rQPD|Q_MUUTTUNEET^Muuttuneet^PEGASOS|C1|20240101000000\r' +
        'PID|||131052-9086^^^&1.2.246.21&ISO^NNFIN~1003^^^PEGASOS^PI\r' +
        'PID|||131052-9085^^^&1.2.246.21&ISO^NNFIN~1001^^^PEGASOS^PI\r' +
        'DSC|2|I\r',
    );
    const second = await rawExchange(emu.port, [q('C2', '2')], 1);
    expect(text(second.frames[0])!.replace(/^MSH[^\r]*\r/, '')).toBe(
      'MSA|AA|C2\rQAK|C2|OK|Q_MUUTTUNEET^Muuttuneet^PEGASOS\rQPD|Q_MUUTTUNEET^Muuttuneet^PEGASOS|C2|20240101000000\r' +
        'PID|||1002^^^PEGASOS^PI~010594-9021^^^&1.2.246.21&ISO^NNFIN\r',
    );
    // The repeated October hour of EVN-2 reads as summer time: 03:30+03:00 is 00:30 UTC.
    const later = await rawExchange(
      emu.port,
      [frame(query({ controlId: 'C3', tag: 'C3', query: 'Q_MUUTTUNEET', params: ['20251026033001'] }))],
      1,
    );
    expect(text(later.frames[0])).toContain('QAK|C3|NF|');
  });

  it('answers many requests on one connection, in order, from a request split byte by byte and two in one chunk', async () => {
    const one = frame(query({ controlId: 'S1', tag: 'S1', query: 'Q_POTILAS', params: [HETU_A] }));
    const two = Buffer.concat([
      frame(query({ controlId: 'S2', tag: 'S2', query: 'Q_POTILAS', params: [HETU_UNKNOWN] })),
      frame(query({ controlId: 'S3', tag: 'S3', query: 'Q_POTILAS', params: [HETU_A] })),
    ]);
    const r = await rawExchange(emu.port, [...[...one].map((b) => Buffer.of(b)), two], 3);
    expect(r.frames.map((f) => /MSA\|AA\|(\w+)/.exec(text(f)!)?.[1])).toEqual(['S1', 'S2', 'S3']);
  });

  it('survives garbage: junk between frames, a frame without MSH, a truncated frame, an oversized frame', async () => {
    const garbage = await rawExchange(
      emu.port,
      [
        Buffer.from('GET / HTTP/1.1\r\n\r\n'),
        Buffer.from('\u000b\u0000\u00ffnot hl7\u001c\r', 'latin1'),
        frame(query({ controlId: 'G1', tag: 'G1', query: 'Q_POTILAS', params: [HETU_A] })),
      ],
      2,
    );
    expect(text(garbage.frames[0])!.replace(/^MSH[^\r]*\r/, '')).toBe('MSA|AE\rERR|||100^Segment sequence error|E\r');
    expect(text(garbage.frames[1])).toContain('MSA|AA|G1\r');
    const truncated = await rawExchange(emu.port, [Buffer.from('\u000bMSH|^~\\&|ALUEGRAAFI|', 'latin1')], 1, 100);
    expect(truncated.frames).toEqual([]);
    const huge = await rawExchange(
      emu.port,
      [
        Buffer.concat([Buffer.of(0x0b), Buffer.alloc(2 * 1024 * 1024, 0x41), Buffer.of(0x1c, 0x0d)]),
        frame(query({ controlId: 'G2', tag: 'G2', query: 'Q_POTILAS', params: [HETU_A] })),
      ],
      1,
    );
    expect(text(huge.frames[0])).toContain('MSA|AA|G2\r');
    const after = await rawExchange(emu.port, [frame(query({ controlId: 'G3', tag: 'G3', query: 'Q_POTILAS', params: [HETU_A] }))], 1);
    expect(text(after.frames[0])).toContain('MSA|AA|G3\r');
  });

  it('rejects an unsupported message type with AR', async () => {
    const r = await rawExchange(emu.port, [frame('MSH|^~\\&|X|Y|PEGASOS|LOVIISA|20260115100000||ADT^A01^ADT_A01|Z1|P|2.5\rPID|1\r')], 1);
    expect(text(r.frames[0])).toBe(
      `${RSP('PEG' + /PEG(\d+)/.exec(text(r.frames[0])!)![1])}MSA|AR|Z1\rERR||MSH^1^9|200^Unsupported message type|E\r`.replace(
        'ALUEGRAAFI|ITA-UUSIMAA',
        'X|Y',
      ),
    );
  });
});

describe('Pegasos emulator faults', () => {
  const request = () => frame(query({ controlId: 'F1', tag: 'F1', query: 'Q_POTILAS', params: [HETU_A] }));

  it.each([
    ['overload', '207^Palvelu ylikuormittunut'],
    ['maintenance', '207^Huoltokatko'],
  ] as const)('%s: MSA AR with an ERR', async (mode, err) => {
    emu.faults.set({ mode, times: 1 });
    const r = await rawExchange(emu.port, [request(), request()], 2);
    expect(text(r.frames[0])!.replace(/^MSH[^\r]*\r/, '')).toBe(`MSA|AR|F1\rERR|||${err}|E\r`);
    expect(text(r.frames[1])).toContain('MSA|AA|F1');
  });

  it('drop: destroys the connection without an answer', async () => {
    emu.faults.set({ mode: 'drop', times: 1 });
    const r = await rawExchange(emu.port, [request()], 1);
    expect(r).toEqual({ frames: [], closed: true });
  });

  it('malformed: answers frames that are not HL7 messages', async () => {
    emu.faults.set({ mode: 'malformed', times: 2 });
    const r = await rawExchange(emu.port, [request(), request()], 2);
    expect(r.frames).toHaveLength(2);
    for (const f of r.frames) expect(text(f)!.startsWith('MSH')).toBe(false);
  });

  it('latency: answers after the delay and counts requests', async () => {
    const before = emu.faults.requests;
    emu.faults.set({ latencyMs: 150 });
    const t0 = Date.now();
    const r = await rawExchange(emu.port, [request()], 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(text(r.frames[0])).toContain('MSA|AA|F1');
    expect(emu.faults.requests).toBe(before + 1);
  });
});

describe('Pegasos emulator fixtures', () => {
  it('starts on a directory with missing files and answers NF', async () => {
    const empty = fixtureDir({});
    const e = await startPegasosEmulator({ instance: 'pegasos-loviisa', fixturesDir: empty });
    try {
      const r = await rawExchange(e.port, [frame(query({ controlId: 'E1', tag: 'E1', query: 'Q_POTILAS', params: [HETU_A] }))], 1);
      expect(text(r.frames[0])).toContain('QAK|E1|NF|');
    } finally {
      await e.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
