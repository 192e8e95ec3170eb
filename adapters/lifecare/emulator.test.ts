/**
 * The emulator over a real socket, spoken to with literal SOAP envelopes:
 * literal answers, filters, paging, fault modes, broken fixture records and
 * load time of a large instance.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, makeHetu } from '../../domain/index.ts';
import { type RunningEmulator } from '../emulator/faults.ts';
import { startLifecareEmulator } from './emulator.ts';
import { loadLifecareStore } from './store.ts';

const MR = 'urn:lifecare:mr2020:potilaspalvelu';
const V15 = 'urn:lifecare:v2015:potilaspalvelu';
const SOAP_OPEN = '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const SOAP_CLOSE = '</soap:Body></soap:Envelope>';

const POTILAS_901P =
  '<Potilas><PotilasId>1001</PotilasId><Hetu>170580-901P</Hetu><Sukunimi>Lindström-Aho</Sukunimi><Etunimet>Märta Åsa</Etunimet>' +
  '<Syntymaaika>1980-05-17</Syntymaaika><Sukupuoli>2</Sukupuoli><Kotikunta>638</Kotikunta><Aidinkieli>sv</Aidinkieli><Asiointikieli>sv</Asiointikieli>' +
  '<Osoite><Lahiosoite>Åkervägen 3 &amp; 5</Lahiosoite><Postinumero>06100</Postinumero><Postitoimipaikka>Borgå</Postitoimipaikka></Osoite>' +
  '<Turvakielto>false</Turvakielto>';

function fixtureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lifecare-emu-'));
  const porvoo = join(dir, 'lifecare-porvoo');
  mkdirSync(porvoo);
  writeFileSync(
    join(porvoo, 'potilaat.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Potilaat xmlns="${MR}">\n` +
      `  ${POTILAS_901P}<Muutettu>2026-02-01T10:00:00</Muutettu></Potilas>\n` +
      '  <Potilas><PotilasId>1002</PotilasId><Sukunimi>Ilman tunnusta</Sukunimi><Muutettu>2026-02-01T10:00:00</Muutettu></Potilas>\n' +
      '  <Potilas><PotilasId>1003</PotilasId><Hetu>131052-902Y</Hetu><Sukunimi>Rikki & co</Sukunimi><Muutettu>2025-06-01T12:00:00</Muutettu></Potilas>\n' +
      '  <Potilas><PotilasId>1004</PotilasId><Hetu>020516A903K</Hetu><Sukunimi>Ek</Sukunimi><Etunimet>Saga</Etunimet><Turvakielto>true</Turvakielto></Potilas>\n' +
      '</Potilaat>\n',
  );
  writeFileSync(
    join(porvoo, 'kaynnit.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Kaynnit xmlns="${MR}">\n` +
      '  <Kaynti><KayntiId>1</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>2026-01-31T23:30:00</Alkuaika><Tila>TOTEUTUNUT</Tila></Kaynti>\n' +
      '  <Kaynti><KayntiId>2</KayntiId><Alkuaika>2026-02-01T00:15:00</Alkuaika><Tila>VARATTU</Tila><Hetu>170580-901P</Hetu></Kaynti>\n' +
      '  <Kaynti><KayntiId>3</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>2026-02-02T08:00:00</Alkuaika><Tila>VARATTU</Kaynti>\n' +
      '  <Kaynti><KayntiId>4</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>2026-03-02T08:00:00</Alkuaika><Tila>PERUTTU</Tila></Kaynti>\n' +
      '  <Kaynti><KayntiId>5</KayntiId><Alkuaika>2026-03-02T08:00:00</Alkuaika></Kaynti>\n' +
      '</Kaynnit>\n',
  );
  writeFileSync(
    join(porvoo, 'maksut.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<lc:Maksut xmlns:lc="${MR}">\n` +
      '  <lc:Maksu><lc:Hetu>170580-901P</lc:Hetu><lc:LaskuId>71</lc:LaskuId><lc:Paivays>2025-12-31</lc:Paivays><lc:Summa>20,60</lc:Summa></lc:Maksu>\n' +
      '  <lc:Maksu><lc:Hetu>170580-901P</lc:Hetu><lc:LaskuId>72</lc:LaskuId><lc:Paivays>2026-01-01</lc:Paivays><lc:Summa>51,50</lc:Summa></lc:Maksu>\n' +
      '</lc:Maksut>\n',
  );
  // No suunnitelmat.xml: an absent item file is empty.
  const askola = join(dir, 'lifecare-askola');
  mkdirSync(askola);
  writeFileSync(
    join(askola, 'potilaat.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Potilaat xmlns="${V15}">\n` +
      '  <Potilas><PotilasId>7</PotilasId><Hetu>170580-901P</Hetu><Nimi>VIRTANEN Maija Liisa</Nimi><Syntymaaika>17.5.1980</Syntymaaika><Turvakielto>0</Turvakielto><Muutettu>2026-02-01T10:00:00</Muutettu></Potilas>\n' +
      '</Potilaat>\n',
  );
  writeFileSync(
    join(askola, 'kaynnit.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Kaynnit xmlns="${V15}">\n` +
      '  <Kaynti><KayntiId>1</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>31.1.2026 23:30</Alkuaika></Kaynti>\n' +
      '  <Kaynti><KayntiId>2</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>1.2.2026 0:15</Alkuaika></Kaynti>\n' +
      '</Kaynnit>\n',
  );
  writeFileSync(
    join(askola, 'suunnitelmat.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Suunnitelmat xmlns="${V15}">\n</Suunnitelmat>\n`,
  );
  writeFileSync(join(askola, 'maksut.xml'), `<?xml version="1.0" encoding="UTF-8"?>\n<Maksut xmlns="${V15}">\n</Maksut>\n`);
  return dir;
}

function request(ns: string, op: string, children: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op}Pyynto xmlns="${ns}">${children}</${op}Pyynto></soap:Body></soap:Envelope>`;
}

async function post(emu: RunningEmulator, instance: string, body: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${emu.address}/lifecare/${instance}/PotilasPalvelu`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8' },
    body,
  });
  return { status: res.status, body: await res.text() };
}

let dir: string;
let porvoo: RunningEmulator;
let askola: RunningEmulator;

beforeAll(async () => {
  dir = fixtureDir();
  porvoo = await startLifecareEmulator({ instance: 'lifecare-porvoo', fixturesDir: dir });
  askola = await startLifecareEmulator({ instance: 'lifecare-askola', fixturesDir: dir });
});
afterAll(async () => {
  await porvoo.close();
  await askola.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('answers', () => {
  it('HaePotilas: the stored Potilas without Muutettu, in a literal envelope', async () => {
    const r = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(r.status).toBe(200);
    expect(r.body).toBe(`${SOAP_OPEN}<HaePotilasVastaus xmlns="${MR}">${POTILAS_901P}</Potilas></HaePotilasVastaus>${SOAP_CLOSE}`);
  });

  it('V2015: the stored shape in the V2015 namespace', async () => {
    const r = await post(askola, 'lifecare-askola', request(V15, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(r.body).toBe(
      `${SOAP_OPEN}<HaePotilasVastaus xmlns="${V15}"><Potilas><PotilasId>7</PotilasId><Hetu>170580-901P</Hetu><Nimi>VIRTANEN Maija Liisa</Nimi>` +
        `<Syntymaaika>17.5.1980</Syntymaaika><Turvakielto>0</Turvakielto></Potilas></HaePotilasVastaus>${SOAP_CLOSE}`,
    );
  });

  it('HaeKaynnit filters on the local date of Alkuaika, inclusive; broken and code-less items are left out', async () => {
    const all = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaeKaynnit', '<Hetu>170580-901P</Hetu>'));
    expect(all.body).toBe(
      `${SOAP_OPEN}<HaeKaynnitVastaus xmlns="${MR}">` +
        '<Kaynti><KayntiId>1</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>2026-01-31T23:30:00</Alkuaika><Tila>TOTEUTUNUT</Tila></Kaynti>' +
        '<Kaynti><KayntiId>2</KayntiId><Alkuaika>2026-02-01T00:15:00</Alkuaika><Tila>VARATTU</Tila><Hetu>170580-901P</Hetu></Kaynti>' +
        '<Kaynti><KayntiId>4</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>2026-03-02T08:00:00</Alkuaika><Tila>PERUTTU</Tila></Kaynti>' +
        `</HaeKaynnitVastaus>${SOAP_CLOSE}`,
    );
    const feb = await post(
      porvoo,
      'lifecare-porvoo',
      request(MR, 'HaeKaynnit', '<Hetu>170580-901P</Hetu><Alkaen>2026-02-01</Alkaen><Asti>2026-03-02</Asti>'),
    );
    expect([...feb.body.matchAll(/<KayntiId>(\d+)<\/KayntiId>/g)].map((m) => m[1])).toEqual(['2', '4']);
    const v15 = await post(askola, 'lifecare-askola', request(V15, 'HaeKaynnit', '<Hetu>170580-901P</Hetu><Asti>31.1.2026</Asti>'));
    expect([...v15.body.matchAll(/<KayntiId>(\d+)<\/KayntiId>/g)].map((m) => m[1])).toEqual(['1']);
  });

  it('HaeMaksut filters on the year of Paivays and serves prefixed fixture items unprefixed', async () => {
    const r = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaeMaksut', '<Hetu>170580-901P</Hetu><Vuosi>2026</Vuosi>'));
    expect(r.body).toBe(
      `${SOAP_OPEN}<HaeMaksutVastaus xmlns="${MR}"><Maksu><Hetu>170580-901P</Hetu><LaskuId>72</LaskuId><Paivays>2026-01-01</Paivays><Summa>51,50</Summa></Maksu></HaeMaksutVastaus>${SOAP_CLOSE}`,
    );
  });

  it('an absent item file serves empty lists', async () => {
    const r = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaeSuunnitelmat', '<Hetu>170580-901P</Hetu>'));
    expect(r.body).toBe(`${SOAP_OPEN}<HaeSuunnitelmatVastaus xmlns="${MR}"></HaeSuunnitelmatVastaus>${SOAP_CLOSE}`);
  });

  it('serves the WSDL of the version at ?wsdl', async () => {
    const res = await fetch(`${askola.address}/lifecare/lifecare-askola/PotilasPalvelu?wsdl`);
    const wsdl = await res.text();
    expect(res.status).toBe(200);
    expect(wsdl).toContain(`targetNamespace="${V15}"`);
    expect(wsdl).toContain(`<soap:address location="${askola.address}/lifecare/lifecare-askola/PotilasPalvelu"/>`);
    for (const op of ['HaePotilas', 'HaeKaynnit', 'HaeSuunnitelmat', 'HaeMaksut', 'HaeMuuttuneet'])
      expect(wsdl).toContain(`<wsdl:operation name="${op}">`);
    expect((await fetch(`${askola.address}/lifecare/lifecare-porvoo/PotilasPalvelu?wsdl`)).status).toBe(404);
  });
});

describe('faults', () => {
  const fault = (ns: string, code: string, text: string, koodi: string): string =>
    `${SOAP_OPEN}<soap:Fault><faultcode>${code}</faultcode><faultstring>${text}</faultstring><detail><Virhe xmlns="${ns}"><Koodi>${koodi}</Koodi></Virhe></detail></soap:Fault>${SOAP_CLOSE}`;

  it('POTILAS_EI_LOYDY for an unknown patient, in HaePotilas and in lists', async () => {
    for (const op of ['HaePotilas', 'HaeKaynnit']) {
      const r = await post(porvoo, 'lifecare-porvoo', request(MR, op, '<Hetu>290248-905W</Hetu>'));
      expect(r.status).toBe(500);
      expect(r.body).toBe(fault(MR, 'soap:Client', 'Potilasta ei löydy', 'POTILAS_EI_LOYDY'));
    }
  });

  it('VIRHEELLINEN_HETU for a malformed code', async () => {
    const r = await post(askola, 'lifecare-askola', request(V15, 'HaePotilas', '<Hetu>170580-901R</Hetu>'));
    expect(r.body).toBe(fault(V15, 'soap:Client', 'Virheellinen henkilötunnus', 'VIRHEELLINEN_HETU'));
  });

  it('a stored patient the service cannot read is SISAINEN_VIRHE; the request in another namespace too', async () => {
    const broken = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>131052-902Y</Hetu>'));
    expect(broken.body).toBe(fault(MR, 'soap:Server', 'Sisäinen virhe', 'SISAINEN_VIRHE'));
    const wrongNs = await post(porvoo, 'lifecare-porvoo', request(V15, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(wrongNs.body).toBe(fault(MR, 'soap:Server', 'Tuntematon nimiavaruus', 'SISAINEN_VIRHE'));
  });

  it('overload and maintenance answer PALVELU_KIIREINEN; times runs out; requests are counted', async () => {
    const before = porvoo.faults.requests;
    porvoo.faults.set({ mode: 'overload', times: 1 });
    const busy = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(busy.body).toBe(fault(MR, 'soap:Server', 'Palvelu on kiireinen, yritä myöhemmin uudelleen', 'PALVELU_KIIREINEN'));
    porvoo.faults.set({ mode: 'maintenance' });
    const maint = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(maint.body).toBe(fault(MR, 'soap:Server', 'Palvelu on huoltokatkolla', 'PALVELU_KIIREINEN'));
    porvoo.faults.clear();
    expect((await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'))).status).toBe(200);
    expect(porvoo.faults.requests - before).toBe(3);
  });

  it('drop destroys the connection; malformed answers 200 with a truncated envelope', async () => {
    porvoo.faults.set({ mode: 'drop', times: 1 });
    await expect(post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'))).rejects.toThrow();
    porvoo.faults.set({ mode: 'malformed', times: 1 });
    const r = await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(r.status).toBe(200);
    expect(r.body.startsWith(SOAP_OPEN)).toBe(true);
    expect(r.body).not.toContain('</soap:Envelope>');
  });

  it('latency delays the answer', async () => {
    porvoo.faults.set({ latencyMs: 150 });
    const t0 = Date.now();
    await post(porvoo, 'lifecare-porvoo', request(MR, 'HaePotilas', '<Hetu>170580-901P</Hetu>'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    porvoo.faults.clear();
  });
});

describe('HaeMuuttuneet', () => {
  it('lists codes changed after the moment; unreadable Muutettu always counts as changed', async () => {
    const r = await post(
      porvoo,
      'lifecare-porvoo',
      request(MR, 'HaeMuuttuneet', '<MuuttunutJalkeen>2026-01-01T00:00:00</MuuttunutJalkeen><Sivu>1</Sivu>'),
    );
    expect(r.body).toBe(
      `${SOAP_OPEN}<HaeMuuttuneetVastaus xmlns="${MR}"><Hetu>170580-901P</Hetu><Hetu>020516A903K</Hetu><Sivuja>1</Sivuja></HaeMuuttuneetVastaus>${SOAP_CLOSE}`,
    );
    const later = await post(
      porvoo,
      'lifecare-porvoo',
      request(MR, 'HaeMuuttuneet', '<MuuttunutJalkeen>2026-02-01T10:00:00</MuuttunutJalkeen><Sivu>1</Sivu>'),
    );
    expect(later.body).toContain('<Hetu>020516A903K</Hetu><Sivuja>1</Sivuja>');
    expect(later.body).not.toContain('170580-901P');
  });

  it('pages 500 at a time over more than 500 patients', async () => {
    const big = mkdtempSync(join(tmpdir(), 'lifecare-pages-'));
    mkdirSync(join(big, 'lifecare-phhyky'));
    const codes = Array.from({ length: 1203 }, (_, i) => makeHetu(addDays('1930-01-01', i), 900 + (i % 7)));
    expect(new Set(codes).size).toBe(1203);
    const rows = codes.map(
      (h, i) =>
        `<Potilas><PotilasId>${i}</PotilasId><Hetu>${h}</Hetu><Muutettu>2026-01-01T00:00:${String(i % 60).padStart(2, '0')}</Muutettu></Potilas>\n`,
    );
    writeFileSync(join(big, 'lifecare-phhyky', 'potilaat.xml'), `<Potilaat xmlns="${MR}">\n${rows.join('')}</Potilaat>\n`);
    const emu = await startLifecareEmulator({ instance: 'lifecare-phhyky', fixturesDir: big });
    try {
      const seen: string[] = [];
      for (const sivu of [1, 2, 3, 4]) {
        const r = await post(
          emu,
          'lifecare-phhyky',
          request(MR, 'HaeMuuttuneet', `<MuuttunutJalkeen>1900-01-01T00:00:00</MuuttunutJalkeen><Sivu>${sivu}</Sivu>`),
        );
        const page = [...r.body.matchAll(/<Hetu>([^<]+)<\/Hetu>/g)].map((m) => m[1]!);
        expect(page.length).toBe([500, 500, 203, 0][sivu - 1]);
        expect(r.body).toContain('<Sivuja>3</Sivuja>');
        seen.push(...page);
      }
      expect(new Set(seen)).toEqual(new Set(codes));
      expect(seen).toHaveLength(1203);
    } finally {
      await emu.close();
      rmSync(big, { recursive: true, force: true });
    }
  });
});

describe('loading', () => {
  it('counts skipped records (no Hetu) instead of failing', async () => {
    const store = await loadLifecareStore(join(dir, 'lifecare-porvoo'), 'MR2020');
    expect([...store.patients.keys()]).toEqual(['170580-901P', '131052-902Y', '020516A903K']);
    expect(store.skipped).toBe(2);
  });

  it('loads a 50 000-patient instance in a few seconds', async () => {
    const big = mkdtempSync(join(tmpdir(), 'lifecare-big-'));
    mkdirSync(join(big, 'lifecare-porvoo'));
    const potilas = (i: number): string =>
      `  <Potilas><PotilasId>${i}</PotilasId><Hetu>${String(i).padStart(6, '0')}-9${String(i % 100).padStart(2, '0')}X</Hetu><Sukunimi>Virtanen</Sukunimi>` +
      '<Etunimet>Matti Juhani</Etunimet><Syntymaaika>1980-05-17</Syntymaaika><Sukupuoli>1</Sukupuoli><Kotikunta>638</Kotikunta><Aidinkieli>fi</Aidinkieli>' +
      '<Asiointikieli>fi</Asiointikieli><Osoite><Lahiosoite>Mannerheiminkatu 1</Lahiosoite><Postinumero>06100</Postinumero><Postitoimipaikka>Porvoo</Postitoimipaikka></Osoite>' +
      '<Turvakielto>false</Turvakielto><Muutettu>2026-02-01T10:00:00</Muutettu></Potilas>\n';
    const kaynti = (i: number, k: number): string =>
      `  <Kaynti><KayntiId>${i * 10 + k}</KayntiId><Hetu>${String(i).padStart(6, '0')}-9${String(i % 100).padStart(2, '0')}X</Hetu><Palvelualue>PTH</Palvelualue>` +
      '<Kayntityyppi>LAAK</Kayntityyppi><Yhteystapa>VO</Yhteystapa><Alkuaika>2025-10-20T09:30:00</Alkuaika><KestoMin>30</KestoMin><Yksikko><Tunnus>1.2.246.10.1234567.10.1</Tunnus>' +
      '<Nimi>Porvoon terveysasema</Nimi></Yksikko><Ammattilainen><Nimi>Eino Laine</Nimi><Nimike>Lääkäri</Nimike></Ammattilainen><Tila>TOTEUTUNUT</Tila></Kaynti>\n';
    const p: string[] = [];
    const k: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      p.push(potilas(i));
      for (let j = 0; j < 2; j++) k.push(kaynti(i, j));
    }
    writeFileSync(join(big, 'lifecare-porvoo', 'potilaat.xml'), `<Potilaat xmlns="${MR}">\n${p.join('')}</Potilaat>\n`);
    writeFileSync(join(big, 'lifecare-porvoo', 'kaynnit.xml'), `<Kaynnit xmlns="${MR}">\n${k.join('')}</Kaynnit>\n`);
    try {
      const t0 = Date.now();
      const store = await loadLifecareStore(join(big, 'lifecare-porvoo'), 'MR2020');
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(store.patients.size).toBe(50_000);
      expect(store.visits.get('000042-942X')).toHaveLength(2);
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });
});
