import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFloodServer } from '../wire/testSupport.ts';
import { AdapterError, BEGINNING_OF_TIME, collectChanged, emptyRecords } from '../../domain/index.ts';
import type { AdapterErrorCode, PersonRead, PersonSlot, SourceAdapter } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import { createMediatriAdapter } from './adapter.ts';
import { startMediatriEmulator } from './emulator.ts';

const clock = { now: () => new Date('2026-11-23T10:00:00+02:00') };
const HETU = '131052-9085';
const SWEDE = '010594-9021';

let dir: string;
let loviisa: RunningEmulator;
let sipoo: RunningEmulator;
let adapter: SourceAdapter;
let sipooAdapter: SourceAdapter;

function write(instance: string, name: string, lines: string[]): void {
  mkdirSync(join(dir, instance), { recursive: true });
  writeFileSync(join(dir, instance, name), iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1252'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mediatri-adapter-'));
  write('mediatri-loviisa', 'potilas.csv', [
    'HETU;SUKUNIMI;ETUNIMET;SYNT;SUKUP;KOTIKUNTA;KIELI;OSOITE;POSTINRO;POSTITMP;PUHELIN;TURVAKIELTO;MUUTETTU',
    `${HETU};Virtanen;Matti Johannes;13.10.1952;M;434;suomi;Mannerheimintie 5 A 3;07900;Loviisa;040 111 2222;0;2.3.2026 9.15.00`,
    `${SWEDE};Ström;Åsa;1.5.1994;N;407;ruotsi;;;;;1;25.10.2026 3.30.15`,
    '131052-9086;Virhe;Koodi;13.10.1952;N;434;suomi;;;;;0;1.3.2026 8.00.00',
  ]);
  write('mediatri-loviisa', 'ajanvaraus.csv', [
    'VARAUSNRO;HETU;PVM;KLO;KESTO;ALUE;TYYPPI;YHTEYS;YKSIKKO;YKSIKKO_OID;TEKIJA;TILA;LISATIETO',
    `5001;${HETU};3.2.2026;9.05;30;HAM; hammaslääkäri;K;Loviisan hammashoitola;1.2.246.10.1234567.10.4341;Eero Aho;T;"Tuo lista; ""tärkeä""\r\nSoita ennen"`,
    `5002;${SWEDE};25.10.2026;3.30;20;HAM;MUNHYGIENIST;P;Lovisa tandklinik;;;V;`,
    `5003;${HETU};14.12.2026;14.30;45;HAM;Kontrolli;V;Loviisan hammashoitola;;;V;`,
    `5004;${HETU};15.12.2026`,
  ]);
  write('mediatri-loviisa', 'lasku.csv', [
    'LASKUNRO;HETU;PVM;SELITE;SUMMA;KATTO;TILA',
    `7001;${HETU};3.2.2026;Suun terveydenhuollon käynti 20,30 €;20,30;1;M`,
    `7002;${HETU};4.2.2024;Käyttämättä jätetty aika;51,50;0;X`,
  ]);
  write('mediatri-sipoo', 'potilas.csv', [
    'HETU;SUKUNIMI;ETUNIMET;SYNT;SUKUP;KOTIKUNTA;KIELI;OSOITE;POSTINRO;POSTITMP;PUHELIN;TURVAKIELTO;MUUTETTU',
    `${HETU};Virtanen;Matti;13.10.1952;M;753;suomi;;;;;0;`,
  ]);
  write('mediatri-sipoo', 'ajanvaraus.csv', ['VARAUSNRO;HETU;PVM;KLO;KESTO;ALUE;TYYPPI;YHTEYS;YKSIKKO;YKSIKKO_OID;TEKIJA;TILA;LISATIETO']);
  write('mediatri-sipoo', 'lasku.csv', ['LASKUNRO;HETU;PVM;SELITE;SUMMA;KATTO;TILA', `7001;${HETU};3.2.2026;Käynti;20,60;1;A`]);
  [loviisa, sipoo] = await Promise.all([
    startMediatriEmulator({ instance: 'mediatri-loviisa', fixturesDir: dir, port: 0 }),
    startMediatriEmulator({ instance: 'mediatri-sipoo', fixturesDir: dir }),
  ]);
  adapter = createMediatriAdapter({ instance: 'mediatri-loviisa', address: loviisa.address, timeoutMs: 300, clock });
  sipooAdapter = createMediatriAdapter({ instance: 'mediatri-sipoo', address: sipoo.address, timeoutMs: 300, clock });
});

afterAll(async () => {
  await Promise.all([adapter?.close(), sipooAdapter?.close()]);
  await Promise.all([loviisa?.close(), sipoo?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  loviisa.faults.clear();
  sipoo.faults.clear();
});

const src = { instance: 'mediatri-loviisa', product: 'mediatri', municipality: '434' } as const;

function ok(slot: PersonSlot | undefined): PersonRead {
  if (slot instanceof AdapterError) throw slot;
  if (!slot) throw new Error('no slot');
  return slot;
}
function errorCode(slot: PersonSlot | undefined): AdapterErrorCode | undefined {
  return slot instanceof AdapterError ? slot.code : undefined;
}

describe('reading persons over HTTP', () => {
  it("reads one patient's three tables into canonical records, with issues for the odd rows", async () => {
    const [slot] = await adapter.readPersons([HETU]);
    const r = ok(slot);
    expect(r.records).toEqual({
      hetu: HETU,
      instance: 'mediatri-loviisa',
      person: {
        hetu: HETU,
        surname: 'Virtanen',
        firstNames: 'Matti Johannes',
        birthDate: '1952-10-13',
        sex: 'MALE',
        municipality: '434',
        language: 'fi',
        address: { street: 'Mannerheimintie 5 A 3', postalCode: '07900', city: 'Loviisa' },
        phone: '040 111 2222',
        turvakielto: false,
        changedAt: '2026-03-02T09:15:00+02:00',
        source: { ...src, localId: HETU },
      },
      customerships: [],
      decisions: [],
      plans: [],
      consents: [],
      appointments: [
        {
          careArea: 'ORAL_HEALTH',
          professionalKind: 'DENTIST',
          contactMode: 'ON_SITE',
          start: '2026-02-03T09:05:00+02:00',
          durationMinutes: 30,
          unit: { oid: '1.2.246.10.1234567.10.4341', name: 'Loviisan hammashoitola' },
          professional: { name: 'Eero Aho' },
          status: 'COMPLETED',
          note: 'Tuo lista; "tärkeä"\r\nSoita ennen',
          source: { ...src, localId: '5001' },
        },
        {
          careArea: 'ORAL_HEALTH',
          contactMode: 'VIDEO',
          start: '2026-12-14T14:30:00+02:00',
          durationMinutes: 45,
          unit: { name: 'Loviisan hammashoitola' },
          status: 'BOOKED',
          source: { ...src, localId: '5003' },
        },
      ],
      fees: [
        {
          careArea: 'ORAL_HEALTH',
          register: 'HEALTH',
          date: '2026-02-03',
          description: 'Suun terveydenhuollon käynti 20,30 €',
          amountCents: 2030,
          accruesToCeiling: true,
          status: 'PAID',
          source: { ...src, localId: '7001' },
        },
        {
          careArea: 'ORAL_HEALTH',
          register: 'HEALTH',
          date: '2024-02-04',
          description: 'Käyttämättä jätetty aika',
          amountCents: 5150,
          accruesToCeiling: false,
          status: 'VOIDED',
          source: { ...src, localId: '7002' },
        },
      ],
    });
    expect(r.issues).toEqual([
      {
        code: 'UNMAPPED_CODE',
        source: 'mediatri-loviisa',
        position: 'ajanvaraus.csv line 4',
        reason: 'expected TYYPPI as a known professional type in Finnish or Swedish, received free text of another kind',
        unmapped: { field: 'ajanvaraus.csv TYYPPI', value: 'Kontrolli' },
      },
      { code: 'MALFORMED_RECORD', source: 'mediatri-loviisa', position: 'ajanvaraus.csv line 5', reason: 'expected 13 fields, received 3' },
    ]);
  });

  it('answers one slot per key in order: invalid codes without calling the source, unknown codes as empty records', async () => {
    const before = loviisa.faults.requests;
    const slots = await adapter.readPersons(['131052-9086', SWEDE, '010594-9032', 'garbage', HETU]);
    expect(loviisa.faults.requests - before).toBe(9);
    expect(slots.map(errorCode)).toEqual(['INVALID_IDENTITY_CODE', undefined, undefined, 'INVALID_IDENTITY_CODE', undefined]);
    expect((slots[0] as AdapterError).message).not.toContain('131052');
    expect(ok(slots[1]).records.person?.source.municipality).toBe('407');
    expect(ok(slots[1]).records.appointments.map((a) => [a.start, a.professionalKind])).toEqual([
      ['2026-10-25T03:30:00+03:00', 'DENTAL_HYGIENIST'],
    ]);
    expect(ok(slots[2])).toEqual({ records: emptyRecords('010594-9032', 'mediatri-loviisa'), issues: [] });
    expect(ok(slots[4]).records.hetu).toBe(HETU);
  });

  it('filters appointments by date and fees by year when asked', async () => {
    const [slot] = await adapter.readPersons([HETU], { appointmentsFrom: '2026-12-01', feeYears: [2024] });
    expect(ok(slot).records.appointments.map((a) => a.source.localId)).toEqual(['5003']);
    expect(ok(slot).records.fees.map((f) => f.source.localId)).toEqual(['7002']);
  });

  it('reads many persons concurrently over a few kept-alive connections', async () => {
    const codes = Array.from({ length: 40 }, (_, i) => (i % 2 ? HETU : SWEDE));
    const slots = await adapter.readPersons(codes);
    expect(slots.every((s) => !(s instanceof AdapterError))).toBe(true);
    expect(slots.map((s) => ok(s).records.hetu)).toEqual(codes);
  });

  it('leaves careArea out of mediatri-sipoo fees', async () => {
    const [slot] = await sipooAdapter.readPersons([HETU]);
    expect(ok(slot).records.fees).toEqual([
      {
        register: 'HEALTH',
        date: '2026-02-03',
        description: 'Käynti',
        amountCents: 2060,
        accruesToCeiling: true,
        status: 'OPEN',
        source: { instance: 'mediatri-sipoo', product: 'mediatri', municipality: '753', localId: '7001' },
      },
    ]);
  });
});

describe('changed persons', () => {
  it('yields one page: valid codes with municipality and changedAt, invalid codes as issues', async () => {
    const pages = [];
    for await (const page of adapter.listChanged(BEGINNING_OF_TIME)) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.persons).toEqual([
      { hetu: HETU, localId: HETU, municipality: '434', changedAt: '2026-03-02T09:15:00+02:00' },
      { hetu: SWEDE, localId: SWEDE, municipality: '407', changedAt: '2026-10-25T03:30:15+03:00' },
    ]);
    expect(pages[0]!.issues.map((i) => [i.code, i.position])).toEqual([['INVALID_IDENTITY_CODE', 'potilas.csv line 4']]);
  });

  it('asks only for changes after the given instant', async () => {
    const listed = await collectChanged(adapter.listChanged('2026-03-02T09:15:00+02:00'));
    expect(listed.persons.map((p) => p.hetu)).toEqual([SWEDE]);
  });

  it('fails the listing with SOURCE_UNAVAILABLE when the service is overloaded', async () => {
    loviisa.faults.set({ mode: 'overload' });
    await expect(collectChanged(adapter.listChanged(BEGINNING_OF_TIME))).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });
});

describe('faults', () => {
  it.each([
    ['overload', 'SOURCE_UNAVAILABLE'],
    ['maintenance', 'SOURCE_UNAVAILABLE'],
    ['drop', 'SOURCE_UNAVAILABLE'],
    ['malformed', 'MALFORMED_RESPONSE'],
  ] as const)('%s → %s in every slot, and the next read works again', async (mode, code) => {
    loviisa.faults.set({ mode });
    const slots = await adapter.readPersons([HETU, SWEDE, 'garbage']);
    expect(slots.map(errorCode)).toEqual([code, code, 'INVALID_IDENTITY_CODE']);
    loviisa.faults.clear();
    expect(errorCode((await adapter.readPersons([HETU]))[0])).toBeUndefined();
  });

  it('one malformed answer of the three fails that person only', async () => {
    loviisa.faults.set({ mode: 'malformed', times: 1 });
    const [first] = await adapter.readPersons([HETU]);
    expect(errorCode(first)).toBe('MALFORMED_RESPONSE');
    expect((first as AdapterError).message).toMatch(/received a body cut short/);
  });

  it('a source slower than timeoutMs is SOURCE_UNAVAILABLE for that source only, within the deadline', async () => {
    loviisa.faults.set({ latencyMs: 2_000 });
    const t0 = performance.now();
    const [slow, fast] = await Promise.all([adapter.readPersons([HETU]), sipooAdapter.readPersons([HETU])]);
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(errorCode(slow[0])).toBe('SOURCE_UNAVAILABLE');
    expect((slow[0] as AdapterError).message).toBe('Expected potilas.csv within 300 ms, received no complete answer.');
    expect(errorCode(fast[0])).toBeUndefined();
  });

  it('a cancelled read is SOURCE_UNAVAILABLE, not a rejection', async () => {
    loviisa.faults.set({ latencyMs: 2_000 });
    const controller = new AbortController();
    const pending = adapter.readPersons([HETU], { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const [slot] = await pending;
    expect(errorCode(slot)).toBe('SOURCE_UNAVAILABLE');
  });

  it('a refused connection is SOURCE_UNAVAILABLE', async () => {
    const gone = await startMediatriEmulator({ instance: 'mediatri-sipoo', fixturesDir: dir });
    await gone.close();
    const a = createMediatriAdapter({ instance: 'mediatri-sipoo', address: gone.address, timeoutMs: 300, clock });
    try {
      const [slot] = await a.readPersons([HETU]);
      expect(errorCode(slot)).toBe('SOURCE_UNAVAILABLE');
      expect((slot as AdapterError).message).not.toContain(HETU);
    } finally {
      await a.close();
    }
  });

  it('a body cut off by a closed connection (fewer bytes than Content-Length) is SOURCE_UNAVAILABLE', async () => {
    const server = createServer((socket) => {
      socket.once('data', () => {
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/csv; charset=windows-1252\r\ncontent-length: 500\r\n\r\nHETU;SUKUNIMI;');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = createMediatriAdapter({
      instance: 'mediatri-sipoo',
      address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timeoutMs: 1_000,
      clock,
    });
    try {
      const [slot] = await a.readPersons([HETU]);
      expect(errorCode(slot)).toBe('SOURCE_UNAVAILABLE');
    } finally {
      await a.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('answer limits', () => {
  const MIB = 1024 * 1024;
  const ROW = '"010101-900X";"Meikäläinen";"Matti";"434";"FI"\r\n';

  it('a 60 MB export → MALFORMED_RESPONSE at the default 16 MiB, read stopped near the limit; another source is still served', async () => {
    const flood = await startFloodServer({
      contentType: 'text/csv; charset=windows-1252',
      head: 'HETU;SUKUNIMI\r\n',
      chunk: ROW,
      totalBytes: 60 * MIB,
    });
    const a = createMediatriAdapter({ instance: 'mediatri-loviisa', address: flood.url, timeoutMs: 5_000, clock });
    try {
      const t0 = performance.now();
      const [[slot], [other]] = await Promise.all([a.readPersons([HETU]), sipooAdapter.readPersons([HETU])]);
      expect(performance.now() - t0).toBeLessThan(3_000);
      expect(slot).toBeInstanceOf(AdapterError);
      expect(slot).toMatchObject({ code: 'MALFORMED_RESPONSE', source: 'mediatri-loviisa' });
      expect((slot as AdapterError).message).toMatch(/^\w+\.csv: expected an answer of at most 16777216 bytes, received a larger one\.$/);
      expect(errorCode(other)).toBeUndefined();
      expect(flood.sentBytes() / flood.floods()).toBeLessThan(16 * MIB + 6 * MIB);
    } finally {
      await a.close();
      await flood.close();
    }
  });

  it('the limit is per instance: a change listing over a configured 64 KiB → MALFORMED_RESPONSE', async () => {
    const flood = await startFloodServer({ contentType: 'text/csv', head: 'HETU\r\n', chunk: ROW, totalBytes: 8 * MIB });
    const a = createMediatriAdapter({
      instance: 'mediatri-loviisa',
      address: flood.url,
      timeoutMs: 5_000,
      clock,
      limits: { maxResponseBytes: 65_536 },
    });
    try {
      await expect(collectChanged(a.listChanged(BEGINNING_OF_TIME))).rejects.toMatchObject({
        code: 'MALFORMED_RESPONSE',
        message: expect.stringMatching(/expected an answer of at most 65536 bytes, received a larger one\.$/),
      });
    } finally {
      await a.close();
      await flood.close();
    }
  });
});
