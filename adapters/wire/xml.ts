/**
 * Safe XML reading for every XML-speaking source (SOAP, Effica, fixtures).
 * Hostile input is refused before parsing: no DOCTYPE (so no external or
 * expanding entities), bounded nesting, bounded size. Element named
 * `__proto__` cannot pollute prototypes (the parser renames it).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlLimits {
  /** Largest document accepted, in characters. */
  readonly maxChars: number;
  /** Deepest element nesting accepted. */
  readonly maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxChars: 64 * 1024 * 1024, maxDepth: 64 };

/** A parsed element: attributes under `@_name`, text under `#text`, children by (local) name. */
export type XmlNode = { readonly [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export type XmlResult = { readonly ok: true; readonly doc: XmlNode } | { readonly ok: false; readonly reason: string };

/**
 * Parses an XML document with entities off and limits on. Values stay
 * strings (municipality `018` must not become 18). Namespace prefixes are
 * removed from element and attribute names, except `xmlns` declarations:
 * read the namespace from the `@_xmlns` attribute. Character references
 * (`&#228;`) are decoded.
 * `alwaysArray` names elements that are always returned as arrays.
 */
export function parseXml(text: string, alwaysArray: ReadonlySet<string> = new Set(), limits: XmlLimits = DEFAULT_XML_LIMITS): XmlResult {
  if (text.length > limits.maxChars)
    return { ok: false, reason: `expected at most ${limits.maxChars} characters of XML, received ${text.length}` };
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    return { ok: false, reason: 'expected XML without a DOCTYPE, received a DOCTYPE or entity declaration' };
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true)
    return { ok: false, reason: `expected well-formed XML, received an error at line ${valid.err.line}: ${valid.err.code}` };
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    // Not removeNSPrefix: it drops xmlns declarations, and Lifecare's version is told by namespace.
    transformTagName: (name) => localName(name),
    transformAttributeName: (name) => attributeName(name),
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    // Decodes numeric character references (Latin-1 sources write € as &#8364;).
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // The parser counts its own root node as one level.
    maxNestedTags: limits.maxDepth - 1,
    isArray: (name) => alwaysArray.has(name),
  });
  try {
    return { ok: true, doc: parser.parse(text) as XmlNode };
  } catch (err) {
    const message = (err as Error).message;
    if (/nest/i.test(message)) return { ok: false, reason: `expected XML nested at most ${limits.maxDepth} deep, received deeper nesting` };
    return { ok: false, reason: `expected XML with safe element names, received one the parser refuses (${message.slice(0, 80)})` };
  }
}

/** An attribute's name without its namespace prefix (the parser may pass it with `@_` already on). */
function attributeName(name: string): string {
  const bare = name.startsWith('@_') ? name.slice(2) : name;
  if (bare.startsWith('xmlns')) return name;
  return (name.startsWith('@_') ? '@_' : '') + localName(bare);
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i === -1 ? name : name.slice(i + 1);
}

/** The text of a child element, or undefined when absent or empty. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const v = node[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (Array.isArray(v)) return undefined;
  const t = v['#text'];
  return typeof t === 'string' && t !== '' ? t : undefined;
}

/** A child element, or undefined when absent or not an element. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const v = node?.[name];
  if (v === undefined || typeof v === 'string') return v === '' ? {} : undefined;
  if (Array.isArray(v)) return undefined;
  return v;
}

/** The child elements of that name as a list (an empty or text-only element counts as one). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const v = node?.[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (typeof x === 'string' ? ({ '#text': x } as XmlNode) : Array.isArray(x) ? {} : x));
}

/** Escapes text for an XML element or attribute value. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}
