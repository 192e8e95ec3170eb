/**
 * Independent oracle: the `soap` package (node-soap) against our VTJ wire
 * code, both ways, over the bundled fixtures (vtj.md), with X-Road's
 * headers on every query.
 *
 * A. `soap`'s server serves our WSDL (format.ts) over fixtures/truth/vtj.jsonl,
 *    its service writing each `Henkilo` itself (this file's writer, from the
 *    canonical person back to vtj.md's elements); our adapter reads every
 *    person from it and from our emulator: the two reads are equal, and
 *    equal the truth. The service checks the X-Road header fields as `soap`
 *    parsed them from our adapter's envelopes.
 * B. `soap`'s WSDL-driven client, built from our emulator's `?wsdl`, with
 *    the X-Road headers the emulator requires written by `soap` itself,
 *    asks for a seeded sample of persons: what it parses is, field by field,
 *    the truth (the same writer), and the header comes back echoed.
 * Faults and return codes from `soap`'s server are read by our adapter as
 * map.ts documents them.
 *
 * Seeded (test/oracle/random.ts): `ORACLE_SEED` replays a run, `ORACLE_CASES`
 * sets the persons of direction B (default 100; A reads all 602).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, makeHetu, type PersonDirectory, type VtjAdapter, type VtjPerson } from '../../domain/index.ts';
import { caseRandom, describeCase, oracleCases, oracleSeed, random, type Random } from '../../test/oracle/random.ts';
import {
  listenSoap,
  LOOPBACK_ONLY,
  normalise,
  OTHER_FORM,
  soapClient,
  soapFault,
  textOf,
  type SoapOracleServer,
} from '../../test/oracle/soap.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import { TEST_XROAD } from '../wire/testSupport.ts';
import { createVtjAdapter } from './adapter.ts';
import { startVtjEmulator } from './emulator.ts';
import { OPERATION, VTJ_NS, VTJ_PATH, wsdl } from './format.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const CLOCK = { now: () => new Date('2026-11-23T10:00:00+02:00') };
const SEED = oracleSeed();
const B_PERSONS = oracleCases(100);
/** Persons read with generated texts, per form of soap's server. */
const TEXT_PERSONS = 120;
const XROAD_NS = 'http://x-road.eu/xsd/xroad.xsd';
const XROAD_ID_NS = 'http://x-road.eu/xsd/identifiers';

type Wire = Record<string, unknown>;

/** vtj.md's `Henkilo`, written from the canonical person in the spec's order. */
function henkilo(p: VtjPerson): Wire {
  const w: Wire = {
    Henkilotunnus: { attributes: { voimassaolokoodi: p.hetuInForce ? '1' : '0' }, $value: p.hetu },
    NykyinenSukunimi: { Sukunimi: p.surname },
    NykyisetEtunimet: { Etunimet: p.firstNames },
  };
  if (p.address) {
    // An empty Swedish form where the address has none (vtj.md).
    w['VakinainenKotimainenLahiosoite'] = {
      LahiosoiteS: p.address.streetFi,
      LahiosoiteR: p.address.streetSv ?? '',
      Postinumero: p.address.postalCode,
      PostitoimipaikkaS: p.address.cityFi,
      PostitoimipaikkaR: p.address.citySv ?? '',
    };
  }
  if (p.municipality) w['Kotikunta'] = { Kuntanumero: p.municipality.code, KuntaS: p.municipality.nameFi, KuntaR: p.municipality.nameSv };
  if (p.language !== undefined) w['Aidinkieli'] = { Kielikoodi: p.language };
  w['Turvakielto'] = { TurvakieltoTieto: p.turvakielto ? '1' : '0' };
  if (p.deathDate !== undefined) w['Kuolintiedot'] = { Kuolinpvm: p.deathDate.replaceAll('-', '') };
  if (p.guardians.length > 0) w['Huoltajat'] = { Huoltaja: p.guardians.map((h) => ({ Henkilotunnus: h })) };
  if (p.dependants.length > 0) w['Huollettavat'] = { Huollettava: p.dependants.map((h) => ({ Henkilotunnus: h })) };
  return w;
}

const truth: VtjPerson[] = readFileSync(join(FIXTURES, 'truth', 'vtj.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l) as VtjPerson);
const byHetu = new Map(truth.map((p) => [p.hetu, p]));

/** X-Road's header fields as `soap` parsed them on its server, one entry per query. */
const seenHeaders: Wire[] = [];
/** Codes whose query `soap`'s server answers otherwise (faults, return codes). */
const special = new Map<string, () => Wire>();
/** Persons the oracle's service holds instead of the truth's: the generated texts. */
const overrides = new Map<string, VtjPerson>();

const services: soap.IServices = {
  HenkilotietoPalvelu: {
    HenkilotietoPalveluPort: {
      [OPERATION]: (args: Wire, _cb: unknown, headers: Wire | undefined) => {
        seenHeaders.push(headers ?? {});
        const hetu = String(args['Henkilotunnus'] ?? '');
        if (args['Tuotekoodi'] !== 'PERUSSANOMA1')
          throw { Fault: { faultcode: 'soap:Client', faultstring: 'Tuntematon tuotekoodi', statusCode: 500 } };
        const answer = special.get(hetu);
        if (answer) return answer();
        const p = overrides.get(hetu) ?? byHetu.get(hetu);
        if (!/^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$/.test(hetu)) return { Paluukoodi: '0002' };
        return p ? { Paluukoodi: '0000', Henkilo: henkilo(p) } : { Paluukoodi: '0001' };
      },
    },
  },
};

let emulator: RunningEmulator;
let oracle: SoapOracleServer;
let oracleOther: SoapOracleServer;
type Vtj = VtjAdapter & PersonDirectory;
let viaEmulator: Vtj;
let viaOracle: Vtj;
let viaOracleOther: Vtj;

beforeAll(async () => {
  emulator = await startVtjEmulator({ fixturesDir: FIXTURES, requireXRoad: TEST_XROAD });
  oracle = await listenSoap(VTJ_PATH, services, wsdl);
  oracleOther = await listenSoap(VTJ_PATH, services, wsdl, OTHER_FORM);
  const config = { instance: 'vtj', timeoutMs: 10_000, clock: CLOCK, xroad: TEST_XROAD } as const;
  viaEmulator = await createVtjAdapter({ ...config, address: emulator.address });
  viaOracle = await createVtjAdapter({ ...config, address: oracle.address });
  viaOracleOther = await createVtjAdapter({ ...config, address: oracleOther.address });
});

afterAll(async () => {
  await Promise.all([viaEmulator?.close(), viaOracle?.close(), viaOracleOther?.close()]);
  await Promise.all([emulator?.close(), oracle?.close(), oracleOther?.close()]);
});

describe('VTJ direction A: our adapter against soap’s server', () => {
  it('reads every fixture person from soap’s server exactly as from our emulator, and as the truth', async () => {
    const rng = random(SEED);
    // Unknown synthetic codes (individual number 900–999): no such person on either side.
    const unknown = Array.from({ length: 8 }, (_, i) => makeHetu(`19${60 + i}-0${(i % 9) + 1}-2${i}`, 900 + rng.int(0, 99))).filter(
      (h) => !byHetu.has(h),
    );
    const hetus = [...truth.map((p) => p.hetu), ...unknown];
    const other = new Set(rng.sample(hetus, 80));
    const otherBatch = hetus.filter((h) => other.has(h));
    seenHeaders.length = 0;
    const caller = { userId: 'oracle-tester', issue: 'REQ-16' };
    const [a, b, c] = await Promise.all([
      viaOracle.readPersons(hetus, { caller }),
      viaEmulator.readPersons(hetus, { caller }),
      viaOracleOther.readPersons(otherBatch, { caller }),
    ]);
    const fromOther = new Map(otherBatch.map((h, i) => [h, c[i]]));
    hetus.forEach((hetu, i) => {
      const where = `${hetu} (${describeCase(SEED, i)})`;
      if (a[i] instanceof AdapterError) throw new Error(`${where}: ${a[i].code} ${a[i].message}`);
      expect(a[i], where).toEqual(b[i]);
      expect(a[i], where).toEqual(byHetu.get(hetu) ?? null);
      if (fromOther.has(hetu)) expect(fromOther.get(hetu), `${where}, soap's other form`).toEqual(a[i]);
    });
    // Every query carried X-Road's fields as soap reads them (PR-MESS): who asks, which service, a fresh id, the caller.
    expect(seenHeaders).toHaveLength(hetus.length + otherBatch.length);
    const ids = new Set<unknown>();
    for (const h of seenHeaders) {
      expect(normalise(h['client'])).toEqual({ attributes: { 'id:objectType': 'SUBSYSTEM' }, ...TEST_XROAD.client });
      expect(normalise(h['service'])).toEqual({ attributes: { 'id:objectType': 'SERVICE' }, ...TEST_XROAD.service });
      expect(h['userId']).toBe(caller.userId);
      expect(h['issue']).toBe(caller.issue);
      expect(h['protocolVersion']).toBe('4.0');
      ids.add(h['id']);
    }
    expect(ids.size).toBe(seenHeaders.length);
  });

  const cases: { name: string; answer: () => Wire; expected: string | null }[] = [
    { name: 'Paluukoodi 0001 (no such person)', answer: () => ({ Paluukoodi: '0001' }), expected: null },
    { name: 'Paluukoodi 0002 (malformed code)', answer: () => ({ Paluukoodi: '0002' }), expected: 'INVALID_IDENTITY_CODE' },
    { name: 'soap:Server fault (overloaded)', answer: () => fault('soap:Server', 500), expected: 'SOURCE_UNAVAILABLE' },
    { name: 'soap:Server fault with HTTP 200', answer: () => fault('soap:Server', undefined), expected: 'SOURCE_UNAVAILABLE' },
    { name: 'soap:Client fault', answer: () => fault('soap:Client', 500), expected: 'SOURCE_ERROR' },
    { name: 'X-Road access denied', answer: () => fault('Server.ServerProxy.AccessDenied', 500), expected: 'SOURCE_ERROR' },
    { name: 'X-Road network error', answer: () => fault('Server.ClientProxy.NetworkError', 500), expected: 'SOURCE_UNAVAILABLE' },
    {
      // soap answers an exception that is no Fault with a SOAP 1.2-style fault (Code/Value, no faultcode) in the 1.1
      // envelope: nothing says the service is busy, so it is the service's error.
      name: 'a service error soap words itself',
      answer: () => {
        throw new Error('tietokanta ei vastaa');
      },
      expected: 'SOURCE_ERROR',
    },
  ];
  it.each(cases)('$name from soap’s server is read as $expected', async ({ answer, expected }) => {
    const hetu = truth[caseRandom(SEED, 2000).int(0, truth.length - 1)]!.hetu;
    special.set(hetu, answer);
    try {
      for (const adapter of [viaOracle, viaOracleOther]) {
        const [slot] = await adapter.readPersons([hetu]);
        if (expected === null) expect(slot).toBeNull();
        else {
          expect(slot).toBeInstanceOf(AdapterError);
          expect((slot as AdapterError).code).toBe(expected);
        }
      }
    } finally {
      special.delete(hetu);
    }
  });
});

/**
 * Pieces of generated text: XML's specials (soap escapes them, `&amp;` as text
 * too), quotes, `]]>`, Finnish and Swedish letters, combining marks,
 * astral characters, inner white space (no text starts or ends with white
 * space: the adapter trims texts, vtj.md has no padded values).
 */
const PIECES = [
  'a',
  'Ö',
  'å',
  'é',
  ' ',
  '  ',
  '\t',
  '\n',
  '&',
  '<',
  '>',
  '"',
  "'",
  ';',
  '-',
  '&amp;',
  '&#38;',
  ']]>',
  '<!--',
  '😀',
  '𝔘',
  '漢',
  'e\u0301',
  '\u00a0x',
];

const generatedText = (rng: Random): string => textOf(rng, PIECES);

function withGeneratedTexts(rng: Random, p: VtjPerson): VtjPerson {
  const g = (): string => generatedText(rng);
  return {
    ...p,
    surname: g(),
    firstNames: g(),
    ...(p.address && {
      address: {
        streetFi: g(),
        ...(p.address.streetSv !== undefined && { streetSv: g() }),
        postalCode: p.address.postalCode,
        cityFi: g(),
        citySv: g(),
      },
    }),
    ...(p.municipality && { municipality: { code: p.municipality.code, nameFi: g(), nameSv: g() } }),
  };
}

describe('VTJ: generated texts from soap’s server', () => {
  it('are read back by our adapter exactly as soap was given them', async () => {
    let cases = 0;
    for (const [round, adapter] of [viaOracle, viaOracleOther].entries()) {
      const persons = random(SEED + 10 + round).sample(truth, TEXT_PERSONS);
      const expected = persons.map((p, i) => withGeneratedTexts(caseRandom(SEED + 10 + round, i), p));
      for (const e of expected) overrides.set(e.hetu, e);
      try {
        const slots = await adapter.readPersons(expected.map((e) => e.hetu));
        slots.forEach((slot, i) => {
          const where = `${expected[i]!.hetu} (${describeCase(SEED + 10 + round, i, round === 0 ? 'soap’s default form' : 'soap’s other form')})`;
          expect(slot, where).toEqual(expected[i]);
          cases++;
        });
      } finally {
        overrides.clear();
      }
    }
    expect(cases).toBe(2 * Math.min(TEXT_PERSONS, truth.length));
  });
});

function fault(faultcode: string, statusCode: number | undefined): never {
  throw { Fault: { faultcode, faultstring: 'Virhe', ...(statusCode !== undefined && { statusCode }) } };
}

// ---------------------------------------------------------------------------
// Direction B: soap's client against our emulator.

type Call = (args: Wire, options?: object) => Promise<[unknown, string, unknown]>;
function query(client: soap.Client): Call {
  const fn = (client as unknown as Record<string, Call>)[`${OPERATION}Async`];
  if (typeof fn !== 'function') throw new Error(`the WSDL offers no ${OPERATION}`);
  return (args, options) => fn.call(client, args, { ...LOOPBACK_ONLY, ...options });
}

/** X-Road's header fields, written by `soap` from objects (not by our code). */
function addXRoadHeaders(client: soap.Client, messageId: string): void {
  const ids = (o: object): Wire => Object.fromEntries(Object.entries(o).map(([k, v]) => [`id:${k}`, v]));
  client.clearSoapHeaders();
  client.addSoapHeader(
    { client: { attributes: { 'xmlns:id': XROAD_ID_NS, 'id:objectType': 'SUBSYSTEM' }, ...ids(TEST_XROAD.client) } },
    'client',
    'xrd',
    XROAD_NS,
  );
  client.addSoapHeader(
    { service: { attributes: { 'xmlns:id': XROAD_ID_NS, 'id:objectType': 'SERVICE' }, ...ids(TEST_XROAD.service) } },
    'service',
    'xrd',
    XROAD_NS,
  );
  client.addSoapHeader({ id: messageId }, 'id', 'xrd', XROAD_NS);
  client.addSoapHeader({ userId: 'oracle-tester' }, 'userId', 'xrd', XROAD_NS);
  client.addSoapHeader({ protocolVersion: '4.0' }, 'protocolVersion', 'xrd', XROAD_NS);
}

describe('VTJ direction B: soap’s client against our emulator', () => {
  let client: soap.Client;
  let clientOther: soap.Client;
  beforeAll(async () => {
    const url = `${emulator.address}${VTJ_PATH}?wsdl`;
    client = await soapClient(url);
    clientOther = await soapClient(url, { envelopeKey: 'soapenv' });
  });

  it('the WSDL names the service’s namespace and operation', () => {
    expect((client.wsdl.definitions as unknown as { $targetNamespace: string }).$targetNamespace).toBe(VTJ_NS);
    expect(Object.keys(client.describe()['HenkilotietoPalvelu']['HenkilotietoPalveluPort'])).toEqual([OPERATION]);
  });

  it('parses each sampled person as the truth says, field by field, with the X-Road header echoed', async () => {
    const sample = random(SEED + 2).sample(truth, B_PERSONS);
    for (const [i, p] of sample.entries()) {
      const rng = caseRandom(SEED, i);
      const c = rng.chance(0.5) ? clientOther : client;
      const where = `${p.hetu} (${describeCase(SEED, i, c === clientOther ? 'soapenv: envelopes' : 'soap: envelopes')})`;
      const messageId = `oracle-${SEED}-${i}`;
      addXRoadHeaders(c, messageId);
      const [result, , header] = await query(c)({ Henkilotunnus: p.hetu, Tuotekoodi: 'PERUSSANOMA1' });
      expect(normalise(result), where).toEqual({ Paluukoodi: '0000', Henkilo: henkilo(p) });
      expect((header as Wire | undefined)?.['id'], `${where}: X-Road id echoed`).toBe(messageId);
    }
  });

  it('return codes: an unknown code 0001, a malformed one 0002', async () => {
    addXRoadHeaders(client, 'oracle-codes');
    const unknown = makeHetu('1957-03-04', 977);
    expect(byHetu.has(unknown)).toBe(false);
    expect(normalise((await query(client)({ Henkilotunnus: unknown, Tuotekoodi: 'PERUSSANOMA1' }))[0])).toEqual({ Paluukoodi: '0001' });
    expect(normalise((await query(client)({ Henkilotunnus: '131052-908X', Tuotekoodi: 'PERUSSANOMA1' }))[0])).toEqual({
      Paluukoodi: '0002',
    });
  });

  it('X-Road: without the header fields the emulator refuses as a security server does, and soap reads the fault', async () => {
    client.clearSoapHeaders();
    const err = await query(client)({ Henkilotunnus: truth[0]!.hetu, Tuotekoodi: 'PERUSSANOMA1' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(soapFault(err)?.faultcode).toBe('Client.MissingHeaderField');
    expect((err as { response?: { status?: number } }).response?.status).toBe(500);
  });
});
