/**
 * Independent oracle (issue 16): the safe parser (xml.ts, fast-xml-parser)
 * and the quick reader (xmlFast.ts) against saxes, a second, strict XML 1.0
 * parser written by other hands.
 *
 * - Seeded generated documents (prefixes and namespace declarations,
 *   attributes, text with `&amp;` `&lt;` `&gt;` `&quot;` `&apos;`, decimal and
 *   hex character references, CDATA, white space and line ends of every kind,
 *   UTF-8 or ISO-8859-1 declared and decoded as the Effica adapter decodes)
 *   read by the quick reader, the safe parser and saxes give the same values
 *   (saxes' events folded into xml.ts's tree shape: `@_` attributes without
 *   prefix but `xmlns` kept, text trimmed, repeated or always-array names as
 *   lists).
 * - Hostile inputs (DOCTYPE with internal, external and parameter entities,
 *   billion laughs, entity declarations, deep nesting, huge attributes,
 *   reserved names): every refusal of the safe parser names something saxes
 *   confirms is there (a DOCTYPE or entity declaration, nesting deeper than
 *   the limit, more characters than the limit, a reserved name, a
 *   well-formedness error), and every input it accepts saxes reads as
 *   well-formed XML with the same values.
 *
 * Found and documented (not changed; the safe side of a security check, or
 * fast-xml-parser's reading of input no source sends), each asserted below:
 * - the DOCTYPE check is textual: `<!DOCTYPE` or `<!ENTITY` inside a CDATA
 *   section or a comment is refused too, though saxes sees no declaration;
 * - white space around text inside CDATA is kept, where text outside is trimmed;
 * - the safe parser is lenient where XML 1.0 is strict, on input that expands nothing: an
 *   undeclared entity reference stays as text (or, for an HTML name, is decoded), `&#0;` and
 *   C0 control characters, `]]>` in text, `<` in an attribute value, two colons in a name;
 *   saxes refuses each (listed in a test below, so a change of either parser shows);
 * - values are trimmed before references are decoded, so a space written as `&#32;` at
 *   either end of a value stays (the generator writes spaces as themselves).
 */
import { isDeepStrictEqual } from 'node:util';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { caseRng, int, oracleCases, oracleSeed, pick, replay } from '../../test/oracle/random.ts';
import { decodeBody } from '../effica/format.ts';
import { DEFAULT_XML_LIMITS, parseXml, type XmlLimits, type XmlNode, type XmlResult, type XmlValue } from './xml.ts';
import { parseXmlFast, quick } from './xmlFast.ts';

const SEED = oracleSeed();

/** What saxes saw: the tree in xml.ts's shape (when well-formed), the first error, declarations, depth and names. */
interface SaxView {
  readonly doc: XmlNode | undefined;
  readonly error: string | undefined;
  readonly doctype: string | undefined;
  readonly depth: number;
  readonly names: ReadonlySet<string>;
  /** The texts of CDATA sections and comments (where a DOCTYPE's text may stand without being one). */
  readonly quoted: string;
}

interface Frame {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly kids: Record<string, XmlValue>;
  hasKids: boolean;
  text: string;
  /** Text inside CDATA sections, kept apart: xml.ts keeps its white space (documented above). */
  cdata: string | undefined;
}

/**
 * Reads `text` with saxes. `namespaces` false reads names as they stand: saxes' namespace
 * bookkeeping costs time by the square of the depth, too slow for 20 000 levels.
 */
function sax(text: string, alwaysArray: ReadonlySet<string>, namespaces = true): SaxView {
  const parser = namespaces ? new SaxesParser({ xmlns: true }) : (new SaxesParser({}) as unknown as SaxesParser<{ xmlns: true }>);
  let error: string | undefined;
  let doctype: string | undefined;
  let depth = 0;
  let maxDepth = 0;
  let quoted = '';
  const names = new Set<string>();
  const stack: Frame[] = [];
  let root: XmlNode | undefined;
  parser.on('error', (e) => {
    error ??= e.message;
  });
  parser.on('doctype', (d) => {
    doctype ??= d;
  });
  parser.on('comment', (c) => {
    quoted += c;
  });
  parser.on('opentag', (tag) => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    const local = tag.local ?? tag.name;
    names.add(local);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      names.add(a.local);
      attrs[a.name.startsWith('xmlns') ? `@_${a.name}` : `@_${a.local}`] = a.value.trim();
    }
    stack.push({ name: local, attrs, kids: {}, hasKids: false, text: '', cdata: undefined });
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    quoted += t;
    const top = stack[stack.length - 1];
    if (top) top.cdata = (top.cdata ?? '') + t;
  });
  parser.on('closetag', () => {
    depth--;
    const f = stack.pop();
    if (!f) return;
    // CDATA content keeps its own white space in xml.ts (documented above); text outside it is trimmed.
    const t = f.cdata !== undefined && f.text.trim() === '' ? f.cdata : (f.text + (f.cdata ?? '')).trim();
    let value: XmlValue;
    if (!f.hasKids && Object.keys(f.attrs).length === 0) value = t;
    else {
      const node: Record<string, XmlValue> = { ...f.attrs, ...f.kids };
      if (t !== '') node['#text'] = t;
      value = node;
    }
    const parent = stack[stack.length - 1];
    if (!parent) {
      // xml.ts: `alwaysArray` names elements that are always returned as arrays, the root too.
      root = { [f.name]: alwaysArray.has(f.name) ? [value] : value };
      return;
    }
    parent.hasKids = true;
    const existing = parent.kids[f.name];
    if (existing === undefined) parent.kids[f.name] = alwaysArray.has(f.name) ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else parent.kids[f.name] = [existing, value];
  });
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= (e as Error).message;
  }
  return { doc: error === undefined ? root : undefined, error, doctype, depth: maxDepth, names, quoted };
}

// ---------------------------------------------------------------------------------------------
// Generated documents

const NAMES = [
  'Potilas',
  'Kunta',
  'Hetu',
  'ASIAKAS',
  'SUKUNIMI',
  'Rivi',
  'a',
  'b',
  'Nimi',
  'Osoite',
  'Kaynti',
  'MAKSU',
  'x-y',
  'k.1',
  'n_2',
];
const ATTRS = ['koodi', 'MUUTETTU', 'tila', 'SIVU', 'n', 'v-1'];
const PREFIXES = ['soap', 'lc', 'v', 'ns1'];
const ARRAYS = ['Rivi', 'Kaynti'];
/** Characters of values: Finnish and Swedish letters, the XML specials, Latin-1 and beyond it (€, Š). */
const CHARS = [...'abcXYZ 019-.,;:/()äöåÄÖÅéü&<>"\'€Š§½'];

interface Gen {
  readonly random: () => number;
  readonly latin1: boolean;
  /** Only what the quick reader reads itself (xmlFast.ts's subset), so its path is compared too. */
  readonly plain: boolean;
  readonly prefixes: string[];
  readonly between: string;
}

function value(g: Gen, max: number): string {
  const s = Array.from({ length: int(g.random, 0, max) }, () => pick(g.random, CHARS)).join('');
  return s.replace(/\s+/g, ' ');
}

/** One character as text may write it: itself (escaped if it must be), or a decimal or hex reference. */
function writeChar(g: Gen, c: string, inAttribute: boolean): string {
  const code = c.codePointAt(0)!;
  if (g.plain) {
    if (inAttribute) return c === '&' || c === '<' || c === '"' ? '' : c;
    return c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c;
  }
  const r = g.random();
  const must = c === '&' || c === '<' || (inAttribute && c === '"');
  const beyondLatin1 = g.latin1 && code > 0xff;
  // Not a space as a reference: xml.ts trims before it decodes references, so `&#32;` at either end of a value stays (documented above).
  if ((r < 0.15 && c !== ' ') || beyondLatin1) return r < 0.07 ? `&#${code};` : `&#x${code.toString(16).toUpperCase()};`;
  if (c === '&') return '&amp;';
  if (c === '<') return '&lt;';
  if (c === '>') return r < 0.5 ? '&gt;' : '>';
  if (c === '"') return inAttribute || r < 0.5 ? '&quot;' : '"';
  if (c === "'") return r < 0.5 ? '&apos;' : "'";
  if (must) throw new Error('unreachable');
  return c;
}

function writeText(g: Gen, text: string, inAttribute: boolean): string {
  return [...text].map((c) => writeChar(g, c, inAttribute)).join('');
}

function qname(g: Gen, local: string): string {
  return g.prefixes.length > 0 && g.random() < 0.4 ? `${pick(g.random, g.prefixes)}:${local}` : local;
}

/** An element with its expected reading left to saxes; returns the markup. */
function element(g: Gen, depth: number, namespaces: string): string {
  const name = qname(g, pick(g.random, NAMES));
  const used = new Set<string>();
  let attrs = namespaces;
  for (let i = int(g.random, 0, 3); i > 0; i--) {
    const local = pick(g.random, ATTRS);
    if (used.has(local)) continue;
    used.add(local);
    const space = g.plain ? ' ' : pick(g.random, [' ', ' ', '  ', '\n  ', '\t']);
    const v = value(g, 12);
    attrs += `${space}${qname(g, local)}=${g.plain || g.random() < 0.85 ? `"${writeText(g, v, true)}"` : `'${writeText(g, v, true).replaceAll("'", '&apos;')}'`}`;
  }
  const r = g.random();
  if (r < 0.12) return `<${name}${attrs}${g.random() < 0.5 ? '/' : ' /'}>`;
  let content: string;
  if (depth >= 6 || r < 0.55) {
    const v = value(g, 20);
    const pad = (): string => pick(g.random, ['', '', ' ', '\n    ', '\r\n', '\t']);
    // CDATA holds the text as it is (no `]]>` in our values); its white space is the text's own.
    content = !g.plain && g.random() < 0.15 && v !== '' ? `<![CDATA[${v.trim()}]]>` : `${pad()}${writeText(g, v, false)}${pad()}`;
  } else {
    const kids = Array.from({ length: int(g.random, 1, 4) }, () => element(g, depth + 1, ''));
    content = g.between + kids.join(g.between) + g.between;
  }
  return `<${name}${attrs}>${content}</${name}>`;
}

function document(random: () => number): { text: string; latin1: boolean } {
  const plain = random() < 0.3;
  const latin1 = !plain && random() < 0.4;
  const prefixes = PREFIXES.filter(() => random() < 0.4);
  const between = pick(random, ['', '', '\n', '\n  ', '\r\n  ', ' ', '\t']);
  const g: Gen = { random, latin1, plain, prefixes, between };
  const declarations = plain
    ? ['', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="UTF-8"?>']
    : latin1
      ? ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<?xml version='1.0' encoding='iso-8859-1'?>"]
      : ['', '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?>'];
  let namespaces = prefixes.map((p) => ` xmlns:${p}="urn:${p}:${int(random, 1, 9)}"`).join('');
  if (random() < 0.5) namespaces += ` xmlns="urn:lifecare:${pick(random, ['mr2020', 'v2015'])}:potilaspalvelu"`;
  const decl = pick(random, declarations);
  return {
    text: `${decl}${decl === '' ? '' : pick(random, ['', '\n', '\r\n'])}${element(g, 0, namespaces)}${pick(random, ['', '\n', '\r\n'])}`,
    latin1,
  };
}

/**
 * The text as an adapter reads it: Latin-1 bytes decoded by the declaration (the Effica adapter's decodeBody), UTF-8 bytes
 * declared so decoded by it too; a UTF-8 document without an encoding declaration is read as the SOAP adapters read it
 * (`toString('utf8')`): decodeBody would read it as ISO-8859-1, the Effica spec's encoding ("Effica always declares ISO-8859-1").
 */
function throughTheWire(text: string, latin1: boolean): string {
  if (!latin1 && !/^<\?xml[^>]*encoding/.test(text)) return Buffer.from(text, 'utf8').toString('utf8');
  const bytes = latin1 ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
  const decoded = decodeBody(bytes);
  if (!decoded.ok) throw new Error(decoded.reason);
  return decoded.text;
}

function doc(r: XmlResult): XmlNode | undefined {
  return r.ok ? r.doc : undefined;
}

describe('the safe parser and the quick reader against saxes: generated documents', () => {
  it('give the same values for seeded documents (UTF-8 and ISO-8859-1, prefixes, references, CDATA, white space)', () => {
    const cases = oracleCases(2_500);
    let quickOnes = 0;
    let latin1Ones = 0;
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED, n);
      const generated = document(random);
      const text = throughTheWire(generated.text, generated.latin1);
      if (generated.latin1) latin1Ones++;
      const arrays = new Set(random() < 0.5 ? [] : ARRAYS);
      const where = `${replay(SEED, n)}: ${JSON.stringify(text.slice(0, 600))}`;
      const oracle = sax(text, arrays);
      expect(oracle.error, `${where}: saxes`).toBeUndefined();
      const safe = parseXml(text, arrays);
      expect(safe, where).toEqual({ ok: true, doc: oracle.doc });
      const fast = quick(text, arrays);
      if (fast !== undefined) {
        quickOnes++;
        expect(fast, `${where}: the quick reader`).toEqual(oracle.doc);
      }
      expect(isDeepStrictEqual(parseXmlFast(text, arrays), safe), `${where}: parseXmlFast`).toBe(true);
    }
    // Enough documents inside the quick subset and in Latin-1, or the comparison says little.
    expect(quickOnes).toBeGreaterThan(cases / 5);
    expect(latin1Ones).toBeGreaterThan(cases / 5);
  });

  it('documented: CDATA keeps its white space, text outside it is trimmed (saxes gives the text; xml.ts trims text only)', () => {
    expect(doc(parseXml('<a><![CDATA[ x ]]></a>'))).toEqual({ a: ' x ' });
    expect(doc(parseXml('<a> x </a>'))).toEqual({ a: 'x' });
    expect(sax('<a><![CDATA[ x ]]></a>', new Set()).doc).toEqual({ a: ' x ' });
  });

  it('documented: values are trimmed before references are decoded, so a space written as &#32; at an end stays', () => {
    expect(doc(parseXml('<a b="&#32;x"> &#32;y</a>'))).toEqual({ a: { '@_b': ' x', '#text': ' y' } });
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input

/** A hostile document of one of the kinds the safe parser must refuse, and the limits to read it with. */
function hostile(random: () => number): { kind: string; text: string; limits: XmlLimits } {
  const name = pick(random, ['e', 'xxe', 'lol', 'a1']);
  const root = pick(random, ['r', 'Potilas', 'soap:Envelope']);
  const decl = pick(random, ['', '<?xml version="1.0"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>\n']);
  const kind = pick(random, ['internal', 'external', 'parameter', 'laughs', 'dtd', 'entity-only', 'deep', 'huge-attribute', 'reserved']);
  const limits = DEFAULT_XML_LIMITS;
  const ns = root.includes(':') ? ' xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"' : '';
  const doctype = pick(random, ['DOCTYPE', 'DOCTYPE', 'doctype', 'DocType']);
  switch (kind) {
    case 'internal':
      return { kind, limits, text: `${decl}<!${doctype} ${root} [<!ENTITY ${name} "expanded">]><${root}${ns}>&${name};</${root}>` };
    case 'external':
      return {
        kind,
        limits,
        text: `${decl}<!${doctype} ${root} [<!ENTITY ${name} SYSTEM "${pick(random, ['file:///etc/passwd', 'http://127.0.0.1:1/x'])}">]><${root}${ns}>&${name};</${root}>`,
      };
    case 'parameter':
      return { kind, limits, text: `${decl}<!${doctype} ${root} [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]><${root}${ns}/>` };
    case 'laughs': {
      const levels = int(random, 2, 10);
      const fan = int(random, 2, 10);
      let dtd = `<!ENTITY ${name}0 "lol">`;
      for (let i = 1; i <= levels; i++) dtd += `<!ENTITY ${name}${i} "${`&${name}${i - 1};`.repeat(fan)}">`;
      return { kind, limits, text: `${decl}<!${doctype} ${root} [${dtd}]><${root}${ns}>&${name}${levels};</${root}>` };
    }
    case 'dtd':
      return { kind, limits, text: `${decl}<!${doctype} ${root} SYSTEM "http://127.0.0.1:1/evil.dtd"><${root}${ns}/>` };
    case 'entity-only':
      return { kind, limits, text: `${decl}<!ENTITY ${name} "x"><${root}${ns}>&${name};</${root}>` };
    case 'deep': {
      const depth = random() < 0.8 ? int(random, 1, 80) : Math.floor(10 ** (2 + 2.3 * random()));
      const limit = random() < 0.5 ? DEFAULT_XML_LIMITS.maxDepth : int(random, 1, 70);
      return { kind, limits: { ...DEFAULT_XML_LIMITS, maxDepth: limit }, text: `${decl}${'<O>'.repeat(depth)}v${'</O>'.repeat(depth)}` };
    }
    case 'huge-attribute': {
      // Log-uniform up to 200 000 characters: many small, a few huge (the whole file stays within seconds).
      const length = Math.floor(10 ** (5.3 * random()));
      const text = `${decl}<${root}${ns} a="${pick(random, ['x', 'ä', '&amp;', ' '])}${'y'.repeat(length)}"/>`;
      const maxChars = random() < 0.5 ? DEFAULT_XML_LIMITS.maxChars : text.length + int(random, -2, 1);
      return { kind, limits: { ...DEFAULT_XML_LIMITS, maxChars }, text };
    }
    default: {
      const reserved = pick(random, ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString']);
      const text = random() < 0.5 ? `<a><${reserved}><polluted>yes</polluted></${reserved}></a>` : `<a><b ${reserved}="yes"/></a>`;
      return { kind, limits, text: decl + text };
    }
  }
}

describe('the safe parser against saxes: hostile input', () => {
  it('every refusal names what saxes finds in the input; every acceptance is well-formed XML saxes reads the same', () => {
    const cases = oracleCases(1_500);
    const refusedBy = new Map<string, number>();
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED + 1, n);
      const { kind, text, limits } = hostile(random);
      const where = `${replay(SEED + 1, n)}: ${kind}, limits ${JSON.stringify(limits)}: ${JSON.stringify(text.slice(0, 300))}`;
      const started = performance.now();
      const safe = parseXml(text, new Set(), limits);
      expect(performance.now() - started, `${where}: took too long`).toBeLessThan(2_000);
      expect(({} as Record<string, unknown>)['polluted'], where).toBeUndefined();
      const oracle = sax(text, new Set(), kind !== 'deep');
      if (safe.ok) {
        expect(oracle.error, `${where}: accepted but saxes says`).toBeUndefined();
        // A reserved name is renamed by the parser (xml.ts: it "cannot pollute prototypes (the parser renames it)").
        if (kind !== 'reserved' && !isDeepStrictEqual(safe.doc, oracle.doc)) expect(safe.doc, where).toEqual(oracle.doc);
        expect(oracle.depth, where).toBeLessThanOrEqual(limits.maxDepth);
        expect(text.length, where).toBeLessThanOrEqual(limits.maxChars);
        continue;
      }
      const reason = safe.reason.replace(/\d+/g, 'N');
      refusedBy.set(`${kind}: ${reason}`, (refusedBy.get(`${kind}: ${reason}`) ?? 0) + 1);
      if (/DOCTYPE/.test(safe.reason)) {
        // A DOCTYPE saxes reads, or a declaration saxes cannot read as one (`<!doctype` is no XML).
        expect(oracle.doctype !== undefined || oracle.error !== undefined, `${where}: saxes saw no DOCTYPE and no error`).toBe(true);
        expect(text, where).toMatch(/<!DOCTYPE|<!ENTITY/i);
      } else if (/nested at most/.test(safe.reason)) expect(oracle.depth, where).toBeGreaterThan(limits.maxDepth);
      else if (/characters of XML/.test(safe.reason)) expect(text.length, where).toBeGreaterThan(limits.maxChars);
      else if (/safe element names/.test(safe.reason))
        expect(
          [...oracle.names].some((x) => /^(__proto__|constructor|prototype|hasOwnProperty|toString)$/.test(x)),
          where,
        ).toBe(true);
      else {
        expect(safe.reason, where).toMatch(/well-formed/);
        expect(oracle.error, `${where}: refused as malformed but saxes reads it`).toBeDefined();
      }
      // Each kind is refused for its own reason.
      const expected: Record<string, RegExp> = {
        internal: /DOCTYPE/,
        external: /DOCTYPE/,
        parameter: /DOCTYPE/,
        laughs: /DOCTYPE/,
        dtd: /DOCTYPE/,
        'entity-only': /DOCTYPE/,
        deep: /nested/,
        'huge-attribute': /characters/,
        reserved: /safe element names|well-formed/,
      };
      expect(safe.reason, where).toMatch(expected[kind]!);
    }
    // Every kind of refusal was met.
    const reasons = [...refusedBy.keys()].join('\n');
    for (const kind of ['internal', 'external', 'parameter', 'laughs', 'dtd', 'entity-only', 'deep', 'huge-attribute'])
      expect(reasons, kind).toContain(`${kind}: `);
  });

  it('documented: the DOCTYPE check is textual, so its text inside CDATA or a comment is refused though saxes sees no declaration', () => {
    for (const text of ['<a><![CDATA[<!DOCTYPE html><html/>]]></a>', '<a><!-- <!ENTITY e "x"> --></a>']) {
      expect(parseXml(text)).toMatchObject({ ok: false, reason: expect.stringMatching(/DOCTYPE/) as unknown });
      const oracle = sax(text, new Set());
      expect(oracle.error).toBeUndefined();
      expect(oracle.doctype).toBeUndefined();
      expect(oracle.quoted).toMatch(/<!DOCTYPE|<!ENTITY/);
    }
  });

  it('documented: input the safe parser reads though XML 1.0 forbids it (nothing is expanded from the document)', () => {
    const lenient: [string, XmlNode][] = [
      ['<a>&xxe;</a>', { a: '&xxe;' }],
      ['<a>&copy;</a>', { a: '©' }],
      ['<a>x&#0;</a>', { a: 'x' }],
      ['<a>\u0001</a>', { a: '\u0001' }],
      ['<a>x ]]> y</a>', { a: 'x ]]> y' }],
      ['<a b="<"/>', { a: { '@_b': '<' } }],
      ['<a:b:c/>', { c: '' }],
    ];
    for (const [text, read] of lenient) {
      expect(parseXml(text), text).toEqual({ ok: true, doc: read });
      expect(sax(text, new Set()).error, text).toBeDefined();
    }
  });
});
