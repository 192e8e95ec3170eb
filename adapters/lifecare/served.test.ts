/** The emulator's quick answer for a stored item equals the parser's reading written back, or leaves the item to it. */
import { describe, expect, it } from 'vitest';
import { text } from '../wire/xml.ts';
import { StoredItem, parseItems, scanCanonical, serializeElement, servedItem } from './served.ts';

function viaParser(raw: string, item: string, filterChild?: string, omit?: string) {
  const node = parseItems([raw], item)[0];
  return node ? { xml: serializeElement(item, node, omit), filterText: filterChild ? text(node, filterChild) : undefined } : null;
}

const KAYNTI =
  '<Kaynti><KayntiId>7</KayntiId><Hetu>170580-901P</Hetu><Alkuaika>2026-10-25T03:30:00</Alkuaika><Puhelin/>' +
  '<Yksikko><Tunnus>1.2.246</Tunnus><Nimi>Åkervägen 3 &amp; 5 &lt;B&gt;</Nimi></Yksikko><Tila>VARATTU</Tila></Kaynti>';

describe('scanCanonical', () => {
  it('serves an item in written form as stored, with its filter child', () => {
    expect(scanCanonical(KAYNTI, 'Kaynti', 'Alkuaika')).toEqual({ xml: KAYNTI, filterText: '2026-10-25T03:30:00' });
    expect(scanCanonical(KAYNTI, 'Kaynti', 'Alkuaika')).toEqual(viaParser(KAYNTI, 'Kaynti', 'Alkuaika'));
  });

  it('leaves out Muutettu of a Potilas like the parser path', () => {
    const raw = '<Potilas><PotilasId>1</PotilasId><Muutettu>2026-01-01T00:00:00</Muutettu><Hetu>170580-901P</Hetu></Potilas>';
    expect(scanCanonical(raw, 'Potilas', undefined, 'Muutettu')).toEqual({
      xml: '<Potilas><PotilasId>1</PotilasId><Hetu>170580-901P</Hetu></Potilas>',
      filterText: undefined,
    });
    expect(scanCanonical(raw, 'Potilas', undefined, 'Muutettu')).toEqual(viaParser(raw, 'Potilas', undefined, 'Muutettu'));
  });

  it.each([
    ['a prefix', '<lc:Maksu><lc:Hetu>1</lc:Hetu></lc:Maksu>', 'Maksu'],
    ['an attribute', '<Maksu id="1"><Hetu>1</Hetu></Maksu>', 'Maksu'],
    ['whitespace between elements', '<Maksu>\n  <Hetu>1</Hetu>\n</Maksu>', 'Maksu'],
    ['an empty pair', '<Maksu><Selite></Selite><Hetu>1</Hetu></Maksu>', 'Maksu'],
    ['a no-break space at an end', '<Maksu><Selite>Käynti\u00a0</Selite></Maksu>', 'Maksu'],
    ['a character reference', '<Maksu><Selite>&#228;</Selite></Maksu>', 'Maksu'],
    ['a repeated child', '<Maksu><Hetu>1</Hetu><Selite>a</Selite><Hetu>2</Hetu></Maksu>', 'Maksu'],
    ['a reserved name', '<Maksu><constructor>1</constructor></Maksu>', 'Maksu'],
    ['mixed content', '<Maksu>x<Hetu>1</Hetu></Maksu>', 'Maksu'],
    ['a broken item', '<Kaynti><Tila>VARATTU</Kaynti>', 'Kaynti'],
    ['a bare ampersand', '<Potilas><Sukunimi>Rikki & co</Sukunimi></Potilas>', 'Potilas'],
  ])('leaves %s to the parser path, which servedItem then gives', (_, raw, item) => {
    expect(scanCanonical(raw, item)).toBeUndefined();
    expect(servedItem(new StoredItem(raw), item)).toEqual(viaParser(raw, item));
  });
});
