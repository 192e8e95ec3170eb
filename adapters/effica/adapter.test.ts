import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterError,
  addDays,
  BEGINNING_OF_TIME,
  collectChanged,
  corruptCheckCharacter,
  emptyRecords,
  makeHetu,
} from '../../domain/index.ts';
import type { InstanceId, PersonRead, SourceAdapter } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { startFloodServer } from '../wire/testSupport.ts';
import { createEfficaAdapter } from './adapter.ts';
import { startEfficaEmulator } from './emulator.ts';

const A = '131052-9085';
const B = '020384-913U';
const BAD = '131052-9086'; // A with a wrong check character
const UNKNOWN = '210712A947U';
const clock = { now: () => new Date('2026-11-23T10:00:00+02:00') };

const CLIENT_A =
  '<ASIAKAS MUUTETTU="20260310121500">\n' +
  `    <HETU>${A}</HETU><SUKUNIMI>Hämäläinen</SUKUNIMI><ETUNIMET>Åsa Jörö</ETUNIMET><KUNTA>638</KUNTA><KIELI>SV</KIELI>\n` +
  '    <OSOITE>Runebergsgatan 7</OSOITE><POSTINRO>06100</POSTINRO><TOIMIPAIKKA>Borgå</TOIMIPAIKKA><TURVAKIELTO>E</TURVAKIELTO>\n' +
  '    <ASIAKKUUDET><ASIAKKUUS><ASIAKKUUSNRO>10</ASIAKKUUSNRO><PALVELUTEHTAVA>VANH</PALVELUTEHTAVA><PALVELU>Säännöllinen kotihoito</PALVELU>' +
  '<YKSIKKO>Kotihoito</YKSIKKO><VASTUUTYONTEKIJA>Päivi Öhman</VASTUUTYONTEKIJA><ALKUPVM>01.02.2024</ALKUPVM><LOPPUPVM></LOPPUPVM><SALASSA>E</SALASSA></ASIAKKUUS></ASIAKKUUDET>\n' +
  '    <PAATOKSET/><SUUNNITELMAT/>\n' +
  '    <MAKSUT><MAKSU><LASKUNRO>40</LASKUNRO><PVM>31.01.2026</PVM><SELITE>Kotihoidon asiakasmaksu</SELITE><SUMMA>20,60</SUMMA><MAKSUKATTO>K</MAKSUKATTO><TILA>AVOIN</TILA></MAKSU>' +
  '<MAKSU><LASKUNRO>41</LASKUNRO><PVM>31.13.2026</PVM><SELITE>Ateriapalvelu</SELITE><SUMMA>7,00</SUMMA><MAKSUKATTO>E</MAKSUKATTO><TILA>AVOIN</TILA></MAKSU></MAKSUT>\n' +
  '    <SUOSTUMUKSET/>\n' +
  '  </ASIAKAS>';
const CLIENT_B =
  `<ASIAKAS MUUTETTU="20261120090000"><HETU>${B}</HETU><SUKUNIMI>Öberg</SUKUNIMI><ETUNIMET>Märta</ETUNIMET><KUNTA>638</KUNTA><KIELI>FI</KIELI>` +
  '<TURVAKIELTO>K</TURVAKIELTO><ASIAKKUUDET/><PAATOKSET/><SUUNNITELMAT/><MAKSUT/><SUOSTUMUKSET/></ASIAKAS>';
const CLIENT_BAD = `<ASIAKAS MUUTETTU="20261121090000"><HETU>${BAD}</HETU><SUKUNIMI>Virhe</SUKUNIMI><TURVAKIELTO>E</TURVAKIELTO></ASIAKAS>`;

const FILE = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<ASIAKKAAT>\n  ${CLIENT_A}\n  ${CLIENT_B}\n  ${CLIENT_BAD}\n  <ASIAKAS><SUKUNIMI>Ilman tunnusta</SUKUNIMI></ASIAKAS>\n</ASIAKKAAT>\n`;

const prov = (localId: string) => ({ instance: 'effica-porvoo', product: 'effica', municipality: '638', localId });

let dir: string;
let emulator: RunningEmulator;
let adapter: SourceAdapter;

function config(address: string, instance: InstanceId = 'effica-porvoo', timeoutMs = 2_000): AdapterConfig {
  return { instance, address, timeoutMs, clock };
}

function writeFixture(root: string, instance: string, text: string): void {
  mkdirSync(join(root, instance), { recursive: true });
  writeFileSync(join(root, instance, 'asiakkaat.xml'), Buffer.from(text, 'latin1'));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'effica-adapter-'));
  writeFixture(dir, 'effica-porvoo', FILE);
  emulator = await startEfficaEmulator({ instance: 'effica-porvoo', fixturesDir: dir });
  adapter = createEfficaAdapter(config(emulator.address, 'effica-porvoo', 500));
});

afterAll(async () => {
  await adapter?.close();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => emulator.faults.clear());

const get = async (path: string) => {
  const res = await request(emulator.address + path);
  return { status: res.statusCode, type: res.headers['content-type'], bytes: Buffer.from(await res.body.arrayBuffer()) };
};

describe('Effica emulator on the wire', () => {
  it('serves the ASIAKAS exactly as stored, in ISO-8859-1 with the XML declaration', async () => {
    const r = await get(`/effica/effica-porvoo/asiakas/${A}`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/xml; charset=ISO-8859-1');
    expect(r.bytes.equals(Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n${CLIENT_A}\n`, 'latin1'))).toBe(true);
    expect(r.bytes.includes(0xe4)).toBe(true); // ä as one byte
  });

  it('answers 404 EI_LOYDY, and 400 VIRHEELLINEN_PYYNTO for a malformed code or parameter', async () => {
    const notFound = await get(`/effica/effica-porvoo/asiakas/${UNKNOWN}`);
    expect(notFound.status).toBe(404);
    expect(notFound.bytes.toString('latin1')).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<VIRHE><KOODI>EI_LOYDY</KOODI><TEKSTI>Asiakasta ei löydy</TEKSTI></VIRHE>\n',
    );
    const bad = await get(`/effica/effica-porvoo/asiakas/${BAD}`);
    expect(bad.status).toBe(400);
    expect(bad.bytes.toString('latin1')).toBe(
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<VIRHE><KOODI>VIRHEELLINEN_PYYNTO</KOODI><TEKSTI>Virheellinen henkilötunnus</TEKSTI></VIRHE>\n',
    );
    expect((await get('/effica/effica-porvoo/muuttuneet?alkaen=20261301000000&sivu=1')).status).toBe(400);
    expect((await get('/effica/effica-porvoo/muuttuneet?alkaen=20260101000000&sivu=0')).status).toBe(400);
    expect((await get('/effica/effica-porvoo/muuttuneet?sivu=1')).status).toBe(400);
  });

  it('lists changed clients from alkaen on (inclusive), invalid codes included as stored', async () => {
    const r = await get('/effica/effica-porvoo/muuttuneet?alkaen=20261120090000&sivu=1');
    expect(r.bytes.toString('latin1')).toBe(
      `<?xml version="1.0" encoding="ISO-8859-1"?>\n<MUUTTUNEET SIVU="1" SIVUJA="1"><HETU>${B}</HETU><HETU>${BAD}</HETU></MUUTTUNEET>\n`,
    );
  });

  it('answers maintenance with 503 and an HTML page', async () => {
    emulator.faults.set({ mode: 'maintenance', times: 1 });
    const r = await get(`/effica/effica-porvoo/asiakas/${A}`);
    expect(r.status).toBe(503);
    expect(r.type).toBe('text/html; charset=ISO-8859-1');
    expect(r.bytes.toString('latin1')).toContain('<h1>Palvelu on tilapäisesti poissa käytöstä</h1>');
  });
});

describe('Effica adapter against the emulator', () => {
  it('reads a client over the socket, ä/ö/å intact, the bad fee reported and the rest served', async () => {
    const [slot] = await adapter.readPersons([A]);
    const read = slot as PersonRead;
    expect(read.records.person).toEqual({
      hetu: A,
      surname: 'Hämäläinen',
      firstNames: 'Åsa Jörö',
      municipality: '638',
      language: 'sv',
      address: { street: 'Runebergsgatan 7', postalCode: '06100', city: 'Borgå' },
      turvakielto: false,
      changedAt: '2026-03-10T12:15:00+02:00',
      source: prov(A),
    });
    expect(read.records.customerships).toEqual([
      {
        careArea: 'SOCIAL',
        serviceTask: 'OLDER_PEOPLE',
        service: 'Säännöllinen kotihoito',
        unit: 'Kotihoito',
        responsibleWorker: 'Päivi Öhman',
        startDate: '2024-02-01',
        extraSensitive: false,
        source: prov('10'),
      },
    ]);
    expect(read.records.fees).toEqual([
      {
        careArea: 'SOCIAL',
        register: 'SOCIAL',
        date: '2026-01-31',
        description: 'Kotihoidon asiakasmaksu',
        amountCents: 2060,
        accruesToCeiling: true,
        status: 'OPEN',
        source: prov('40'),
      },
    ]);
    expect(read.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'effica-porvoo',
        position: 'ASIAKAS/MAKSUT/MAKSU[2]',
        reason: 'expected PVM as DD.MM.YYYY, received a value of another form',
      },
    ]);
  });

  it('one slot per key, in order: found, not found (empty records), invalid (source not called)', async () => {
    const before = emulator.faults.requests;
    const slots = await adapter.readPersons([B, UNKNOWN, BAD, B]);
    expect(emulator.faults.requests - before).toBe(2);
    expect((slots[0] as PersonRead).records.person?.surname).toBe('Öberg');
    expect(slots[1]).toEqual({ records: emptyRecords(UNKNOWN, 'effica-porvoo'), issues: [] });
    expect((slots[2] as AdapterError).code).toBe('INVALID_IDENTITY_CODE');
    expect(slots[3]).toEqual(slots[0]);
  });

  it('listChanged lists every client once and reports the invalid code as an issue without the code', async () => {
    const all = await collectChanged(adapter.listChanged(BEGINNING_OF_TIME));
    expect(all.persons).toEqual([{ hetu: A }, { hetu: B }]);
    expect(all.issues).toEqual([
      {
        code: 'INVALID_IDENTITY_CODE',
        source: 'effica-porvoo',
        position: 'muuttuneet sivu 1 HETU[3]',
        reason: 'expected a valid identity code, received one where the check character does not match',
      },
    ]);
    const recent = await collectChanged(adapter.listChanged('2026-11-20T09:00:00+02:00'));
    expect(recent.persons).toEqual([{ hetu: B }]);
  });

  it.each(['overload', 'maintenance'] as const)(
    '%s: 503 HTML page → SOURCE_UNAVAILABLE naming the instance, not a parse error',
    async (mode) => {
      emulator.faults.set({ mode });
      const slots = await adapter.readPersons([A, B]);
      for (const s of slots) {
        const e = s as AdapterError;
        expect(e).toBeInstanceOf(AdapterError);
        expect(e.code).toBe('SOURCE_UNAVAILABLE');
        expect(e.source).toBe('effica-porvoo');
        expect(e.message).toBe(
          'effica-porvoo: expected an ASIAKAS document, received HTTP 503 with an HTML maintenance page (service down)',
        );
      }
      await expect(collectChanged(adapter.listChanged(BEGINNING_OF_TIME))).rejects.toMatchObject({
        code: 'SOURCE_UNAVAILABLE',
        source: 'effica-porvoo',
      });
    },
  );

  it('a dropped connection → SOURCE_UNAVAILABLE', async () => {
    emulator.faults.set({ mode: 'drop' });
    const [slot] = await adapter.readPersons([A]);
    expect((slot as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
  });

  it('a truncated body → MALFORMED_RESPONSE for that key; the next read is whole', async () => {
    emulator.faults.set({ mode: 'malformed', times: 1 });
    const [slot] = await adapter.readPersons([A]);
    expect((slot as AdapterError).code).toBe('MALFORMED_RESPONSE');
    expect((slot as AdapterError).message).not.toMatch(/Hämäläinen|\d{6}[-+A-FU-Y]\d{3}/);
    const [again] = await adapter.readPersons([A]);
    expect((again as PersonRead).records.person?.surname).toBe('Hämäläinen');
  });

  it('a slow answer → SOURCE_UNAVAILABLE within the timeout', async () => {
    emulator.faults.set({ latencyMs: 900 });
    const started = Date.now();
    const [slot] = await adapter.readPersons([A]);
    expect(Date.now() - started).toBeLessThan(850);
    expect((slot as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    expect((slot as AdapterError).message).toBe('effica-porvoo: expected an answer, but no answer within 500 ms');
  });

  it('a refused connection → SOURCE_UNAVAILABLE', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const down = createEfficaAdapter(config(`http://127.0.0.1:${port}`));
    try {
      const [slot] = await down.readPersons([A]);
      expect((slot as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    } finally {
      await down.close();
    }
  });
});

/** `n` valid synthetic codes, distinct. */
function codes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => makeHetu(addDays('1930-01-01', i % 30_000), 900 + Math.floor(i / 30_000)));
}

describe('Effica paging and size', () => {
  it('pages the changed-clients listing (500 a page) to SIVUJA over 1 203 clients', async () => {
    const root = mkdtempSync(join(tmpdir(), 'effica-paging-'));
    try {
      const list = codes(1201);
      const body = list
        .map(
          (h, i) =>
            `<ASIAKAS MUUTETTU="2026${String(1 + (i % 9)).padStart(2, '0')}01120000"><HETU>${h}</HETU><SUKUNIMI>Ström</SUKUNIMI><TURVAKIELTO>E</TURVAKIELTO></ASIAKAS>`,
        )
        .join('\n');
      const invalid = [corruptCheckCharacter(list[0]!), 'XYZ'].map(
        (h) => `<ASIAKAS MUUTETTU="20261201120000"><HETU>${h}</HETU><SUKUNIMI>Ström</SUKUNIMI></ASIAKAS>`,
      );
      writeFixture(
        root,
        'effica-phhyky',
        `<?xml version="1.0" encoding="ISO-8859-1"?>\n<ASIAKKAAT>\n${body}\n${invalid.join('\n')}\n</ASIAKKAAT>\n`,
      );
      const emu = await startEfficaEmulator({ instance: 'effica-phhyky', fixturesDir: root });
      const a = createEfficaAdapter(config(emu.address, 'effica-phhyky'));
      try {
        const before = emu.faults.requests;
        const pages = [];
        for await (const page of a.listChanged(BEGINNING_OF_TIME)) pages.push(page);
        expect(emu.faults.requests - before).toBe(3);
        expect(pages.map((p) => p.persons.length + p.issues.length)).toEqual([500, 500, 203]);
        const listed = pages.flatMap((p) => p.persons.map((x) => x.hetu));
        expect(new Set(listed).size).toBe(1201);
        expect([...listed].sort()).toEqual([...list].sort());
        expect(pages[2]!.issues.map((i) => i.code)).toEqual(['INVALID_IDENTITY_CODE', 'INVALID_IDENTITY_CODE']);
        // From 1 September on: months 9 of the cycle and the two invalid ones.
        const recent = await collectChanged(a.listChanged('2026-09-01T00:00:00+03:00'));
        expect(recent.persons.length).toBe(list.filter((_, i) => i % 9 === 8).length);
        expect(recent.issues).toHaveLength(2);
      } finally {
        await a.close();
        await emu.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('loads a 50 000-client file in a few seconds and serves from it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'effica-size-'));
    try {
      const list = codes(50_000);
      const parts: string[] = ['<?xml version="1.0" encoding="ISO-8859-1"?>\n<ASIAKKAAT>\n'];
      for (const h of list) {
        parts.push(
          `  <ASIAKAS MUUTETTU="20260101120000">\n    <HETU>${h}</HETU><SUKUNIMI>Mäkinen</SUKUNIMI><ETUNIMET>Väinö</ETUNIMET><KUNTA>638</KUNTA><KIELI>FI</KIELI>` +
            '<OSOITE>Kirkkokatu 1</OSOITE><POSTINRO>06100</POSTINRO><TOIMIPAIKKA>Porvoo</TOIMIPAIKKA><TURVAKIELTO>E</TURVAKIELTO>\n' +
            '    <ASIAKKUUDET><ASIAKKUUS><ASIAKKUUSNRO>1</ASIAKKUUSNRO><PALVELUTEHTAVA>VANH</PALVELUTEHTAVA><PALVELU>Kotihoito</PALVELU><YKSIKKO>Kotihoito</YKSIKKO>' +
            '<VASTUUTYONTEKIJA>Päivi Öhman</VASTUUTYONTEKIJA><ALKUPVM>01.02.2024</ALKUPVM><LOPPUPVM></LOPPUPVM><SALASSA>E</SALASSA></ASIAKKUUS></ASIAKKUUDET>\n' +
            '    <MAKSUT><MAKSU><LASKUNRO>2</LASKUNRO><PVM>31.01.2026</PVM><SELITE>Kotihoidon asiakasmaksu</SELITE><SUMMA>20,60</SUMMA><MAKSUKATTO>K</MAKSUKATTO><TILA>AVOIN</TILA></MAKSU></MAKSUT>\n  </ASIAKAS>\n',
        );
      }
      parts.push('</ASIAKKAAT>\n');
      writeFixture(root, 'effica-porvoo', parts.join(''));
      const started = Date.now();
      const emu = await startEfficaEmulator({ instance: 'effica-porvoo', fixturesDir: root });
      const loadMs = Date.now() - started;
      const a = createEfficaAdapter(config(emu.address));
      try {
        expect(loadMs).toBeLessThan(3_000);
        const [slot] = await a.readPersons([list[49_999]!]);
        expect((slot as PersonRead).records.person?.firstNames).toBe('Väinö');
        expect((slot as PersonRead).records.fees[0]!.amountCents).toBe(2060);
      } finally {
        await a.close();
        await emu.close();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('answer limits', () => {
  const MIB = 1024 * 1024;
  const HEAD = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<ASIAKAS>';

  it('a 60 MB answer → MALFORMED_RESPONSE for that source at the default 4 MiB, read stopped near the limit, quickly', async () => {
    const flood = await startFloodServer({
      contentType: 'text/xml; charset=ISO-8859-1',
      head: HEAD,
      chunk: '<MAKSU><SUMMA>1,00</SUMMA></MAKSU>',
      totalBytes: 60 * MIB,
    });
    const a = createEfficaAdapter(config(flood.url));
    try {
      const t0 = performance.now();
      const [[slot], [other]] = await Promise.all([a.readPersons([A]), adapter.readPersons([A])]);
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect(slot).toBeInstanceOf(AdapterError);
      expect(slot).toMatchObject({
        code: 'MALFORMED_RESPONSE',
        source: 'effica-porvoo',
        message: 'effica-porvoo: expected an answer of at most 4194304 bytes, received a larger one',
      });
      expect(other).not.toBeInstanceOf(AdapterError);
      expect(flood.sentBytes() / flood.floods()).toBeLessThan(4 * MIB + 6 * MIB);
    } finally {
      await a.close();
      await flood.close();
    }
  });

  it('a reference bomb under the byte limit → MALFORMED_RESPONSE at the budget; limits are per instance', async () => {
    const flood = await startFloodServer({ contentType: 'text/xml; charset=ISO-8859-1', head: HEAD, chunk: '&#228;', totalBytes: 3 * MIB });
    const a = createEfficaAdapter({ ...config(flood.url), limits: { maxReferences: 500 } });
    try {
      const [slot] = await a.readPersons([A]);
      expect(slot).toMatchObject({
        code: 'MALFORMED_RESPONSE',
        message: 'effica-porvoo: expected at most 500 entity or character references in the answer, received more',
      });
      await expect(collectChanged(a.listChanged(BEGINNING_OF_TIME))).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
    } finally {
      await a.close();
      await flood.close();
    }
  });
});
