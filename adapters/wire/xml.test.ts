import { describe, expect, it } from 'vitest';
import { DEFAULT_XML_LIMITS, child, children, escapeXml, parseXml, text, type XmlNode, type XmlResult } from './xml.ts';

/** The document of a result that must have parsed. */
function doc(r: XmlResult): XmlNode {
  if (!r.ok) throw new Error(`expected the XML to parse, got: ${r.reason}`);
  return r.doc;
}

/** The reason of a result that must have been refused. */
function refused(r: XmlResult): string {
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  expect(r.reason.length).toBeGreaterThan(0);
  return r.reason;
}

const nested = (depth: number) => '<x>'.repeat(depth) + 'v' + '</x>'.repeat(depth);

describe('parseXml: values and names', () => {
  it('keeps values as strings (municipality 018 stays 018)', () => {
    const d = doc(
      parseXml('<Potilas><Kunta>018</Kunta><Vuosi>2026</Vuosi><Summa>20.60</Summa><Tosi>true</Tosi><Hetu>010594Y9021</Hetu></Potilas>'),
    );
    expect(d).toEqual({ Potilas: { Kunta: '018', Vuosi: '2026', Summa: '20.60', Tosi: 'true', Hetu: '010594Y9021' } });
  });

  it('keeps attribute values as strings under @_name', () => {
    const d = doc(parseXml('<a kunta="018" n="1"><b>x</b></a>'));
    expect(d).toEqual({ a: { '@_kunta': '018', '@_n': '1', b: 'x' } });
  });

  it('removes namespace prefixes from element and attribute names', () => {
    const d = doc(
      parseXml(
        '<?xml version="1.0" encoding="UTF-8"?>' +
          '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
          '<soap:Body><lc:HaePotilasVastaus xmlns:lc="urn:lifecare:mr2020:potilaspalvelu">' +
          '<lc:Potilas lc:tila="A"><lc:Kunta>638</lc:Kunta></lc:Potilas>' +
          '</lc:HaePotilasVastaus></soap:Body></soap:Envelope>',
      ),
    );
    const body = child(child(d, 'Envelope'), 'Body');
    const potilas = child(child(body, 'HaePotilasVastaus'), 'Potilas');
    expect(text(potilas, 'Kunta')).toBe('638');
    expect(potilas?.['@_tila']).toBe('A');
    expect(JSON.stringify(d)).not.toMatch(/soap:|lc:/);
  });

  it('keeps the namespace declarations readable (Lifecare clients tell MR2020 from V2015 by them)', () => {
    // xml.ts documents: "read the namespace from the @_xmlns attributes".
    const d = doc(parseXml('<HaePotilasVastaus xmlns="urn:lifecare:v2015:potilaspalvelu"><Potilas/></HaePotilasVastaus>'));
    expect(child(d, 'HaePotilasVastaus')?.['@_xmlns']).toBe('urn:lifecare:v2015:potilaspalvelu');
    const p = doc(parseXml('<lc:Potilaat xmlns:lc="urn:lifecare:mr2020:potilaspalvelu"><lc:Potilas/></lc:Potilaat>'));
    expect(JSON.stringify(p)).toContain('urn:lifecare:mr2020:potilaspalvelu');
  });

  it('skips the XML declaration and trims text', () => {
    const d = doc(parseXml('<?xml version="1.0" encoding="ISO-8859-1"?>\n<A>\n  <B>  Borgå  </B>\n</A>\n'));
    expect(d).toEqual({ A: { B: 'Borgå' } });
  });

  it('decodes the predefined entities and CDATA', () => {
    const d = doc(parseXml('<a><b>Ab &amp; Oy &lt;x&gt; &quot;q&quot; &apos;s&apos;</b><c><![CDATA[<d>018</d>]]></c></a>'));
    expect(text(child(d, 'a'), 'b')).toBe('Ab & Oy <x> "q" \'s\'');
    expect(text(child(d, 'a'), 'c')).toBe('<d>018</d>');
  });

  it('decodes numeric character references (ISO-8859-1 sources write € and š this way)', () => {
    const d = doc(parseXml('<a><b>M&#228;kinen</b><c>&#xE5;&#x160;</c><d>5&#8364;</d></a>'));
    expect(text(child(d, 'a'), 'b')).toBe('Mäkinen');
    expect(text(child(d, 'a'), 'c')).toBe('åŠ');
    expect(text(child(d, 'a'), 'd')).toBe('5€');
  });

  it('keeps ä, ö, å and Swedish text as they are', () => {
    const d = doc(parseXml('<a><fi>Lapinjärvi, Myrskylä</fi><sv>Lappträsk, Mörskom, Borgå</sv></a>'));
    expect(child(d, 'a')).toEqual({ fi: 'Lapinjärvi, Myrskylä', sv: 'Lappträsk, Mörskom, Borgå' });
  });
});

describe('parseXml: alwaysArray', () => {
  it('returns named elements as arrays even when there is one', () => {
    const d = doc(parseXml('<Kaynnit><Kaynti><Id>1</Id></Kaynti></Kaynnit>', new Set(['Kaynti'])));
    expect(d).toEqual({ Kaynnit: { Kaynti: [{ Id: '1' }] } });
  });

  it('returns repeated elements as arrays in document order', () => {
    const d = doc(
      parseXml('<K><Kaynti><Id>1</Id></Kaynti><Kaynti><Id>2</Id></Kaynti><Kaynti><Id>3</Id></Kaynti></K>', new Set(['Kaynti'])),
    );
    expect(children(child(d, 'K'), 'Kaynti').map((k) => text(k, 'Id'))).toEqual(['1', '2', '3']);
  });

  it('leaves other elements single', () => {
    const d = doc(parseXml('<K><Kaynti><Id>1</Id></Kaynti></K>'));
    expect(d).toEqual({ K: { Kaynti: { Id: '1' } } });
  });
});

describe('parseXml: hostile input', () => {
  it('refuses a DOCTYPE with an internal entity', () => {
    const reason = refused(parseXml('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>'));
    expect(reason).toMatch(/DOCTYPE/);
  });

  it('refuses an external entity (file:///etc/passwd)', () => {
    const r = parseXml('<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>');
    const reason = refused(r);
    expect(reason).toMatch(/DOCTYPE/);
    expect(reason).not.toContain('passwd');
    expect(JSON.stringify(r)).not.toContain('root:');
  });

  it('refuses an external DTD', () => {
    expect(refused(parseXml('<!DOCTYPE a SYSTEM "http://127.0.0.1:1/evil.dtd"><a/>'))).toMatch(/DOCTYPE/);
    expect(refused(parseXml('<!doctype a><a/>'))).toMatch(/DOCTYPE/);
  });

  it('refuses billion laughs quickly', () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
      Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('') +
      ']><lolz>&lol9;</lolz>';
    const started = Date.now();
    const reason = refused(parseXml(lol));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(reason).toMatch(/DOCTYPE|entity/);
  });

  it('refuses an entity declaration even without DOCTYPE', () => {
    expect(refused(parseXml('<!ENTITY e "x"><a>&e;</a>'))).toMatch(/DOCTYPE|entity/);
  });

  it('leaves an undeclared entity reference unexpanded', () => {
    const d = doc(parseXml('<a>&xxe;</a>'));
    expect(d).toEqual({ a: '&xxe;' });
  });

  it('accepts nesting up to the limit and refuses one level deeper', () => {
    const limits = { maxChars: 1_000_000, maxDepth: 3 };
    expect(parseXml(nested(3), new Set(), limits).ok).toBe(true);
    expect(refused(parseXml(nested(5), new Set(), limits))).toMatch(/nested|deep/);
    expect(refused(parseXml(nested(4), new Set(), limits))).toMatch(/nested|deep/);
  });

  it('refuses deep nesting with the default limit', () => {
    expect(DEFAULT_XML_LIMITS.maxDepth).toBe(64);
    expect(parseXml(nested(64)).ok).toBe(true);
    expect(refused(parseXml(nested(65)))).toMatch(/nested|deep/);
    expect(refused(parseXml(nested(10_000)))).toMatch(/nested|deep/);
  });

  it('refuses oversized input before parsing', () => {
    const big = `<a>${'x'.repeat(200)}</a>`;
    const reason = refused(parseXml(big, new Set(), { maxChars: 100, maxDepth: 10 }));
    expect(reason).toMatch(/at most 100 characters/);
    expect(reason).not.toContain('xxxx');
    expect(parseXml(big, new Set(), { maxChars: big.length, maxDepth: 10 }).ok).toBe(true);
  });

  it('refuses malformed XML with a reason that holds no payload', () => {
    const cases = [
      '<Potilas><Hetu>010594Y9021</Hetu>', // unclosed root
      '<Potilas><Hetu>010594Y9021</Potilas>', // mismatched tag
      '<Potilas><Hetu>010594Y9021</Hetu></Potil', // truncated
      '<Potilas><Hetu>010594Y9021</Hetu></Potilas><Toinen>x</Toinen>', // two roots
      '<Potilas Hetu="010594Y9021></Potilas>', // unterminated attribute
      '', // empty body
      'Virtanen Matti 010594Y9021', // not XML at all
    ];
    for (const xml of cases) {
      const reason = refused(parseXml(xml));
      expect(reason, xml).toMatch(/expected well-formed XML/);
      expect(reason).not.toContain('010594Y9021');
      expect(reason).not.toContain('Virtanen');
    }
  });

  it('does not let an element named __proto__ pollute Object.prototype', () => {
    const r = parseXml('<a><__proto__><polluted>yes</polluted></__proto__></a>');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    if (r.ok) {
      const a = child(r.doc, 'a');
      expect(Object.getPrototypeOf(a)).not.toHaveProperty('polluted');
    }
    const r2 = parseXml('<a><__proto__ polluted="yes"/><constructor><prototype><polluted>yes</polluted></prototype></constructor></a>');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>)['@_polluted']).toBeUndefined();
    expect(typeof r2.ok).toBe('boolean');
  });

  it('explains a refused __proto__ element truthfully (not as a nesting problem)', () => {
    const r = parseXml('<a><__proto__><polluted>yes</polluted></__proto__></a>');
    if (!r.ok) {
      expect(r.reason).not.toMatch(/nested at most/);
      expect(r.reason).not.toContain('yes');
    }
  });
});

describe('text, child, children', () => {
  const d = doc(
    parseXml(
      '<P><Nimi>Åsa</Nimi><Tyhja></Tyhja><Itse/><Attr koodi="1">arvo</Attr><AttrOnly koodi="2"/>' +
        '<Osoite><Katu>Rantatie 1</Katu></Osoite><Rivi>a</Rivi><Rivi>b</Rivi><Rivi><X>c</X></Rivi></P>',
    ),
  );
  const p = child(d, 'P');

  it('text gives the text of a child, undefined when absent or empty', () => {
    expect(text(p, 'Nimi')).toBe('Åsa');
    expect(text(p, 'Attr')).toBe('arvo');
    expect(text(p, 'Tyhja')).toBeUndefined();
    expect(text(p, 'Itse')).toBeUndefined();
    expect(text(p, 'AttrOnly')).toBeUndefined();
    expect(text(p, 'Puuttuu')).toBeUndefined();
    expect(text(p, 'Rivi')).toBeUndefined(); // repeated: not one text
    expect(text(undefined, 'Nimi')).toBeUndefined();
  });

  it('child gives an element, {} for an empty one, undefined for text or absent', () => {
    expect(child(p, 'Osoite')).toEqual({ Katu: 'Rantatie 1' });
    expect(child(p, 'Tyhja')).toEqual({});
    expect(child(p, 'Itse')).toEqual({});
    expect(child(p, 'AttrOnly')).toEqual({ '@_koodi': '2' });
    expect(child(p, 'Nimi')).toBeUndefined();
    expect(child(p, 'Puuttuu')).toBeUndefined();
    expect(child(p, 'Rivi')).toBeUndefined();
    expect(child(undefined, 'Osoite')).toBeUndefined();
  });

  it('children lists repeated, single, text-only and absent elements', () => {
    expect(children(p, 'Rivi')).toEqual([{ '#text': 'a' }, { '#text': 'b' }, { X: 'c' }]);
    expect(children(p, 'Osoite')).toEqual([{ Katu: 'Rantatie 1' }]);
    expect(children(p, 'Nimi')).toEqual([{ '#text': 'Åsa' }]);
    expect(children(p, 'Puuttuu')).toEqual([]);
    expect(children(undefined, 'Rivi')).toEqual([]);
  });
});

describe('escapeXml', () => {
  it('escapes the five special characters', () => {
    expect(escapeXml(`Ab & Oy <"Kiinteistö"> 'x'`)).toBe('Ab &amp; Oy &lt;&quot;Kiinteistö&quot;&gt; &apos;x&apos;');
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
    expect(escapeXml('Borgå')).toBe('Borgå');
    expect(escapeXml('')).toBe('');
  });

  it('round-trips through parseXml in text and attributes', () => {
    const value = `Ö & <Å> "q" 'a' ]]> &#228; &e;`;
    const d = doc(parseXml(`<a v="${escapeXml(value)}">${escapeXml(value)}</a>`));
    expect(child(d, 'a')).toEqual({ '@_v': value, '#text': value });
  });
});
