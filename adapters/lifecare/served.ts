/**
 * What the emulator answers for one stored fixture item: the item as the
 * service writes it (no namespace prefixes, no attributes, text escaped,
 * `<X/>` for an empty element, the fixture-only `Muutettu` left out), and
 * the text of the one child a request filters on (`Alkuaika`, `Paivays`).
 *
 * Why two paths: the answer is defined as the safe parser's reading of the
 * item written back (`serializeElement(parseXml(item))`), but parsing each
 * served item was most of the emulator's time. Nearly every fixture item is
 * already in that written form, which a strict one-pass scan recognises;
 * then the answer is the stored text itself. Anything the scan does not
 * accept (prefixes, attributes, whitespace between elements, entities other
 * than `&amp;` `&lt;` `&gt;`, repeated or reserved names, `<X></X>`, a
 * broken item) takes the defining path.
 */
import { parseXml, text, type XmlNode, type XmlValue } from '../wire/xml.ts';
import { escapeText } from './format.ts';

/** An item's answer text, and the text of its filter child (undefined when absent or empty). */
export interface ServedItem {
  readonly xml: string;
  readonly filterText: string | undefined;
}

/** One stored item: its raw fixture text, and the parser's answer for it once worked out (null: unreadable, left out). */
export class StoredItem {
  parsed?: ServedItem | null;
  constructor(readonly raw: string) {}
}

/**
 * The answer for a stored `<{item}>`. `filterChild` names the direct child
 * whose text is returned alongside; `omit` a direct child left out of the
 * answer. Items in written form are scanned on each use (about a
 * microsecond; keeping their answers would cost the emulator tens of MB on
 * a large region); the parser's answer for the others is kept.
 */
export function servedItem(stored: StoredItem, item: string, filterChild?: string, omit?: string): ServedItem | null {
  if (stored.parsed !== undefined) return stored.parsed;
  const scanned = scanCanonical(stored.raw, item, filterChild, omit);
  if (scanned) return scanned;
  stored.parsed = viaParser(stored.raw, item, filterChild, omit);
  return stored.parsed;
}

/** The defining path: parse with the safe parser, write back. */
function viaParser(raw: string, item: string, filterChild: string | undefined, omit: string | undefined): ServedItem | null {
  const node = parseItems([raw], item)[0];
  if (!node) return null;
  return { xml: serializeElement(item, node, omit), filterText: filterChild === undefined ? undefined : text(node, filterChild) };
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const AMP = 0x26;
const MAX_SCAN_DEPTH = 16;

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

/** Names the parser refuses or treats specially (`constructor`, `toString`, …): the defining path decides. */
const RESERVED = new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

function isReserved(name: string): boolean {
  return RESERVED.has(name);
}

/** What String.prototype.trim removes (the parser trims text with it), tested on one character. */
const TRIMMED = /\s/;

interface Open {
  readonly name: string;
  readonly children: string[];
  hasText: boolean;
}

/**
 * The answer when `raw` is already in written form, else undefined (not
 * "unreadable": the caller then takes the defining path). One pass over the
 * characters, no allocation beyond the element stack.
 */
export function scanCanonical(raw: string, item: string, filterChild?: string, omit?: string): ServedItem | undefined {
  const start = `<${item}>`;
  if (!raw.startsWith(start)) return undefined;
  const stack: Open[] = [{ name: item, children: [], hasText: false }];
  let pos = start.length;
  const end = raw.length;
  let filterText: string | undefined;
  let omitFrom = -1;
  let omitTo = -1;
  while (pos < end) {
    const top = stack[stack.length - 1];
    if (!top) return undefined;
    const c = raw.charCodeAt(pos);
    if (c === LT) {
      if (raw.charCodeAt(pos + 1) === SLASH) {
        // `</name>` closing the open element, exactly.
        const close = raw.indexOf('>', pos + 2);
        if (close < 0 || raw.slice(pos + 2, close) !== top.name) return undefined;
        // `<X></X>` is written back as `<X/>`: not written form.
        if (!top.hasText && top.children.length === 0) return undefined;
        stack.pop();
        pos = close + 1;
        if (stack.length === 1 && omitFrom >= 0 && omitTo < 0 && top.name === omit) omitTo = pos;
        if (stack.length === 0 && pos !== end) return undefined;
        continue;
      }
      if (top.hasText || stack.length > MAX_SCAN_DEPTH) return undefined;
      let p = pos + 1;
      if (!isNameStart(raw.charCodeAt(p))) return undefined;
      while (isNameChar(raw.charCodeAt(p))) p++;
      const name = raw.slice(pos + 1, p);
      if (isReserved(name) || top.children.includes(name)) return undefined;
      top.children.push(name);
      const atDirectChild = stack.length === 1;
      if (atDirectChild && name === omit) omitFrom = pos;
      const after = raw.charCodeAt(p);
      if (after === SLASH && raw.charCodeAt(p + 1) === GT) {
        pos = p + 2;
        if (atDirectChild && name === omit) omitTo = pos;
        continue;
      }
      if (after !== GT) return undefined;
      stack.push({ name, children: [], hasText: false });
      pos = p + 1;
      continue;
    }
    // Text: only as the whole content of an element below the item, no space at either end, no `>` or controls, only the three escapes.
    if (top.children.length > 0 || top.hasText || stack.length === 1 || TRIMMED.test(raw[pos]!)) return undefined;
    const textEnd = raw.indexOf('<', pos);
    if (textEnd < 0 || TRIMMED.test(raw[textEnd - 1]!)) return undefined;
    let escaped = false;
    for (let i = pos; i < textEnd; i++) {
      const t = raw.charCodeAt(i);
      if (t < 0x20 || t === GT) return undefined;
      if (t === AMP) {
        if (raw.startsWith('&amp;', i)) i += 4;
        else if (raw.startsWith('&lt;', i) || raw.startsWith('&gt;', i)) i += 3;
        else return undefined;
        escaped = true;
      }
    }
    if (stack.length === 2 && top.name === filterChild) {
      const value = raw.slice(pos, textEnd);
      filterText = escaped ? value.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&') : value;
    }
    top.hasText = true;
    pos = textEnd;
  }
  if (stack.length !== 0) return undefined;
  if (omitFrom < 0) return { xml: raw, filterText };
  if (omitTo < 0) return undefined;
  const xml = raw.slice(0, omitFrom) + raw.slice(omitTo);
  // The omitted child was the only one: written back as `<item/>`, not written form.
  if (xml === `<${item}></${item}>`) return undefined;
  return { xml, filterText };
}

/**
 * Parses raw item texts with the safe parser, all together and, if that
 * fails, one by one; a broken item is left out.
 */
export function parseItems(raws: readonly string[], item: string): XmlNode[] {
  if (raws.length === 0) return [];
  const arrays = new Set([item]);
  const whole = parseXml(`<LifecareItems>${raws.join('')}</LifecareItems>`, arrays);
  if (whole.ok) {
    const list = nodes(asElement(whole.doc['LifecareItems'])?.[item]);
    if (list.length === raws.length) return list;
  }
  return raws.flatMap((raw) => {
    const r = parseXml(raw, arrays);
    return r.ok ? nodes(r.doc[item]).slice(0, 1) : [];
  });
}

function asElement(v: XmlValue | undefined): XmlNode | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

function nodes(v: XmlValue | undefined): XmlNode[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' ? ({ '#text': x } as XmlNode) : Array.isArray(x) ? {} : x));
}

/**
 * Writes a parsed element back as XML without namespace prefixes (it is
 * served inside a response element that declares the default namespace),
 * leaving out children named `omit`. Attributes are not part of this
 * interface and are dropped.
 */
export function serializeElement(name: string, value: XmlValue, omit?: string): string {
  if (typeof value === 'string') return value === '' ? `<${name}/>` : `<${name}>${escapeText(value)}</${name}>`;
  if (Array.isArray(value)) return value.map((v) => serializeElement(name, v)).join('');
  let inner = '';
  for (const key of Object.keys(value)) {
    if (key === omit || key.startsWith('@_')) continue;
    const v = value[key]!;
    inner += key === '#text' ? (typeof v === 'string' ? escapeText(v) : '') : serializeElement(key, v);
  }
  return inner === '' ? `<${name}/>` : `<${name}>${inner}</${name}>`;
}
