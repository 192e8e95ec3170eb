import { describe, expect, it } from 'vitest';
import { readVtjAnswer } from './map.ts';
import type { VtjHttpAnswer } from './format.ts';

const HETU = '131052-9085';
const GUARDIAN = '020384-913U';
const CHILD = '020516A934K';

function ok(body: string, status = 200, contentType = 'text/xml; charset=utf-8'): VtjHttpAnswer {
  return { status, contentType, body: new TextEncoder().encode(body) };
}

function envelope(inner: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
    `<VTJHenkiloVastaussanoma xmlns="urn:vtj:henkilotietokysely:1">${inner}</VTJHenkiloVastaussanoma></soap:Body></soap:Envelope>`
  );
}

const FULL_HENKILO =
  '<Henkilo>' +
  `<Henkilotunnus voimassaolokoodi="1">${HETU}</Henkilotunnus>` +
  '<NykyinenSukunimi><Sukunimi>Åkerlund-Mäkinen</Sukunimi></NykyinenSukunimi>' +
  '<NykyisetEtunimet><Etunimet>Sören Öljy</Etunimet></NykyisetEtunimet>' +
  '<VakinainenKotimainenLahiosoite><LahiosoiteS>Mannerheiminkatu 3 A 4</LahiosoiteS><LahiosoiteR>Mannerheimgatan 3 A 4</LahiosoiteR>' +
  '<Postinumero>06100</Postinumero><PostitoimipaikkaS>Porvoo</PostitoimipaikkaS><PostitoimipaikkaR>Borgå</PostitoimipaikkaR></VakinainenKotimainenLahiosoite>' +
  '<Kotikunta><Kuntanumero>018</Kuntanumero><KuntaS>Askola</KuntaS><KuntaR>Askola</KuntaR></Kotikunta>' +
  '<Aidinkieli><Kielikoodi>sv</Kielikoodi></Aidinkieli>' +
  '<Turvakielto><TurvakieltoTieto>1</TurvakieltoTieto></Turvakielto>' +
  '<Kuolintiedot><Kuolinpvm>20250330</Kuolinpvm></Kuolintiedot>' +
  `<Huoltajat><Huoltaja><Henkilotunnus>${GUARDIAN}</Henkilotunnus></Huoltaja></Huoltajat>` +
  `<Huollettavat><Huollettava><Henkilotunnus>${CHILD}</Henkilotunnus></Huollettava><Huollettava><Henkilotunnus>210712A947U</Henkilotunnus></Huollettava></Huollettavat>` +
  '</Henkilo>';

describe('readVtjAnswer: found persons', () => {
  it('maps every field of a Henkilo (Paluukoodi 0000)', () => {
    const r = readVtjAnswer(ok(envelope(`<Paluukoodi>0000</Paluukoodi>${FULL_HENKILO}`)), HETU);
    expect(r).toEqual({
      kind: 'found',
      person: {
        hetu: HETU,
        hetuInForce: true,
        surname: 'Åkerlund-Mäkinen',
        firstNames: 'Sören Öljy',
        address: {
          streetFi: 'Mannerheiminkatu 3 A 4',
          streetSv: 'Mannerheimgatan 3 A 4',
          postalCode: '06100',
          cityFi: 'Porvoo',
          citySv: 'Borgå',
        },
        municipality: { code: '018', nameFi: 'Askola', nameSv: 'Askola' },
        language: 'sv',
        turvakielto: true,
        deathDate: '2025-03-30',
        guardians: [GUARDIAN],
        dependants: [CHILD, '210712A947U'],
      },
    });
  });

  it('omits streetSv and citySv when LahiosoiteR and PostitoimipaikkaR are empty, keeps municipality 018 a string', () => {
    const henkilo =
      `<Henkilo><Henkilotunnus voimassaolokoodi="1">${HETU}</Henkilotunnus><NykyinenSukunimi><Sukunimi>Virtanen</Sukunimi></NykyinenSukunimi>` +
      '<NykyisetEtunimet><Etunimet>Aino</Etunimet></NykyisetEtunimet>' +
      '<VakinainenKotimainenLahiosoite><LahiosoiteS>Kirkkotie 1</LahiosoiteS><LahiosoiteR></LahiosoiteR><Postinumero>07500</Postinumero>' +
      '<PostitoimipaikkaS>Askola</PostitoimipaikkaS><PostitoimipaikkaR/></VakinainenKotimainenLahiosoite>' +
      '<Kotikunta><Kuntanumero>018</Kuntanumero><KuntaS>Askola</KuntaS><KuntaR>Askola</KuntaR></Kotikunta>' +
      '<Turvakielto><TurvakieltoTieto>0</TurvakieltoTieto></Turvakielto></Henkilo>';
    const r = readVtjAnswer(ok(envelope(`<Paluukoodi>0000</Paluukoodi>${henkilo}`)), HETU);
    expect(r).toEqual({
      kind: 'found',
      person: {
        hetu: HETU,
        hetuInForce: true,
        surname: 'Virtanen',
        firstNames: 'Aino',
        address: { streetFi: 'Kirkkotie 1', postalCode: '07500', cityFi: 'Askola' },
        municipality: { code: '018', nameFi: 'Askola', nameSv: 'Askola' },
        turvakielto: false,
        guardians: [],
        dependants: [],
      },
    });
    if (r.kind === 'found') {
      expect('streetSv' in r.person.address!).toBe(false);
      expect('deathDate' in r.person).toBe(false);
      expect('language' in r.person).toBe(false);
    }
  });

  it('reads voimassaolokoodi 0 as a retired code', () => {
    const henkilo = `<Henkilo><Henkilotunnus voimassaolokoodi="0">${HETU}</Henkilotunnus><NykyinenSukunimi><Sukunimi>Virtanen</Sukunimi></NykyinenSukunimi><Turvakielto><TurvakieltoTieto>0</TurvakieltoTieto></Turvakielto></Henkilo>`;
    const r = readVtjAnswer(ok(envelope(`<Paluukoodi>0000</Paluukoodi>${henkilo}`)), HETU);
    expect(r.kind === 'found' && r.person.hetuInForce).toBe(false);
  });

  it('reads a Henkilo in a prefixed namespace the same way', () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><v:VTJHenkiloVastaussanoma xmlns:v="urn:vtj:henkilotietokysely:1">' +
      `<v:Paluukoodi>0000</v:Paluukoodi><v:Henkilo><v:Henkilotunnus voimassaolokoodi="1">${HETU}</v:Henkilotunnus><v:NykyinenSukunimi><v:Sukunimi>Virtanen</v:Sukunimi></v:NykyinenSukunimi></v:Henkilo>` +
      '</v:VTJHenkiloVastaussanoma></S:Body></S:Envelope>';
    const r = readVtjAnswer(ok(body), HETU);
    expect(r.kind === 'found' && r.person.surname).toBe('Virtanen');
  });
});

describe('readVtjAnswer: return codes and faults', () => {
  it('Paluukoodi 0001 is "no such person"', () => {
    expect(readVtjAnswer(ok(envelope('<Paluukoodi>0001</Paluukoodi>')), HETU)).toEqual({ kind: 'notFound' });
  });

  it('Paluukoodi 0002 is an invalid identity code', () => {
    const r = readVtjAnswer(ok(envelope('<Paluukoodi>0002</Paluukoodi>')), HETU);
    expect(r).toMatchObject({ kind: 'error', code: 'INVALID_IDENTITY_CODE' });
  });

  it('an unknown Paluukoodi is a malformed response', () => {
    expect(readVtjAnswer(ok(envelope('<Paluukoodi>0099</Paluukoodi>')), HETU)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a soap:Server fault (overload, maintenance) is SOURCE_UNAVAILABLE', () => {
    const fault =
      '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
      '<faultcode>soap:Server</faultcode><faultstring>Palvelussa on huoltokatko</faultstring></soap:Fault></soap:Body></soap:Envelope>';
    expect(readVtjAnswer(ok(fault, 500), HETU)).toMatchObject({ kind: 'error', code: 'SOURCE_UNAVAILABLE' });
  });

  it('a soap:Client fault is SOURCE_ERROR', () => {
    const fault =
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>' +
      '<faultcode>soap:Client</faultcode><faultstring>Tuntematon tuotekoodi</faultstring></soap:Fault></soap:Body></soap:Envelope>';
    expect(readVtjAnswer(ok(fault, 500), HETU)).toMatchObject({ kind: 'error', code: 'SOURCE_ERROR' });
  });

  it('an HTML 503 page from a gateway is SOURCE_UNAVAILABLE, not a parse error', () => {
    const r = readVtjAnswer(ok('<html><body><h1>Service Unavailable</h1><br></body></html>', 503, 'text/html'), HETU);
    expect(r).toMatchObject({ kind: 'error', code: 'SOURCE_UNAVAILABLE' });
  });

  it('the Henkilo of another code than the one asked is refused', () => {
    const r = readVtjAnswer(ok(envelope(`<Paluukoodi>0000</Paluukoodi>${FULL_HENKILO}`)), GUARDIAN);
    expect(r).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a Kuolinpvm that is not YYYYMMDD makes the record malformed, without personal data in the reason', () => {
    const bad = FULL_HENKILO.replace('20250330', '30.03.2025');
    const r = readVtjAnswer(ok(envelope(`<Paluukoodi>0000</Paluukoodi>${bad}`)), HETU);
    expect(r).toEqual({
      kind: 'error',
      code: 'MALFORMED_RECORD',
      reason: 'expected Kuolinpvm as YYYYMMDD, received a value of another form',
    });
  });

  it('a Henkilo without a surname is a malformed record', () => {
    const bad = FULL_HENKILO.replace('<NykyinenSukunimi><Sukunimi>Åkerlund-Mäkinen</Sukunimi></NykyinenSukunimi>', '');
    expect(readVtjAnswer(ok(envelope(`<Paluukoodi>0000</Paluukoodi>${bad}`)), HETU)).toMatchObject({ code: 'MALFORMED_RECORD' });
  });
});

describe('readVtjAnswer: hostile and broken input', () => {
  const malformed = (body: string | Uint8Array) =>
    readVtjAnswer({ status: 200, contentType: 'text/xml', body: typeof body === 'string' ? new TextEncoder().encode(body) : body }, HETU);

  it('a truncated envelope', () => {
    const full = envelope(`<Paluukoodi>0000</Paluukoodi>${FULL_HENKILO}`);
    expect(malformed(full.slice(0, 300))).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('bytes that are not UTF-8 (a Latin-1 body)', () => {
    const latin1 = Buffer.from(envelope(`<Paluukoodi>0000</Paluukoodi>${FULL_HENKILO}`), 'latin1');
    expect(malformed(latin1)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a DOCTYPE with an external entity', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${envelope('<Paluukoodi>&xxe;</Paluukoodi>').replace(/^<\?xml[^>]*>/, '')}`;
    const r = malformed(xxe);
    expect(r).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('entity expansion (billion laughs)', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      envelope('<Paluukoodi>&lol3;</Paluukoodi>').replace(/^<\?xml[^>]*>/, '');
    expect(malformed(lol)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('deep nesting', () => {
    const deep = envelope(`<Paluukoodi>0000</Paluukoodi>${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}`);
    expect(malformed(deep)).toMatchObject({ kind: 'error', code: 'MALFORMED_RESPONSE' });
  });

  it('a __proto__ element neither crashes nor pollutes prototypes', () => {
    const body = envelope(`<Paluukoodi>0000</Paluukoodi><Henkilo><__proto__><polluted>yes</polluted></__proto__>${FULL_HENKILO.slice(9)}`);
    const r = malformed(body);
    expect(r.kind).toBe('error');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an empty body and a JSON body', () => {
    expect(malformed('')).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(malformed('{"Paluukoodi":"0000"}')).toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });
});
