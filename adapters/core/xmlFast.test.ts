/** The quick reader gives exactly parseXml's tree on its subset, and leaves everything else to parseXml. */
import { describe, expect, it } from 'vitest';
import { parseXml } from './xml.ts';
import { parseXmlFast, quick } from './xmlFast.ts';

const ENV = (inner: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;

const inSubset: [string, string, string[]][] = [
  ['a Lifecare answer', ENV('<HaePotilasVastaus xmlns="urn:lifecare:mr2020:potilaspalvelu"><Potilas><PotilasId>1</PotilasId><Sukunimi>Åberg &amp; Öhman &lt;x&gt;</Sukunimi><Puhelin/><Osoite><Lahiosoite>Kirkkotie 1</Lahiosoite></Osoite></Potilas></HaePotilasVastaus>'), []],
  ['repeated items, one and many', ENV('<HaeKaynnitVastaus xmlns="urn:x"><Kaynti><KayntiId>1</KayntiId></Kaynti><Kaynti><KayntiId>2</KayntiId></Kaynti><Kaynti><KayntiId>3</KayntiId></Kaynti></HaeKaynnitVastaus>'), []],
  ['a single item as an always-array', ENV('<V xmlns="urn:x"><Huoltajat><Huoltaja><Henkilotunnus>1</Henkilotunnus></Huoltaja></Huoltajat></V>'), ['Huoltaja']],
  ['attributes with and without prefix, text beside them', ENV('<V xmlns="urn:x" xmlns:p="urn:p"><Henkilotunnus voimassaolokoodi="1">131052-9085</Henkilotunnus><E p:a="x"/><F b="2"></F><G c=" y ">  t  </G></V>'), []],
  ['prefixed elements and pretty whitespace', '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/">\n  <S:Body>\n    <v:R xmlns:v="urn:v">\n      <v:A>1</v:A>\n      <v:B> two words </v:B>\n      <v:C>  </v:C>\n    </v:R>\n  </S:Body>\n</S:Envelope>\n', []],
  ['a fault', ENV('<soap:Fault><faultcode>soap:Client</faultcode><faultstring>Potilasta ei löydy</faultstring><detail><Virhe xmlns="urn:x"><Koodi>POTILAS_EI_LOYDY</Koodi></Virhe></detail></soap:Fault>'), []],
  ['no declaration, upper-case declaration', '<?xml version="1.0" encoding="UTF-8"?><a><b>1</b><c/><b>2</b></a>', []],
  ['an empty root', '<a/>', []],
];

const outside: [string, string][] = [
  ['DOCTYPE', `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ENV('<a>&x;</a>')}`],
  ['entity declaration after the root start', ENV('<a><!ENTITY x "y"></a>')],
  ['comment', ENV('<a><!-- c --><b>1</b></a>')],
  ['CDATA', ENV('<a><![CDATA[<b>]]></a>')],
  ['processing instruction', ENV('<a><?pi x?></a>')],
  ['other entities', ENV('<a>&quot;&#228;&auml;</a>')],
  ['__proto__', ENV('<Potilas><__proto__><isAdmin>true</isAdmin></__proto__></Potilas>')],
  ['constructor', ENV('<a><constructor>1</constructor></a>')],
  ['deep nesting', ENV(`${'<O>'.repeat(100)}${'</O>'.repeat(100)}`)],
  ['truncated', ENV('<a><b>1</b>').slice(0, 120)],
  ['mismatched', ENV('<a><b>1</c></a>')],
  ['mixed content', ENV('<a>x<b>1</b></a>')],
  ['two roots', '<a/><b/>'],
  ['text outside the root', '<a/>x'],
  ['attribute with an entity', '<a b="&amp;"/>'],
  ['duplicate attribute', '<a b="1" b="2"/>'],
  ['single-quoted attribute', "<a b='1'/>"],
  ['raw > in text', '<a>x > y</a>'],
];

describe('parseXmlFast', () => {
  it.each(inSubset)('%s: the quick path, with parseXml\'s tree', (_, xml, arrays) => {
    const set = new Set(arrays);
    const slow = parseXml(xml, set);
    expect(slow.ok).toBe(true);
    const fast = quick(xml, set);
    expect(fast).toBeDefined();
    expect(fast).toEqual(slow.ok ? slow.doc : undefined);
    expect(parseXmlFast(xml, set)).toEqual(slow);
  });

  it.each(outside)('%s: left to parseXml, same result', (_, xml) => {
    expect(quick(xml, new Set())).toBeUndefined();
    expect(parseXmlFast(xml)).toEqual(parseXml(xml));
  });

  it('refuses hostile input with the safe parser\'s reasons', () => {
    const r = parseXmlFast(`<!DOCTYPE l [<!ENTITY a "ha">]>${ENV('&a;')}`);
    expect(r).toEqual({ ok: false, reason: 'expected XML without a DOCTYPE, received a DOCTYPE or entity declaration' });
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });
});
