import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../emulator/faults.ts';
import { startMediatriEmulator } from './emulator.ts';

const POTILAS_HEADER = 'HETU;SUKUNIMI;ETUNIMET;SYNT;SUKUP;KOTIKUNTA;KIELI;OSOITE;POSTINRO;POSTITMP;PUHELIN;TURVAKIELTO;MUUTETTU';
const AJANVARAUS_HEADER = 'VARAUSNRO;HETU;PVM;KLO;KESTO;ALUE;TYYPPI;YHTEYS;YKSIKKO;YKSIKKO_OID;TEKIJA;TILA;LISATIETO';
const LASKU_HEADER = 'LASKUNRO;HETU;PVM;SELITE;SUMMA;KATTO;TILA';

const P1 = '131052-9085;Virtanen;Matti;13.10.1952;M;753;suomi;Kirkkotie 1;04130;Sipoo;040 111 2222;0;1.2.2026 10.00.00';
const P2 = '010594-9021;Ström;Åsa;1.5.1994;N;753;ruotsi;;;;;1;25.10.2026 3.30.15';
const P3 = '010199+911C;Vanha;Veli;1.1.1899;M;753';
const P4 = '020516A903K;"Lapsi; ""Liisa""";Liisa;2.5.2016;N;753;suomi;;;;;0;kelvoton';
const A1 =
  '5001;131052-9085;3.2.2026;9.05;30;YLE;Lääkäri;K;Sipoon terveysasema;1.2.246.10.1234567.10.7531;Eero Aho;T;"Tuo lista; ""tärkeä""\r\nSoita ennen"';
const A2 = '5002;010594-9021;4.2.2026;14.30;20;HAM;Tandläkare;K;Sibbo tandklinik;;;V;';
const A3 = '5003;131052-9085;5.2.2026;8.00;15;YLE;  KONTROLLI ;P;Sipoon terveysasema;;;V;';
const L1 = '7001;131052-9085;3.2.2026;Käynti 20,60 €;20,60;1;M';

let dir: string;
let emulator: RunningEmulator;

function file(name: string, text: string): void {
  writeFileSync(join(dir, 'mediatri-sipoo', name), iconv.encode(text, 'windows-1252'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mediatri-emulator-'));
  mkdirSync(join(dir, 'mediatri-sipoo'));
  file('potilas.csv', [POTILAS_HEADER, P1, P2, P3, P4, ''].join('\r\n'));
  file('ajanvaraus.csv', [AJANVARAUS_HEADER, A1, A2, A3, ''].join('\r\n'));
  // The last record never closes its quote: it must not stop the emulator from starting.
  file('lasku.csv', [LASKU_HEADER, L1, '7002;010594-9021;4.2.2026;"auki jäänyt;5,00;1;A', ''].join('\r\n'));
  emulator = await startMediatriEmulator({ instance: 'mediatri-sipoo', fixturesDir: dir });
});

afterAll(async () => {
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => emulator.faults.clear());

async function get(path: string): Promise<{ status: number; type: string | null; bytes: Buffer; text: string }> {
  const res = await fetch(`${emulator.address}${path}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), bytes, text: iconv.decode(bytes, 'windows-1252') };
}

describe('the export service', () => {
  it("answers one patient's appointments as stored: Windows-1252, CRLF, header first, multi-line field intact", async () => {
    const r = await get('/mediatri/mediatri-sipoo/export/ajanvaraus.csv?hetu=131052-9085');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/csv; charset=windows-1252');
    expect(r.text).toBe(`${AJANVARAUS_HEADER}\r\n${A1}\r\n${A3}\r\n`);
    // ä of Lääkäri is the single byte 0xE4.
    expect(r.bytes.includes(Buffer.from([0x4c, 0xe4, 0xe4, 0x6b, 0xe4, 0x72, 0x69]))).toBe(true);
  });

  it('sends ö, Å and € as 0xF6, 0xC5 and 0x80', async () => {
    const p = await get('/mediatri/mediatri-sipoo/export/potilas.csv?hetu=010594-9021');
    const expected = Buffer.from('010594-9021;Str\xf6m;\xc5sa;', 'latin1');
    expect(p.bytes.subarray(POTILAS_HEADER.length + 2, POTILAS_HEADER.length + 2 + expected.length)).toEqual(expected);
    const l = await get('/mediatri/mediatri-sipoo/export/lasku.csv?hetu=131052-9085');
    expect(l.text).toBe(`${LASKU_HEADER}\r\n${L1}\r\n`);
    expect(l.bytes.indexOf(0x80)).toBe(LASKU_HEADER.length + 2 + L1.indexOf('€'));
  });

  it('finds a code with the 1800s sign + sent as %2B', async () => {
    const r = await get('/mediatri/mediatri-sipoo/export/potilas.csv?hetu=010199%2B911C');
    expect(r.text).toBe(`${POTILAS_HEADER}\r\n${P3}\r\n`);
  });

  it('answers 200 with the header only for an unknown or malformed code', async () => {
    for (const hetu of ['010594-9030', 'not-a-code', '']) {
      const r = await get(`/mediatri/mediatri-sipoo/export/lasku.csv?hetu=${hetu}`);
      expect([r.status, r.text]).toEqual([200, `${LASKU_HEADER}\r\n`]);
    }
  });

  it('skips only the record whose quote never closes', async () => {
    const r = await get('/mediatri/mediatri-sipoo/export/lasku.csv?hetu=010594-9021');
    expect(r.text).toBe(`${LASKU_HEADER}\r\n`);
  });

  it('lists patients changed strictly after muuttunut, and rows whose MUUTETTU cannot be read', async () => {
    const r = await get('/mediatri/mediatri-sipoo/export/potilas.csv?muuttunut=20260201100000');
    expect(r.text).toBe(`${POTILAS_HEADER}\r\n${P2}\r\n${P3}\r\n${P4}\r\n`);
    const all = await get('/mediatri/mediatri-sipoo/export/potilas.csv?muuttunut=19000101000000');
    expect(all.text).toBe(`${POTILAS_HEADER}\r\n${P1}\r\n${P2}\r\n${P3}\r\n${P4}\r\n`);
  });

  it('refuses requests outside the interface with 400/404 plain text', async () => {
    const cases: [string, number][] = [
      ['/mediatri/mediatri-sipoo/export/ajanvaraus.csv?muuttunut=20260201100000', 400],
      ['/mediatri/mediatri-sipoo/export/potilas.csv?muuttunut=2026-02-01', 400],
      ['/mediatri/mediatri-sipoo/export/potilas.csv', 400],
      ['/mediatri/mediatri-sipoo/export/potilas.csv?hetu=131052-9085&muuttunut=20260201100000', 400],
      ['/mediatri/mediatri-sipoo/export/hoitosuunnitelma.csv?hetu=131052-9085', 404],
      ['/mediatri/mediatri-loviisa/export/potilas.csv?hetu=131052-9085', 404],
    ];
    for (const [path, status] of cases) {
      const r = await get(path);
      expect([path, r.status, r.type]).toEqual([path, status, 'text/plain; charset=windows-1252']);
    }
  });
});

describe('faults', () => {
  const path = '/mediatri/mediatri-sipoo/export/potilas.csv?hetu=131052-9085';

  it('overload and maintenance answer 500 with a plain-text body, for `times` requests only', async () => {
    emulator.faults.set({ mode: 'overload', times: 1 });
    const o = await get(path);
    expect([o.status, o.type, o.text]).toEqual([
      500,
      'text/plain; charset=windows-1252',
      'Palvelu on ylikuormittunut. Yritä myöhemmin uudelleen.',
    ]);
    expect((await get(path)).status).toBe(200);
    emulator.faults.set({ mode: 'maintenance' });
    const m = await get(path);
    expect([m.status, m.text]).toEqual([500, 'Palvelussa on huoltokatko.']);
  });

  it('drop closes the connection without an answer', async () => {
    emulator.faults.set({ mode: 'drop', times: 1 });
    await expect(fetch(`${emulator.address}${path}`)).rejects.toThrow();
    expect((await get(path)).status).toBe(200);
  });

  it('malformed sends a body cut off inside a quoted field', async () => {
    emulator.faults.set({ mode: 'malformed', times: 1 });
    const r = await get(path);
    expect([r.status, r.text]).toEqual([200, `${POTILAS_HEADER}\r\n"Vastaus katkesi kesken; `]);
  });

  it('latency delays the answer and requests are counted', async () => {
    const before = emulator.faults.requests;
    emulator.faults.set({ latencyMs: 150 });
    const t0 = performance.now();
    expect((await get(path)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(emulator.faults.requests).toBe(before + 1);
  });
});

describe('start', () => {
  it('rejects a missing instance directory and serves missing table files as empty', async () => {
    await expect(startMediatriEmulator({ instance: 'mediatri-loviisa', fixturesDir: dir })).rejects.toThrow(/fixtures directory/);
    mkdirSync(join(dir, 'mediatri-loviisa'));
    const e = await startMediatriEmulator({ instance: 'mediatri-loviisa', fixturesDir: dir });
    try {
      const res = await fetch(`${e.address}/mediatri/mediatri-loviisa/export/ajanvaraus.csv?hetu=131052-9085`);
      expect(await res.text()).toBe(`${AJANVARAUS_HEADER}\r\n`);
    } finally {
      await e.close();
    }
  });
});

describe('the data hook (benchmarks)', () => {
  it('adds a copy of an appointment and lists the person as changed at the given instant', async () => {
    expect(emulator.hooks?.addAppointment(Date.parse('2026-12-01T10:00:00Z'), '010594-9021')).toBe(true);
    const booked = await get('/mediatri/mediatri-sipoo/export/ajanvaraus.csv?hetu=010594-9021');
    expect(booked.text).toBe(`${AJANVARAUS_HEADER}\r\n${A2}\r\n${A2.replace('5002', '900000000')}\r\n`);
    const changed = await get('/mediatri/mediatri-sipoo/export/potilas.csv?muuttunut=20261201115959');
    // The changed row moves to the end, as the latest change (rows whose MUUTETTU cannot be read are always listed).
    expect(changed.text).toBe(`${POTILAS_HEADER}\r\n${P3}\r\n${P4}\r\n${P2.replace('25.10.2026 3.30.15', '1.12.2026 12.00.00')}\r\n`);
    expect(emulator.hooks?.addAppointment(0, '311299-999X')).toBe(false);
  });
});
