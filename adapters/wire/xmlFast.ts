/**
 * A quick reader for the plain XML that SOAP services answer with, giving
 * exactly what `parseXml` (xml.ts) gives, for the mappers of Lifecare and
 * VTJ, which read hundreds of thousands of answers in one `check` (issue 5).
 *
 * Why it is safe: it accepts only a strict subset, and hands everything
 * else to `parseXml` unchanged, so hostile input (DOCTYPE and entity
 * declarations, comments, CDATA, processing instructions, unknown entities,
 * deep nesting, reserved names such as `__proto__`, oversized documents,
 * anything malformed) is refused or read by the safe parser with its own
 * reasons. The subset: an optional `<?xml version="1.0" encoding="utf-8"?>`,
 * one root element, elements with optional prefix and attributes
 * (`name="value"` without `&` or `<`, one space before each), text with only
 * `&amp;` `&lt;` `&gt;` escapes, no element with both text and child
 * elements, whitespace between elements. Line ends are normalised first
 * (CR LF and CR to LF, XML 1.0 §2.11), as the safe parser does.
 */
import { DEFAULT_XML_LIMITS, parseXml, type XmlNode, type XmlResult, type XmlValue } from './xml.ts';

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUOTE = 0x22;
const SPACE = 0x20;
const EQUALS = 0x3d;
const COLON = 0x3a;

/** Names the parser refuses or renames (prototype pollution guards): the safe parser decides. */
const RESERVED = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

const DECLARATIONS = ['<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="UTF-8"?>'];

const NO_ARRAYS: ReadonlySet<string> = new Set();

const CR_LINE_END = /\r\n?/g;

/** Deeper documents go to the safe parser (well inside its limit; SOAP answers nest a few levels). */
const MAX_QUICK_DEPTH = 32;

/**
 * Parses like `parseXml(text, alwaysArray)` (default limits): the quick
 * path for the plain subset, the safe parser for anything else.
 */
export function parseXmlFast(text: string, alwaysArray: ReadonlySet<string> = NO_ARRAYS): XmlResult {
  const doc = text.length <= DEFAULT_XML_LIMITS.maxChars ? quick(text, alwaysArray) : undefined;
  return doc ? { ok: true, doc } : parseXml(text, alwaysArray);
}

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d || c === 0x2e;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === 0x0a || c === 0x0d || c === 0x09;
}

/** One element being read: its raw name (for the closing tag), local name, attributes and content so far. */
interface Frame {
  readonly raw: string;
  readonly name: string;
  node: Record<string, XmlValue> | undefined;
  text: string | undefined;
}

/** The quick path alone: the element tree, or undefined when the text is outside the subset (tests compare it with parseXml). */
export function quick(text: string, alwaysArray: ReadonlySet<string>): XmlNode | undefined {
  // XML 1.0 §2.11: CR LF and a lone CR are read as LF, in text and attribute values alike (parseXml does the same).
  const s = text.indexOf('\r') < 0 ? text : text.replace(CR_LINE_END, '\n');
  const end = s.length;
  let pos = 0;
  for (const d of DECLARATIONS) {
    if (s.startsWith(d)) {
      pos = d.length;
      break;
    }
  }
  while (pos < end && isSpace(s.charCodeAt(pos))) pos++;
  const stack: Frame[] = [];
  let root: XmlNode | undefined;

  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c !== LT) {
      // Text up to the next tag: only inside an element.
      const next = s.indexOf('<', pos);
      if (next < 0) {
        // Trailing whitespace after the root is fine; anything else is not.
        for (let i = pos; i < end; i++) if (!isSpace(s.charCodeAt(i))) return undefined;
        pos = end;
        continue;
      }
      const top = stack[stack.length - 1];
      const trimmed = s.slice(pos, next).trim();
      if (trimmed !== '') {
        if (top === undefined || top.text !== undefined || trimmed.indexOf('>') >= 0) return undefined;
        if (top.node !== undefined && hasChildren(top.node)) return undefined;
        const decoded = trimmed.indexOf('&') >= 0 ? decode(trimmed) : trimmed;
        if (decoded === undefined) return undefined;
        top.text = decoded;
      }
      pos = next;
      continue;
    }
    const c1 = s.charCodeAt(pos + 1);
    if (c1 === SLASH) {
      const top = stack.pop();
      if (!top) return undefined;
      const close = pos + 2 + top.raw.length;
      if (!s.startsWith(top.raw, pos + 2) || s.charCodeAt(close) !== GT) return undefined;
      pos = close + 1;
      const value = valueOf(top);
      const parent = stack[stack.length - 1];
      if (parent === undefined) {
        if (root !== undefined) return undefined;
        root = { [top.name]: alwaysArray.has(top.name) ? [value] : value };
      } else {
        if (parent.text !== undefined) return undefined;
        parent.node ??= {};
        add(parent.node, top.name, value, alwaysArray);
      }
      continue;
    }
    // `<name` or `<prefix:name`, then ` attr="value"`…, then `>` or `/>`.
    let p = qnameEnd(s, pos + 1);
    if (p < 0) return undefined;
    const rawName = s.slice(pos + 1, p);
    const name = localPart(rawName);
    if (RESERVED.has(name) || stack.length >= MAX_QUICK_DEPTH || root !== undefined) return undefined;
    const parent = stack[stack.length - 1];
    if (parent?.text !== undefined) return undefined;
    let node: Record<string, XmlValue> | undefined;
    while (s.charCodeAt(p) === SPACE) {
      const a = p + 1;
      p = qnameEnd(s, a);
      if (p < 0 || s.charCodeAt(p) !== EQUALS || s.charCodeAt(p + 1) !== QUOTE) return undefined;
      const rawAttr = s.slice(a, p);
      const valueStart = p + 2;
      const valueEnd = s.indexOf('"', valueStart);
      if (valueEnd < 0) return undefined;
      const value = s.slice(valueStart, valueEnd);
      // Tabs and line ends in a value: the safe parser decides how they read.
      if (value.indexOf('&') >= 0 || value.indexOf('<') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\t') >= 0) return undefined;
      // Namespace declarations keep their name; other attributes lose their prefix.
      const local = rawAttr.startsWith('xmlns') ? rawAttr : localPart(rawAttr);
      if (RESERVED.has(local)) return undefined;
      const key = `@_${local}`;
      node ??= {};
      if (key in node) return undefined;
      node[key] = value.trim();
      p = valueEnd + 1;
    }
    if (s.charCodeAt(p) === SLASH && s.charCodeAt(p + 1) === GT) {
      pos = p + 2;
      const value: XmlValue = node ?? '';
      if (parent === undefined) {
        if (root !== undefined) return undefined;
        root = { [name]: alwaysArray.has(name) ? [value] : value };
      } else {
        parent.node ??= {};
        add(parent.node, name, value, alwaysArray);
      }
      continue;
    }
    if (s.charCodeAt(p) !== GT) return undefined;
    pos = p + 1;
    stack.push({ raw: rawName, name, node, text: undefined });
  }
  return stack.length === 0 ? root : undefined;
}

/** The end of a `name` or `prefix:name` starting at `p`, or -1 when none starts there. */
function qnameEnd(s: string, p: number): number {
  if (!isNameStart(s.charCodeAt(p))) return -1;
  p++;
  while (isNameChar(s.charCodeAt(p))) p++;
  if (s.charCodeAt(p) !== COLON) return p;
  p++;
  if (!isNameStart(s.charCodeAt(p))) return -1;
  p++;
  while (isNameChar(s.charCodeAt(p))) p++;
  return p;
}

/** `prefix:name` → `name`. */
function localPart(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** Adds a child's value. An element's own value is never an array, so an array under a name was made here: by repetition or alwaysArray. */
function add(parent: Record<string, XmlValue>, name: string, value: XmlValue, alwaysArray: ReadonlySet<string>): void {
  const existing = parent[name];
  if (existing === undefined) parent[name] = alwaysArray.has(name) ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent[name] = [existing, value];
}

function hasChildren(node: Record<string, XmlValue>): boolean {
  for (const key in node) if (!key.startsWith('@_')) return true;
  return false;
}

/** An element's value as the parser gives it: its text alone, or an object of attributes, text and children. */
function valueOf(f: Frame): XmlValue {
  if (f.node === undefined) return f.text ?? '';
  if (f.text !== undefined) f.node['#text'] = f.text;
  return f.node;
}

/** Decodes `&amp;` `&lt;` `&gt;`; undefined for any other `&`. */
function decode(t: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = t.indexOf('&'); i >= 0; i = t.indexOf('&', from)) {
    out += t.slice(from, i);
    if (t.startsWith('&amp;', i)) {
      out += '&';
      from = i + 5;
    } else if (t.startsWith('&lt;', i)) {
      out += '<';
      from = i + 4;
    } else if (t.startsWith('&gt;', i)) {
      out += '>';
      from = i + 4;
    } else return undefined;
  }
  return out + t.slice(from);
}
