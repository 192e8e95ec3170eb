import { rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterError,
  addDays,
  BEGINNING_OF_TIME,
  collectChanged,
  corruptCheckCharacter,
  emptyRecords,
  makeHetu,
  type PersonRead,
  type PersonSlot,
  type SourceAdapter,
} from '../../domain/index.ts';
import { type RunningEmulator } from '../emulator/faults.ts';
import { createPegasosAdapter } from './adapter.ts';
import { startPegasosEmulator } from './emulator.ts';
import { fixtureDir, HETU_A, HETU_B, HETU_BAD, HETU_UNKNOWN } from './testSupport.ts';

const instance = 'pegasos-loviisa' as const;
const clock = { now: () => new Date('2026-01-15T10:00:00+02:00') };
const prov = (municipality: string, localId: string) => ({ instance, product: 'pegasos', municipality, localId });

let dir: string;
let emu: RunningEmulator;
const adapters: SourceAdapter[] = [];
const servers: Server[] = [];

function adapter(address = emu.address, timeoutMs = 2000): SourceAdapter {
  const a = createPegasosAdapter({ instance, address, timeoutMs, clock });
  adapters.push(a);
  return a;
}

function read(slot: PersonSlot | undefined): PersonRead {
  if (slot instanceof AdapterError) throw slot;
  return slot!;
}

function errorOf(slot: PersonSlot | undefined): [string, string] {
  expect(slot).toBeInstanceOf(AdapterError);
  const e = slot as AdapterError;
  return [e.code, e.source];
}

beforeAll(async () => {
  dir = fixtureDir();
  emu = await startPegasosEmulator({ instance, fixturesDir: dir, clock });
});
afterEach(async () => {
  emu.faults.clear();
  for (const a of adapters.splice(0)) await a.close();
});
afterAll(async () => {
  for (const s of servers) s.close();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PERSON_A = {
  hetu: HETU_A,
  surname: 'Hämäläinen',
  firstNames: 'Åsa Maria',
  birthDate: '1952-10-13',
  sex: 'FEMALE',
  municipality: '434',
  language: 'sv',
  address: { street: 'Mannerheimintie 5 A 3', postalCode: '07900', city: 'Loviisa' },
  phone: '040 123 4567',
  turvakielto: false,
  source: prov('434', '1001'),
};
const unit = (name: string) => ({ oid: '1.2.246.10.2345678.10.4341', name });
const professional = { name: 'Anna Liisa Virtanen', title: 'Lääkäri' };
const APPT_5001 = {
  careArea: 'PRIMARY_HEALTH',
  professionalKind: 'PHYSICIAN',
  contactMode: 'ON_SITE',
  start: '2025-01-14T09:00:00+02:00',
  durationMinutes: 30,
  unit: unit('Loviisan terveysasema'),
  professional,
  status: 'COMPLETED',
  note: 'Kontrolli; verikokeet',
  source: prov('434', '5001'),
};
const APPT_5002 = {
  careArea: 'PRIMARY_HEALTH',
  professionalKind: 'PHYSICIAN',
  contactMode: 'PHONE',
  start: '2025-03-30T02:30:00+02:00',
  durationMinutes: 60,
  unit: unit('Loviisan terveysasema'),
  professional,
  status: 'BOOKED',
  source: prov('434', '5002'),
};
const APPT_5003 = {
  careArea: 'PRIMARY_HEALTH',
  professionalKind: 'PHYSICIAN',
  start: '2025-10-26T03:30:00+02:00',
  durationMinutes: 30,
  unit: unit('Lapinjärven terveysasema'),
  professional,
  status: 'CANCELLED',
  source: prov('434', '5003'),
};
const fee = (localId: string, date: string, description: string, amountCents: number, accruesToCeiling: boolean, status: string) => ({
  careArea: 'PRIMARY_HEALTH',
  register: 'HEALTH',
  date,
  description,
  amountCents,
  accruesToCeiling,
  status,
  source: prov('434', localId),
});

describe('Pegasos adapter against the emulator', () => {
  it('reads each key into its own slot: records, invalid code (source not called), not found, a Lapinjärvi patient', async () => {
    const before = emu.faults.requests;
    const slots = await adapter().readPersons([HETU_A, HETU_BAD, HETU_UNKNOWN, HETU_B]);
    expect(slots).toHaveLength(4);
    expect(read(slots[0])).toEqual({
      records: {
        ...emptyRecords(HETU_A, instance),
        person: PERSON_A,
        appointments: [APPT_5001, APPT_5002, APPT_5003],
        fees: [
          fee('F9002', '2025-01-14', 'Avosairaanhoidon käyntimaksu', 2060, true, 'OPEN'),
          fee('F9003', '2026-01-02', 'Käyttämättä jätetty aika', 5150, false, 'VOIDED'),
          fee('F9001', '2024-06-12', 'Avosairaanhoidon käyntimaksu', 2060, true, 'PAID'),
        ].sort((a, b) => (a.date < b.date ? 1 : -1)),
      },
      issues: [],
    });
    expect(errorOf(slots[1])).toEqual(['INVALID_IDENTITY_CODE', instance]);
    expect(read(slots[2])).toEqual({ records: emptyRecords(HETU_UNKNOWN, instance), issues: [] });
    const b = read(slots[3]).records;
    expect(b.person).toMatchObject({
      surname: 'Öhman&Lind',
      firstNames: 'Björn',
      municipality: '407',
      language: 'fi',
      turvakielto: true,
      source: prov('407', '1002'),
    });
    expect(b.appointments).toEqual([
      {
        careArea: 'PRIMARY_HEALTH',
        professionalKind: 'PHYSICIAN',
        contactMode: 'HOME_VISIT',
        start: '2025-02-03T08:00:00+02:00',
        durationMinutes: 60,
        unit: unit('Lovisa hälsostation'),
        professional,
        status: 'BOOKED',
        source: prov('407', '5004'),
      },
    ]);
    expect(b.fees).toEqual([]);
    // A: patient, appointments, three fee years; unknown: patient only; B: five again. The invalid code: none.
    expect(emu.faults.requests - before).toBe(11);
  });

  it('passes the appointment range and fee years to the source', async () => {
    const [slot] = await adapter().readPersons([HETU_A], {
      appointmentsFrom: '2025-03-01',
      appointmentsTo: '2025-03-31',
      feeYears: [2025],
    });
    expect(read(slot).records.appointments).toEqual([APPT_5002]);
    expect(read(slot).records.fees).toEqual([fee('F9002', '2025-01-14', 'Avosairaanhoidon käyntimaksu', 2060, true, 'OPEN')]);
  });

  it('lists changed patients with their PI ids and reports the invalid code as an issue', async () => {
    const all = await collectChanged(adapter().listChanged(BEGINNING_OF_TIME));
    expect(all.persons).toEqual([
      { hetu: HETU_A, localId: '1001' },
      { hetu: HETU_B, localId: '1002' },
    ]);
    expect(all.issues).toEqual([
      {
        code: 'INVALID_IDENTITY_CODE',
        source: instance,
        position: 'Q_MUUTTUNEET page 1 PID[1]',
        reason: 'expected a valid identity code in PID-3, received one where the check character does not match',
      },
    ]);
    const recent = await collectChanged(adapter().listChanged('2025-10-26T03:00:00+03:00'));
    expect(recent.persons).toEqual([{ hetu: HETU_B, localId: '1002' }]);
  });

  it('reuses pooled connections across requests', async () => {
    let connections = 0;
    const proxy = createServer((client) => {
      connections++;
      const upstream = connect({ host: '127.0.0.1', port: emu.port });
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    servers.push(proxy);
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const a = adapter(`127.0.0.1:${(proxy.address() as { port: number }).port}`);
    const keys = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? HETU_A : HETU_B));
    for (const slot of await a.readPersons(keys)) read(slot);
    expect(connections).toBeGreaterThan(0);
    expect(connections).toBeLessThanOrEqual(4);
    const after = connections;
    for (const slot of await a.readPersons(keys)) read(slot);
    expect(connections).toBe(after);
  });
});

describe('Pegasos adapter: DSC continuation', () => {
  it('pages through more than 500 changed patients to the end', async () => {
    const n = 1203;
    let text = '';
    const expected: { hetu: string; localId: string }[] = [];
    let invalid = 0;
    for (let i = 0; i < n; i++) {
      const valid = makeHetu(addDays('1950-01-01', i), 900 + (i % 100));
      const bad = i % 250 === 7;
      const hetu = bad ? corruptCheckCharacter(valid) : valid;
      if (bad) invalid++;
      else expected.push({ hetu, localId: String(10_000 + i) });
      const stamp = `2025${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}120000`;
      text +=
        `MSH|^~\\&|PEGASOS|LOVIISA|||${stamp}||ADT^A31^ADT_A05|A${i}|P|2.5||||||8859/1\rEVN|A31|${stamp}\r` +
        `PID|1||${i % 2 ? `${hetu}^^^&1.2.246.21&ISO^NNFIN~${10_000 + i}^^^PEGASOS^PI` : `${10_000 + i}^^^PEGASOS^PI~${hetu}^^^&1.2.246.21&ISO^NNFIN`}||Testi^Potilas\rZPT|N|434\r`;
    }
    const big = fixtureDir({ potilaat: text });
    const e = await startPegasosEmulator({ instance, fixturesDir: big });
    try {
      const a = adapter(e.address);
      const pages = [];
      for await (const page of a.listChanged(BEGINNING_OF_TIME)) pages.push(page);
      expect(pages.map((p) => p.persons.length + p.issues.length)).toEqual([500, 500, 203]);
      expect(e.faults.requests).toBe(3);
      const persons = pages.flatMap((p) => p.persons);
      expect(persons).toHaveLength(n - invalid);
      expect(new Set(persons.map((p) => p.hetu)).size).toBe(n - invalid);
      expect([...persons].sort((x, y) => Number(x.localId) - Number(y.localId))).toEqual(expected);
      const issues = pages.flatMap((p) => p.issues);
      expect(issues).toHaveLength(invalid);
      for (const i of issues) expect(`${i.position} ${i.reason}`).not.toMatch(/\d{6}[-+A-FU-Y]\d{3}/);
    } finally {
      await e.close();
      rmSync(big, { recursive: true, force: true });
    }
  });
});

describe('Pegasos adapter: faults', () => {
  it('timeout → SOURCE_UNAVAILABLE for that source and those keys only; the next request reconnects', async () => {
    const a = adapter(emu.address, 150);
    emu.faults.set({ latencyMs: 400 });
    const slots = await a.readPersons([HETU_A, HETU_BAD]);
    expect(errorOf(slots[0])).toEqual(['SOURCE_UNAVAILABLE', instance]);
    expect(errorOf(slots[1])).toEqual(['INVALID_IDENTITY_CODE', instance]);
    emu.faults.clear();
    // Let the late answers arrive on the discarded sockets: they must not be read as the next answers.
    await new Promise((r) => setTimeout(r, 400));
    expect(read((await a.readPersons([HETU_A]))[0]).records.person).toEqual(PERSON_A);
  });

  it.each(['overload', 'maintenance'] as const)('%s (MSA AR) → SOURCE_UNAVAILABLE', async (mode) => {
    emu.faults.set({ mode });
    const a = adapter();
    const [slot] = await a.readPersons([HETU_A]);
    expect(errorOf(slot)).toEqual(['SOURCE_UNAVAILABLE', instance]);
    await expect(collectChanged(a.listChanged(BEGINNING_OF_TIME))).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: instance });
  });

  it('a fault in a later query of the person fails the whole slot', async () => {
    const a = adapter();
    // The second request (appointments or a fee year) is rejected: no half-read person is served.
    const orig = emu.faults.next.bind(emu.faults);
    let n = 0;
    emu.faults.next = () => (++n === 2 ? { latencyMs: 0, mode: 'maintenance' } : orig());
    try {
      expect(errorOf((await a.readPersons([HETU_A]))[0])).toEqual(['SOURCE_UNAVAILABLE', instance]);
    } finally {
      emu.faults.next = orig;
    }
  });

  it('drop → SOURCE_UNAVAILABLE, then the adapter reconnects', async () => {
    const a = adapter();
    read((await a.readPersons([HETU_A]))[0]);
    emu.faults.set({ mode: 'drop', times: 1 });
    expect(errorOf((await a.readPersons([HETU_A]))[0])).toEqual(['SOURCE_UNAVAILABLE', instance]);
    expect(read((await a.readPersons([HETU_A]))[0]).records.person).toEqual(PERSON_A);
  });

  it('malformed answer → MALFORMED_RESPONSE; the adapter keeps working', async () => {
    const a = adapter();
    emu.faults.set({ mode: 'malformed', times: 2 });
    expect(errorOf((await a.readPersons([HETU_A]))[0])).toEqual(['MALFORMED_RESPONSE', instance]);
    expect(errorOf((await a.readPersons([HETU_A]))[0])).toEqual(['MALFORMED_RESPONSE', instance]);
    expect(read((await a.readPersons([HETU_A]))[0]).records.person).toEqual(PERSON_A);
  });

  it('a refused connection → SOURCE_UNAVAILABLE', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(errorOf((await adapter(`127.0.0.1:${port}`).readPersons([HETU_A]))[0])).toEqual(['SOURCE_UNAVAILABLE', instance]);
  });
});

describe('Pegasos adapter: hostile sources', () => {
  /** A server answering every request with `answer(request)` (bytes), or nothing when it returns undefined. */
  async function fakeSource(answer: (socket: Socket) => void): Promise<string> {
    const s = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.once('data', () => answer(socket));
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(s.address() as { port: number }).port}`;
  }

  it.each([
    ['a truncated frame, then close', 'SOURCE_UNAVAILABLE', (s: Socket) => s.end(Buffer.from('\u000bMSH|^~\\&|PEGASOS|LOV', 'latin1'))],
    [
      'bytes without framing, then close',
      'SOURCE_UNAVAILABLE',
      (s: Socket) => s.end(Buffer.from('HTTP/1.1 503 Service Unavailable\r\n\r\n')),
    ],
    [
      'a frame whose end byte lacks its CR',
      'MALFORMED_RESPONSE',
      (s: Socket) => s.write(Buffer.from('\u000bMSH|^~\\&|X\u001cX', 'latin1')),
    ],
    [
      'a frame of binary garbage',
      'MALFORMED_RESPONSE',
      (s: Socket) => s.write(Buffer.from('\u000b\u0000\u0001\u00ff\u00fe\u001c\r', 'latin1')),
    ],
    [
      'an answer to another request',
      'MALFORMED_RESPONSE',
      (s: Socket) => s.write(Buffer.from('\u000bMSH|^~\\&|PEGASOS\rMSA|AA|OTHER\rQAK|T1|OK\r\u001c\r', 'latin1')),
    ],
    ['nothing at all', 'SOURCE_UNAVAILABLE', () => undefined],
  ] as const)('%s → %s, without crashing', async (_what, code, answer) => {
    const address = await fakeSource(answer);
    const slots = await adapter(address, 300).readPersons([HETU_A, HETU_BAD]);
    expect(errorOf(slots[0])).toEqual([code, instance]);
    expect(errorOf(slots[1])).toEqual(['INVALID_IDENTITY_CODE', instance]);
  });
});

describe('Pegasos adapter: answer limits', () => {
  const MIB = 1024 * 1024;

  /** A source that opens a frame and streams segments into it until `total` bytes or the connection closes; resolves its address and a byte count. */
  async function floodingSource(total: number): Promise<{ address: string; sent: () => number }> {
    let sent = 0;
    const block = Buffer.from('OBX|1|ST|X||'.padEnd(120, 'x') + '\r'.repeat(1), 'latin1');
    const big = Buffer.concat(Array.from({ length: 512 }, () => block));
    const s = createServer((socket) => {
      socket.on('error', () => socket.destroy());
      socket.once('data', async () => {
        let gone = false;
        socket.on('close', () => (gone = true));
        socket.write(Buffer.from('\u000bMSH|^~\\&|PEGASOS\r', 'latin1'));
        while (!gone && sent < total) {
          sent += big.length;
          // Waits for room or the end, never rejecting (the client resets the connection at its limit).
          if (!socket.write(big)) await new Promise((r) => socket.once('drain', r).once('close', r));
        }
      });
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { address: `127.0.0.1:${(s.address() as { port: number }).port}`, sent: () => sent };
  }

  it('a 60 MB frame → MALFORMED_RESPONSE at the default 8 MiB, the connection closed near the limit, quickly', async () => {
    const source = await floodingSource(60 * MIB);
    const t0 = performance.now();
    const [slot] = await adapter(source.address, 5_000).readPersons([HETU_A]);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(errorOf(slot)).toEqual(['MALFORMED_RESPONSE', instance]);
    expect((slot as AdapterError).message).toBe(
      "The answer's MLLP framing was broken: expected a frame of at most 8388608 bytes, received a larger one.",
    );
    expect(source.sent()).toBeLessThan(8 * MIB + 6 * MIB);
  });

  it('the frame limit is per instance', async () => {
    const source = await floodingSource(4 * MIB);
    const a = createPegasosAdapter({ instance, address: source.address, timeoutMs: 5_000, clock, limits: { maxResponseBytes: 100_000 } });
    adapters.push(a);
    const [slot] = await a.readPersons([HETU_A]);
    expect((slot as AdapterError).message).toBe(
      "The answer's MLLP framing was broken: expected a frame of at most 100000 bytes, received a larger one.",
    );
  });
});
