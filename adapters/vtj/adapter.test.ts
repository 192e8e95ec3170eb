import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, makeHetu } from '../../domain/index.ts';
import type { PersonDirectory, VtjAdapter, VtjPerson } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { createVtjWriter } from '../../fixtures/generator/writers/vtj.ts';
import { startFloodServer } from '../wire/testSupport.ts';
import { createVtjAdapter } from './adapter.ts';
import { startVtjEmulator } from './emulator.ts';
import { responseEnvelope, wsdl } from './format.ts';

const A = '131052-9085';
const B = '020384-913U';
const CHILD = '020516A934K';
const UNKNOWN = '210712A947U';
const clock = { now: () => new Date('2026-11-23T10:00:00+02:00') };

const persons: VtjPerson[] = [
  {
    hetu: A,
    hetuInForce: true,
    surname: 'Mäkelä',
    firstNames: 'Väinö Åke',
    address: { streetFi: 'Rauhankatu 5', streetSv: 'Fredsgatan 5', postalCode: '06100', cityFi: 'Porvoo', citySv: 'Borgå' },
    municipality: { code: '638', nameFi: 'Porvoo', nameSv: 'Borgå' },
    language: 'fi',
    turvakielto: false,
    guardians: [],
    dependants: [CHILD],
  },
  {
    hetu: B,
    hetuInForce: true,
    surname: 'Öhman',
    firstNames: 'Greta',
    address: { streetFi: 'Kirkkotie 1', postalCode: '07500', cityFi: 'Askola' },
    municipality: { code: '018', nameFi: 'Askola', nameSv: 'Askola' },
    language: 'sv',
    turvakielto: true,
    deathDate: '2026-10-25',
    guardians: [],
    dependants: [],
  },
  {
    hetu: CHILD,
    hetuInForce: false,
    surname: 'Mäkelä',
    firstNames: 'Ilona',
    turvakielto: false,
    guardians: [A],
    dependants: [],
  },
];

let dir: string;
let emulator: RunningEmulator;
let adapter: VtjAdapter & PersonDirectory;

function config(address: string, timeoutMs = 2_000): AdapterConfig {
  return { instance: 'vtj', address, timeoutMs, clock };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vtj-adapter-'));
  const writer = createVtjWriter(dir);
  for (const p of persons) writer.write(p);
  await writer.close();
  emulator = await startVtjEmulator({ fixturesDir: dir });
  adapter = await createVtjAdapter(config(emulator.address, 500));
});

afterAll(async () => {
  await adapter?.close();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => emulator.faults.clear());

describe('VTJ emulator on the wire', () => {
  it('serves a WSDL that names the operation and the endpoint', async () => {
    const res = await request(`${emulator.address}/vtj/HenkilotietoPalvelu?wsdl`);
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(text).toContain('<wsdl:operation name="TeeHenkilonTunnusKysely">');
    expect(text).toContain(`<soap:address location="${emulator.address}/vtj/HenkilotietoPalvelu"/>`);
  });

  it('answers a literal request envelope with the literal response envelope, Henkilo exactly as stored', async () => {
    const requestEnvelope =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      `<TeeHenkilonTunnusKysely xmlns="urn:vtj:henkilotietokysely:1"><Henkilotunnus>${CHILD}</Henkilotunnus><Tuotekoodi>PERUSSANOMA1</Tuotekoodi></TeeHenkilonTunnusKysely>` +
      '</soap:Body></soap:Envelope>';
    const res = await request(`${emulator.address}/vtj/HenkilotietoPalvelu`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:vtj:henkilotietokysely:1#TeeHenkilonTunnusKysely"' },
      body: requestEnvelope,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(await res.body.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
        '<VTJHenkiloVastaussanoma xmlns="urn:vtj:henkilotietokysely:1"><Paluukoodi>0000</Paluukoodi>' +
        `<Henkilo><Henkilotunnus voimassaolokoodi="0">${CHILD}</Henkilotunnus><NykyinenSukunimi><Sukunimi>Mäkelä</Sukunimi></NykyinenSukunimi>` +
        '<NykyisetEtunimet><Etunimet>Ilona</Etunimet></NykyisetEtunimet><Turvakielto><TurvakieltoTieto>0</TurvakieltoTieto></Turvakielto>' +
        `<Huoltajat><Huoltaja><Henkilotunnus>${A}</Henkilotunnus></Huoltaja></Huoltajat></Henkilo>` +
        '</VTJHenkiloVastaussanoma></soap:Body></soap:Envelope>',
    );
  });

  it('answers 0001 for an unknown code and 0002 for a malformed one', async () => {
    const ask = async (code: string) => {
      const res = await request(`${emulator.address}/vtj/HenkilotietoPalvelu`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8' },
        body:
          '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><TeeHenkilonTunnusKysely xmlns="urn:vtj:henkilotietokysely:1">' +
          `<Henkilotunnus>${code}</Henkilotunnus><Tuotekoodi>PERUSSANOMA1</Tuotekoodi></TeeHenkilonTunnusKysely></soap:Body></soap:Envelope>`,
      });
      return res.body.text();
    };
    expect(await ask(UNKNOWN)).toContain('<Paluukoodi>0001</Paluukoodi></VTJHenkiloVastaussanoma>');
    expect(await ask('131052-9086')).toContain('<Paluukoodi>0002</Paluukoodi></VTJHenkiloVastaussanoma>');
  });

  it('answers a soap:Client fault to a body that is not a query', async () => {
    const res = await request(`${emulator.address}/vtj/HenkilotietoPalvelu`, { method: 'POST', body: '<nonsense' });
    expect(res.statusCode).toBe(500);
    expect(await res.body.text()).toContain('<faultcode>soap:Client</faultcode>');
  });

  it('answers overload with the literal soap:Server fault', async () => {
    emulator.faults.set({ mode: 'overload', times: 1 });
    const res = await request(`${emulator.address}/vtj/HenkilotietoPalvelu`, { method: 'POST', body: '<x/>' });
    expect(res.statusCode).toBe(500);
    expect(await res.body.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
        '<faultcode>soap:Server</faultcode><faultstring>Palvelu on ylikuormittunut, yritä myöhemmin uudelleen</faultstring>' +
        '</soap:Fault></soap:Body></soap:Envelope>',
    );
  });
});

describe('VTJ adapter against the emulator', () => {
  it('reads persons, null for an unknown code, an error slot for an invalid code', async () => {
    const slots = await adapter.readPersons([A, UNKNOWN, 'not-a-code', B, CHILD]);
    expect(slots[0]).toEqual(persons[0]);
    expect(slots[1]).toBeNull();
    expect(slots[2]).toBeInstanceOf(AdapterError);
    expect((slots[2] as AdapterError).code).toBe('INVALID_IDENTITY_CODE');
    expect(slots[3]).toEqual(persons[1]);
    expect(slots[4]).toEqual(persons[2]);
  });

  it('does not call the source for an invalid code, and asks a repeated code once', async () => {
    const before = emulator.faults.requests;
    const slots = await adapter.readPersons(['131052-9086', A, A]);
    expect(emulator.faults.requests - before).toBe(1);
    expect(slots[1]).toEqual(slots[2]);
  });

  it('surnames: the VTJ surname, or null for an unknown code', async () => {
    expect(await adapter.surnames([B, UNKNOWN, A])).toEqual(['Öhman', null, 'Mäkelä']);
  });

  it('surnames rejects when VTJ cannot be asked, rather than answering "unknown"', async () => {
    emulator.faults.set({ mode: 'maintenance' });
    await expect(adapter.surnames([A])).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
  });

  it.each(['overload', 'maintenance', 'drop'] as const)('%s → SOURCE_UNAVAILABLE in every slot it affects', async (mode) => {
    emulator.faults.set({ mode });
    const slots = await adapter.readPersons([A, B]);
    for (const s of slots) {
      expect(s).toBeInstanceOf(AdapterError);
      expect((s as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
      expect((s as AdapterError).source).toBe('vtj');
    }
  });

  it('malformed body → MALFORMED_RESPONSE for that key only', async () => {
    emulator.faults.set({ mode: 'malformed', times: 1 });
    const [first] = await adapter.readPersons([A]);
    expect((first as AdapterError).code).toBe('MALFORMED_RESPONSE');
    expect(await adapter.readPersons([A])).toEqual([persons[0]]);
  });

  it('a slow answer times out → SOURCE_UNAVAILABLE, and the next read succeeds', async () => {
    emulator.faults.set({ latencyMs: 800 });
    const started = Date.now();
    const [slot] = await adapter.readPersons([A]);
    expect(Date.now() - started).toBeLessThan(750);
    expect((slot as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    expect((slot as AdapterError).message).toContain('500 ms');
    emulator.faults.clear();
    expect(await adapter.readPersons([A])).toEqual([persons[0]]);
  });

  it('messages never carry identity codes or names', async () => {
    emulator.faults.set({ mode: 'malformed' });
    const slots = await adapter.readPersons([A, 'x']);
    for (const s of slots) expect((s as AdapterError).message).not.toMatch(/\d{6}[-+A-FU-Y]\d{3}|Mäkelä/);
  });
});

describe('VTJ adapter and an absent or odd service', () => {
  it('is created while VTJ is down, answers SOURCE_UNAVAILABLE, and recovers when it comes up', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const down = await createVtjAdapter(config(`http://127.0.0.1:${port}`));
    const [slot] = await down.readPersons([A]);
    expect((slot as AdapterError).code).toBe('SOURCE_UNAVAILABLE');

    const late = await startVtjEmulator({ fixturesDir: dir, port });
    try {
      expect(await down.readPersons([A])).toEqual([persons[0]]);
    } finally {
      await down.close();
      await late.close();
    }
  });

  describe('against a recording service', () => {
    let server: Server;
    let base: string;
    const received: { body: string; soapAction: string | undefined; contentType: string | undefined }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;

    beforeAll(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.method === 'GET') {
            res.writeHead(200, { 'content-type': 'text/xml' });
            res.end(wsdl(`${base}/vtj/HenkilotietoPalvelu`));
            return;
          }
          received.push({
            body: Buffer.concat(chunks).toString('utf8'),
            soapAction: req.headers.soapaction as string | undefined,
            contentType: req.headers['content-type'],
          });
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          setTimeout(() => {
            inFlight--;
            res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
            res.end(responseEnvelope('0001'));
          }, 30);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });

    it('sends the literal request envelope with its SOAPAction', async () => {
      const a = await createVtjAdapter(config(base));
      try {
        received.length = 0;
        expect(await a.readPersons([A])).toEqual([null]);
        expect(received).toEqual([
          {
            body:
              '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
              `<TeeHenkilonTunnusKysely xmlns="urn:vtj:henkilotietokysely:1"><Henkilotunnus>${A}</Henkilotunnus><Tuotekoodi>PERUSSANOMA1</Tuotekoodi></TeeHenkilonTunnusKysely>` +
              '</soap:Body></soap:Envelope>',
            soapAction: '"urn:vtj:henkilotietokysely:1#TeeHenkilonTunnusKysely"',
            contentType: 'text/xml; charset=utf-8',
          },
        ]);
      } finally {
        await a.close();
      }
    });

    it('keeps at most 8 queries in flight for a large batch', async () => {
      const a = await createVtjAdapter(config(base));
      try {
        const valid = Array.from({ length: 30 }, (_, i) => makeHetu(`1990-01-${String(i + 1).padStart(2, '0')}`, 900 + i));
        maxInFlight = 0;
        const slots = await a.readPersons(valid);
        expect(slots.every((s) => s === null)).toBe(true);
        expect(maxInFlight).toBeGreaterThan(1);
        expect(maxInFlight).toBeLessThanOrEqual(8);
      } finally {
        await a.close();
      }
    });
  });
});

describe('VTJ emulator fixtures', () => {
  it('skips a Henkilo without a code and serves the rest', async () => {
    const odd = mkdtempSync(join(tmpdir(), 'vtj-odd-'));
    try {
      mkdirSync(join(odd, 'vtj'));
      writeFileSync(
        join(odd, 'vtj', 'henkilot.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<Henkilot xmlns="urn:vtj:henkilotietokysely:1">\n' +
          '  <Henkilo>\n    <NykyinenSukunimi><Sukunimi>Ilman tunnusta</Sukunimi></NykyinenSukunimi>\n  </Henkilo>\n' +
          `  <Henkilo>\n    <Henkilotunnus voimassaolokoodi="1">${B}</Henkilotunnus>\n    <NykyinenSukunimi><Sukunimi>Öhman</Sukunimi></NykyinenSukunimi>\n` +
          '    <Turvakielto><TurvakieltoTieto>0</TurvakieltoTieto></Turvakielto>\n  </Henkilo>\n' +
          `  <Henkilo><Henkilotunnus>${A}</Henkilotunnus><NykyinenSukunimi><Sukunimi>Katkennut`,
      );
      const emu = await startVtjEmulator({ fixturesDir: odd });
      const a = await createVtjAdapter(config(emu.address));
      try {
        const [b, cut] = await a.readPersons([B, A]);
        expect(b).toEqual({
          hetu: B,
          hetuInForce: true,
          surname: 'Öhman',
          firstNames: '',
          turvakielto: false,
          guardians: [],
          dependants: [],
        });
        expect(cut).toBeNull();
      } finally {
        await a.close();
        await emu.close();
      }
    } finally {
      rmSync(odd, { recursive: true, force: true });
    }
  });
});

describe('answer limits', () => {
  const MIB = 1024 * 1024;
  const wsdlFor = (method: string, url: string) =>
    method === 'GET' && url.endsWith('?wsdl')
      ? { status: 200, contentType: 'text/xml', body: wsdl('http://127.0.0.1/vtj/HenkilotietoPalvelu') }
      : undefined;
  const HEAD = responseEnvelope('0000').slice(0, 200);

  it('a 60 MB answer → MALFORMED_RESPONSE for that key at the default 1 MiB, read stopped near the limit', async () => {
    const flood = await startFloodServer({
      contentType: 'text/xml',
      head: HEAD,
      chunk: '<Sukunimi>x</Sukunimi>',
      totalBytes: 60 * MIB,
      answer: wsdlFor,
    });
    const a = await createVtjAdapter(config(flood.url));
    try {
      const [slot] = await a.readPersons([persons[0]!.hetu]);
      expect(slot).toBeInstanceOf(AdapterError);
      expect(slot).toMatchObject({
        code: 'MALFORMED_RESPONSE',
        source: 'vtj',
        message: 'VTJ: expected an answer of at most 1048576 bytes, received a larger one',
      });
      expect(flood.sentBytes() / flood.floods()).toBeLessThan(1 * MIB + 6 * MIB);
    } finally {
      await a.close();
      await flood.close();
    }
  });

  it('a reference bomb under the byte limit → MALFORMED_RESPONSE at the default budget of 4 096', async () => {
    const flood = await startFloodServer({ contentType: 'text/xml', head: HEAD, chunk: '&#65;', totalBytes: 900_000, answer: wsdlFor });
    const a = await createVtjAdapter(config(flood.url));
    try {
      const [slot] = await a.readPersons([persons[0]!.hetu]);
      expect(slot).toMatchObject({
        code: 'MALFORMED_RESPONSE',
        message: 'VTJ: expected at most 4096 entity or character references in the answer, received more',
      });
    } finally {
      await a.close();
      await flood.close();
    }
  });
});
