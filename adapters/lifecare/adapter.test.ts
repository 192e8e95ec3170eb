/**
 * The adapter against the emulator (and a stub service for hostile
 * answers) over real sockets on 127.0.0.1: the client's literal
 * envelopes, slots, version by WSDL, faults per source, paging.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterError,
  BEGINNING_OF_TIME,
  addDays,
  collectChanged,
  emptyRecords,
  makeHetu,
  type InstanceId,
  type PersonRead,
  type PersonSlot,
  type SourceAdapter,
} from '../../domain/index.ts';
import { type RunningEmulator } from '../emulator/faults.ts';
import { type AdapterConfig } from '../wire/adapterConfig.ts';
import { startFloodServer } from '../wire/testSupport.ts';
import { createLifecareAdapter } from './adapter.ts';
import { startLifecareEmulator } from './emulator.ts';
import { lifecareWsdl } from './wsdl.ts';

const MR = 'urn:lifecare:mr2020:potilaspalvelu';
const V15 = 'urn:lifecare:v2015:potilaspalvelu';
const CLOCK = { now: () => new Date('2026-03-15T10:00:00Z') };
const REQ_OPEN = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const REQ_CLOSE = '</soap:Body></soap:Envelope>';

const HETU = '170580-901P';
const UNKNOWN = '290248-905W';
const PAGED = 1203;

function writeFixtures(dir: string): void {
  const porvoo = join(dir, 'lifecare-porvoo');
  mkdirSync(porvoo);
  writeFileSync(
    join(porvoo, 'potilaat.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Potilaat xmlns="${MR}">\n` +
      '  <Potilas><PotilasId>1001</PotilasId><Hetu>170580-901P</Hetu><Sukunimi>Lindström-Aho</Sukunimi><Etunimet>Märta Åsa</Etunimet>' +
      '<Syntymaaika>1980-05-17</Syntymaaika><Sukupuoli>2</Sukupuoli><Kotikunta>638</Kotikunta><Aidinkieli>sv</Aidinkieli><Asiointikieli>sv</Asiointikieli>' +
      '<Turvakielto>false</Turvakielto><Muutettu>2026-02-01T10:00:00</Muutettu></Potilas>\n' +
      '</Potilaat>\n',
  );
  writeFileSync(
    join(porvoo, 'kaynnit.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Kaynnit xmlns="${MR}">\n` +
      '  <Kaynti><KayntiId>501</KayntiId><Hetu>170580-901P</Hetu><Palvelualue>PTH</Palvelualue><Kayntityyppi>LAAK</Kayntityyppi><Yhteystapa>VO</Yhteystapa>' +
      '<Alkuaika>2026-10-25T03:30:00</Alkuaika><KestoMin>30</KestoMin><Yksikko><Tunnus>1.2.246.10.1234567.10.1</Tunnus><Nimi>Porvoon terveysasema</Nimi></Yksikko>' +
      '<Tila>VARATTU</Tila></Kaynti>\n' +
      '  <Kaynti><KayntiId>502</KayntiId><Hetu>170580-901P</Hetu><Palvelualue>STH</Palvelualue><Alkuaika>2026-03-29T03:30:00</Alkuaika><KestoMin>30</KestoMin>' +
      '<Yksikko><Nimi>Hammashoitola</Nimi></Yksikko><Tila>VARATTU</Tila></Kaynti>\n' +
      '</Kaynnit>\n',
  );
  writeFileSync(
    join(porvoo, 'maksut.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Maksut xmlns="${MR}">\n` +
      '  <Maksu><Hetu>170580-901P</Hetu><LaskuId>71</LaskuId><Paivays>2024-01-02</Paivays><Selite>Käynti</Selite><Summa>20,60</Summa><Maksukattoon>K</Maksukattoon><Tila>MAKSETTU</Tila></Maksu>\n' +
      '  <Maksu><Hetu>170580-901P</Hetu><LaskuId>72</LaskuId><Paivays>2023-12-31</Paivays><Selite>Käynti</Selite><Summa>20,60</Summa><Maksukattoon>K</Maksukattoon><Tila>MAKSETTU</Tila></Maksu>\n' +
      '</Maksut>\n',
  );
  writeFileSync(join(porvoo, 'suunnitelmat.xml'), `<Suunnitelmat xmlns="${MR}"></Suunnitelmat>\n`);

  const askola = join(dir, 'lifecare-askola');
  mkdirSync(askola);
  writeFileSync(
    join(askola, 'potilaat.xml'),
    `<Potilaat xmlns="${V15}">\n` +
      '  <Potilas><PotilasId>7</PotilasId><Hetu>170580-901P</Hetu><Nimi>VIRTANEN Maija Liisa</Nimi><Syntymaaika>17.5.1980</Syntymaaika><Turvakielto>1</Turvakielto></Potilas>\n' +
      '</Potilaat>\n',
  );
  writeFileSync(
    join(askola, 'kaynnit.xml'),
    `<Kaynnit xmlns="${V15}">\n` +
      '  <Kaynti><KayntiId>1</KayntiId><Hetu>170580-901P</Hetu><Palvelualue>PTH</Palvelualue><Alkuaika>29.3.2026 3:30</Alkuaika><KestoMin>15</KestoMin><Yksikko><Nimi>Askolan terveysasema</Nimi></Yksikko><Tila>VARATTU</Tila></Kaynti>\n' +
      '  <Kaynti><KayntiId>2</KayntiId><Hetu>170580-901P</Hetu><Palvelualue>PTH</Palvelualue><Alkuaika>25.10.2026 3:30</Alkuaika><KestoMin>15</KestoMin><Yksikko><Nimi>Askolan terveysasema</Nimi></Yksikko><Tila>VARATTU</Tila></Kaynti>\n' +
      '</Kaynnit>\n',
  );

  // More than 500 patients for paging, one of them with a wrong check character.
  const phhyky = join(dir, 'lifecare-phhyky');
  mkdirSync(phhyky);
  const rows = Array.from({ length: PAGED }, (_, i) => {
    const code = i === 700 ? '170580-901R' : makeHetu(addDays('1930-01-01', i), 900 + (i % 9));
    return `<Potilas><PotilasId>${i}</PotilasId><Hetu>${code}</Hetu><Muutettu>2026-01-0${1 + (i % 9)}T08:00:00</Muutettu></Potilas>\n`;
  });
  writeFileSync(join(phhyky, 'potilaat.xml'), `<Potilaat xmlns="${MR}">\n${rows.join('')}</Potilaat>\n`);
}

let dir: string;
let porvoo: RunningEmulator;
let askola: RunningEmulator;
let phhyky: RunningEmulator;
const porvooRequests: string[] = [];
const askolaRequests: string[] = [];

function config(instance: InstanceId, address: string, timeoutMs = 2_000): AdapterConfig {
  return { instance, address, timeoutMs, clock: CLOCK };
}

function ok(slot: PersonSlot | undefined): PersonRead {
  if (!slot || slot instanceof AdapterError)
    throw new Error(`expected a read, received ${slot instanceof AdapterError ? slot.code : 'nothing'}`);
  return slot;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lifecare-adapter-'));
  writeFixtures(dir);
  porvoo = await startLifecareEmulator({ instance: 'lifecare-porvoo', fixturesDir: dir, onRequest: (b) => porvooRequests.push(b) });
  askola = await startLifecareEmulator({ instance: 'lifecare-askola', fixturesDir: dir, onRequest: (b) => askolaRequests.push(b) });
  phhyky = await startLifecareEmulator({ instance: 'lifecare-phhyky', fixturesDir: dir });
});
afterAll(async () => {
  await Promise.all([porvoo.close(), askola.close(), phhyky.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('requests as literal envelopes', () => {
  it('HaePotilas, HaeKaynnit (V2015 dates), HaeMaksut per year: literal envelopes', async () => {
    const adapter = await createLifecareAdapter(config('lifecare-askola', askola.address));
    try {
      askolaRequests.length = 0;
      ok((await adapter.readPersons([HETU], { feeYears: [2026], appointmentsFrom: '2026-03-01', appointmentsTo: '2026-12-31' }))[0]);
      const open = REQ_OPEN;
      expect(askolaRequests.sort()).toEqual(
        [
          `${open}<HaePotilasPyynto xmlns="${V15}"><Hetu>170580-901P</Hetu></HaePotilasPyynto>${REQ_CLOSE}`,
          `${open}<HaeKaynnitPyynto xmlns="${V15}"><Hetu>170580-901P</Hetu><Alkaen>1.3.2026</Alkaen><Asti>31.12.2026</Asti></HaeKaynnitPyynto>${REQ_CLOSE}`,
          `${open}<HaeSuunnitelmatPyynto xmlns="${V15}"><Hetu>170580-901P</Hetu></HaeSuunnitelmatPyynto>${REQ_CLOSE}`,
          `${open}<HaeMaksutPyynto xmlns="${V15}"><Hetu>170580-901P</Hetu><Vuosi>2026</Vuosi></HaeMaksutPyynto>${REQ_CLOSE}`,
        ].sort(),
      );
    } finally {
      await adapter.close();
    }
  });

  it('MR2020: ISO dates; fee years default to the Helsinki current year and two before', async () => {
    const adapter = await createLifecareAdapter(config('lifecare-porvoo', porvoo.address));
    try {
      porvooRequests.length = 0;
      const r = ok((await adapter.readPersons([HETU], { appointmentsFrom: '2026-01-01' }))[0]);
      const open = REQ_OPEN;
      expect(porvooRequests).toContain(`${open}<HaePotilasPyynto xmlns="${MR}"><Hetu>170580-901P</Hetu></HaePotilasPyynto>${REQ_CLOSE}`);
      expect(porvooRequests).toContain(
        `${open}<HaeKaynnitPyynto xmlns="${MR}"><Hetu>170580-901P</Hetu><Alkaen>2026-01-01</Alkaen></HaeKaynnitPyynto>${REQ_CLOSE}`,
      );
      const years = porvooRequests.flatMap((b) => [...b.matchAll(/<Vuosi>(\d+)<\/Vuosi>/g)].map((m) => m[1])).sort();
      expect(years).toEqual(['2024', '2025', '2026']);
      expect(r.records.fees.map((f) => f.source.localId)).toEqual(['71']);
    } finally {
      await adapter.close();
    }
  });
});

describe('readPersons against the emulator', () => {
  let adapter: SourceAdapter;
  beforeAll(async () => {
    adapter = await createLifecareAdapter(config('lifecare-porvoo', porvoo.address));
  });
  afterAll(() => adapter.close());

  it('one slot per key in order: records, not found, invalid code (source not called for it)', async () => {
    const before = porvoo.faults.requests;
    const slots = await adapter.readPersons([HETU, UNKNOWN, '170580-901R', HETU], { feeYears: [2024] });
    expect(slots).toHaveLength(4);
    const first = ok(slots[0]);
    expect(first.records.person).toMatchObject({
      surname: 'Lindström-Aho',
      serviceLanguage: 'sv',
      source: { localId: '1001', municipality: '638' },
    });
    expect(first.records.appointments.map((a) => a.start)).toEqual(['2026-10-25T03:30:00+03:00']);
    expect(first.issues).toEqual([
      {
        code: 'MALFORMED_RECORD',
        source: 'lifecare-porvoo',
        position: 'HaeKaynnit response Kaynti[2]',
        reason: 'expected Alkuaika as a Helsinki local time, received one in the hour skipped when summer time begins',
      },
    ]);
    expect(ok(slots[1])).toEqual({ records: emptyRecords(UNKNOWN, 'lifecare-porvoo'), issues: [] });
    expect(slots[2]).toBeInstanceOf(AdapterError);
    expect((slots[2] as AdapterError).code).toBe('INVALID_IDENTITY_CODE');
    expect((slots[2] as AdapterError).message).not.toContain('170580');
    expect(ok(slots[3])).toEqual(first);
    // Three valid keys × (3 + one fee year) calls; none for the invalid one.
    expect(porvoo.faults.requests - before).toBe(12);
  });

  it('V2015 instance: name split and DST quirks over the wire', async () => {
    const v15 = await createLifecareAdapter(config('lifecare-askola', askola.address));
    try {
      const r = ok((await v15.readPersons([HETU], { feeYears: [2026] }))[0]);
      expect(r.records.person).toMatchObject({
        surname: 'Virtanen',
        firstNames: 'Maija Liisa',
        birthDate: '1980-05-17',
        turvakielto: true,
        serviceLanguage: 'fi',
      });
      expect(r.records.appointments.map((a) => a.start)).toEqual(['2026-10-25T03:30:00+03:00']);
      expect(r.issues.map((i) => i.position)).toEqual(['HaeKaynnit response Kaynti[1]']);
    } finally {
      await v15.close();
    }
  });
});

describe('faults, per source', () => {
  let faulty: SourceAdapter;
  let healthy: SourceAdapter;
  beforeAll(async () => {
    faulty = await createLifecareAdapter(config('lifecare-porvoo', porvoo.address, 300));
    healthy = await createLifecareAdapter(config('lifecare-askola', askola.address, 300));
  });
  afterAll(async () => {
    porvoo.faults.clear();
    await faulty.close();
    await healthy.close();
  });

  it.each([
    ['timeout', { latencyMs: 600 }, 'SOURCE_UNAVAILABLE', /within 300 ms/],
    ['overload', { mode: 'overload' }, 'SOURCE_UNAVAILABLE', /PALVELU_KIIREINEN/],
    ['maintenance', { mode: 'maintenance' }, 'SOURCE_UNAVAILABLE', /PALVELU_KIIREINEN/],
    ['dropped connection', { mode: 'drop' }, 'SOURCE_UNAVAILABLE', /connection failed/],
    ['malformed body', { mode: 'malformed' }, 'MALFORMED_RESPONSE', /well-formed/],
  ] as const)('%s → %s in every slot of that source only', async (_, plan, code, message) => {
    porvoo.faults.set(plan);
    try {
      const [slots, other] = await Promise.all([
        faulty.readPersons([HETU, UNKNOWN], { feeYears: [2026] }),
        healthy.readPersons([HETU], { feeYears: [2026] }),
      ]);
      for (const slot of slots) {
        expect(slot).toBeInstanceOf(AdapterError);
        expect((slot as AdapterError).code).toBe(code);
        expect((slot as AdapterError).source).toBe('lifecare-porvoo');
        expect((slot as AdapterError).message).toMatch(message);
      }
      expect(ok(other[0]).records.person?.surname).toBe('Virtanen');
    } finally {
      porvoo.faults.clear();
    }
    expect(ok((await faulty.readPersons([HETU], { feeYears: [2026] }))[0]).records.person).toBeDefined();
  });

  it('listChanged throws SOURCE_UNAVAILABLE when the source is busy', async () => {
    porvoo.faults.set({ mode: 'overload', times: 1 });
    await expect(collectChanged(faulty.listChanged(BEGINNING_OF_TIME))).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      source: 'lifecare-porvoo',
    });
  });
});

describe('listChanged', () => {
  it('pages HaeMuuttuneet to Sivuja over more than 500 patients; an invalid code is an issue', async () => {
    const adapter = await createLifecareAdapter(config('lifecare-phhyky', phhyky.address));
    try {
      const pages = [];
      const before = phhyky.faults.requests;
      for await (const page of adapter.listChanged(BEGINNING_OF_TIME)) pages.push(page);
      expect(phhyky.faults.requests - before).toBe(3);
      expect(pages.map((p) => p.persons.length + p.issues.length)).toEqual([500, 500, 203]);
      const all = pages.flatMap((p) => p.persons.map((x) => x.hetu));
      expect(new Set(all).size).toBe(PAGED - 1);
      expect(pages.flatMap((p) => p.issues)).toEqual([
        expect.objectContaining({
          code: 'INVALID_IDENTITY_CODE',
          source: 'lifecare-phhyky',
          position: expect.stringMatching(/^HaeMuuttuneet page \d response Hetu\[\d+\]$/),
        }),
      ]);
      // After 2026-01-09T07:59 Helsinki time, only those changed at 2026-01-09T08:00.
      const late = await collectChanged(adapter.listChanged('2026-01-09T07:59:00+02:00'));
      expect(late.persons.length + late.issues.length).toBe(Math.floor(PAGED / 9));
    } finally {
      await adapter.close();
    }
  });
});

/** A stand-in service: the real WSDL of a version, and answers from `answer`. */
async function stubService(
  version: 'MR2020' | 'V2015',
  answer: (body: string) => { status: number; body: string },
): Promise<{ address: string; server: Server; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.method === 'GET') {
        const host = req.headers.host!;
        res.writeHead(200, { 'content-type': 'text/xml' }).end(lifecareWsdl(version, `http://${host}${req.url!.replace(/\?.*$/, '')}`));
        return;
      }
      const a = answer(body);
      res.writeHead(a.status, { 'content-type': 'text/xml; charset=utf-8' }).end(a.body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const ENV = (ns: string, op: string, content: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op}Vastaus xmlns="${ns}">${content}</${op}Vastaus></soap:Body></soap:Envelope>`;

function opOf(body: string): string {
  return /<(Hae\w+)Pyynto/.exec(body)?.[1] ?? '';
}

describe('version from the WSDL, not the instance name', () => {
  it('an instance named like MR2020 that serves V2015 is spoken to in V2015', async () => {
    const seen: string[] = [];
    const stub = await stubService('V2015', (body) => {
      seen.push(body);
      const op = opOf(body);
      const content =
        op === 'HaePotilas'
          ? '<Potilas><PotilasId>3</PotilasId><Hetu>170580-901P</Hetu><Nimi>ÅBERG Åke</Nimi><Turvakielto>0</Turvakielto><Kotikunta>638</Kotikunta></Potilas>'
          : '';
      return { status: 200, body: ENV(V15, op, content) };
    });
    const adapter = await createLifecareAdapter(config('lifecare-porvoo', stub.address));
    try {
      const r = ok((await adapter.readPersons([HETU], { feeYears: [2026], appointmentsFrom: '2026-03-01' }))[0]);
      expect(r.records.person).toMatchObject({ surname: 'Åberg', firstNames: 'Åke', serviceLanguage: 'fi' });
      expect(seen.find((b) => opOf(b) === 'HaeKaynnit')).toContain('<Alkaen>1.3.2026</Alkaen>');
      expect(seen.every((b) => b.includes(`xmlns="${V15}"`))).toBe(true);
    } finally {
      await adapter.close();
      await stub.close();
    }
  });

  it('a WSDL in an unknown namespace makes every slot MALFORMED_RESPONSE; nothing is sent', async () => {
    let posts = 0;
    const server = createServer((req, res) => {
      if (req.method === 'POST') posts++;
      const wsdl = lifecareWsdl('MR2020', `http://${req.headers.host}/x`).replaceAll(MR, 'urn:lifecare:mr2023:potilaspalvelu');
      res.writeHead(200, { 'content-type': 'text/xml' }).end(wsdl);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const adapter = await createLifecareAdapter(config('lifecare-porvoo', `http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    try {
      const slots = await adapter.readPersons([HETU, UNKNOWN]);
      for (const slot of slots) {
        expect(slot).toMatchObject({
          code: 'MALFORMED_RESPONSE',
          message:
            'WSDL: expected target namespace urn:lifecare:mr2020:potilaspalvelu or urn:lifecare:v2015:potilaspalvelu, received another namespace',
        });
      }
      expect(posts).toBe(0);
    } finally {
      await adapter.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reuses kept-alive connections across reads', async () => {
    const stub = await stubService('MR2020', (body) => ({
      status: 500,
      body: ENV(MR, opOf(body), '').replace(
        /<Hae\w+Vastaus[^>]*><\/Hae\w+Vastaus>/,
        '<soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring><detail><Virhe xmlns="urn:lifecare:mr2020:potilaspalvelu"><Koodi>POTILAS_EI_LOYDY</Koodi></Virhe></detail></soap:Fault>',
      ),
    }));
    const adapter = await createLifecareAdapter(config('lifecare-porvoo', stub.address));
    try {
      for (let i = 0; i < 5; i++) expect(ok((await adapter.readPersons([HETU], { feeYears: [2026] }))[0]).records.person).toBeUndefined();
      // 20 calls, 4 at a time: the pool reuses its connections (it may open a few more while a just-answered one is being released).
      expect(stub.connections()).toBeLessThanOrEqual(8);
    } finally {
      await adapter.close();
      await stub.close();
    }
  });
});

describe('hostile answers through the client', () => {
  const hostile: [string, string, RegExp][] = [
    [
      'DOCTYPE with an external entity',
      `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ENV(MR, 'HaePotilas', '<Potilas><Sukunimi>&x;</Sukunimi></Potilas>')}`,
      /^HaePotilas: expected XML without a DOCTYPE/,
    ],
    [
      'billion laughs',
      `<!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>${ENV(MR, 'HaePotilas', '&c;')}`,
      /^HaePotilas: expected XML without a DOCTYPE/,
    ],
    [
      'deep nesting',
      ENV(MR, 'HaePotilas', `${'<Osoite>'.repeat(2000)}${'</Osoite>'.repeat(2000)}`),
      /^HaePotilas: expected XML nested at most 64 deep/,
    ],
    [
      '__proto__ element',
      ENV(MR, 'HaePotilas', '<Potilas><__proto__><isAdmin>true</isAdmin></__proto__><Hetu>170580-901P</Hetu></Potilas>'),
      /__proto__/,
    ],
    ['truncated', ENV(MR, 'HaePotilas', '<Potilas><PotilasId>1</PotilasId>').slice(0, 150), /^HaePotilas: expected well-formed XML/],
  ];

  it.each(hostile)('%s → MALFORMED_RESPONSE, no crash, no pollution', async (_, body, message) => {
    const stub = await stubService('MR2020', (req) =>
      opOf(req) === 'HaePotilas' ? { status: 200, body } : { status: 200, body: ENV(MR, opOf(req), '') },
    );
    const adapter = await createLifecareAdapter(config('lifecare-porvoo', stub.address));
    try {
      const [slot] = await adapter.readPersons([HETU], { feeYears: [2026] });
      expect(slot).toBeInstanceOf(AdapterError);
      expect((slot as AdapterError).code).toBe('MALFORMED_RESPONSE');
      expect((slot as AdapterError).message).toMatch(message);
      expect((slot as AdapterError).message).not.toContain('passwd');
      expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    } finally {
      await adapter.close();
      await stub.close();
    }
  });
});

describe('a source that is down', () => {
  it('creation still resolves; slots are SOURCE_UNAVAILABLE until the source answers, then it recovers', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const adapter = await createLifecareAdapter(config('lifecare-askola', `http://127.0.0.1:${port}`));
    let emu: RunningEmulator | undefined;
    try {
      const [down] = await adapter.readPersons([HETU]);
      expect(down).toBeInstanceOf(AdapterError);
      expect((down as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
      expect((down as AdapterError).message).toMatch(/^WSDL: expected a connection, received a refusal$/);
      emu = await startLifecareEmulator({ instance: 'lifecare-askola', fixturesDir: dir, port });
      expect(ok((await adapter.readPersons([HETU], { feeYears: [2026] }))[0]).records.person?.surname).toBe('Virtanen');
    } finally {
      await adapter.close();
      await emu?.close();
    }
  });
});

describe('answer limits', () => {
  const MIB = 1024 * 1024;
  const wsdlFor = (method: string, url: string) =>
    method === 'GET' && url.endsWith('?wsdl')
      ? { status: 200, contentType: 'text/xml', body: lifecareWsdl('MR2020', 'http://127.0.0.1/x') }
      : undefined;

  it('a 60 MB answer → MALFORMED_RESPONSE at the default 4 MiB, read stopped near the limit, quickly', async () => {
    const flood = await startFloodServer({
      contentType: 'text/xml',
      head: ENV(MR, 'HaePotilas', '').slice(0, 200),
      chunk: '<Potilas><Sukunimi>x</Sukunimi></Potilas>',
      totalBytes: 60 * MIB,
      answer: wsdlFor,
    });
    const adapter = await createLifecareAdapter(config('lifecare-porvoo', flood.url));
    try {
      const t0 = Date.now();
      const [slot] = await adapter.readPersons([HETU], { feeYears: [2026] });
      expect(Date.now() - t0).toBeLessThan(2_000);
      expect(slot).toBeInstanceOf(AdapterError);
      expect((slot as AdapterError).code).toBe('MALFORMED_RESPONSE');
      expect((slot as AdapterError).source).toBe('lifecare-porvoo');
      expect((slot as AdapterError).message).toMatch(/^Hae\w+: expected an answer of at most 4194304 bytes, received a larger one$/);
      // Several calls at once, each stopped at its limit plus what the sockets buffer (a few MB on loopback): far from 60 MB each.
      expect(flood.floods()).toBeGreaterThan(0);
      expect(flood.sentBytes() / flood.floods()).toBeLessThan(4 * MIB + 6 * MIB);
    } finally {
      await adapter.close();
      await flood.close();
    }
  });

  it('a million character references under the byte limit → MALFORMED_RESPONSE at the reference budget; limits are per instance', async () => {
    const flood = await startFloodServer({
      contentType: 'text/xml',
      head: ENV(MR, 'HaePotilas', '').slice(0, 200),
      chunk: '&#65;',
      totalBytes: 5 * MIB,
      answer: wsdlFor,
    });
    const adapter = await createLifecareAdapter({
      ...config('lifecare-porvoo', flood.url),
      limits: { maxResponseBytes: 8 * MIB, maxReferences: 1_000 },
    });
    try {
      const [slot] = await adapter.readPersons([HETU], { feeYears: [2026] });
      expect((slot as AdapterError).code).toBe('MALFORMED_RESPONSE');
      expect((slot as AdapterError).message).toMatch(
        /^Hae\w+: expected at most 1000 entity or character references in the answer, received more$/,
      );
    } finally {
      await adapter.close();
      await flood.close();
    }
  });
});
