/**
 * The emulators' side of SOAP over HTTP: a request envelope in the plain form
 * clients send, read by one regular expression (anything else goes to the
 * safe parser). Only emulators use it; the client is soapHttp.ts.
 */
/** A request envelope read by `readLiteralRequest`. */
export interface LiteralRequest {
  /** The Body's one element, its local name (no prefix). */
  readonly element: string;
  /** Its own default namespace declaration. */
  readonly namespace: string;
  /** Its simple children's texts by name (an empty child is ''). */
  readonly fields: Readonly<Record<string, string>>;
}

const LITERAL_REQUEST =
  /^(?:<\?xml version="1\.0" encoding="(?:utf-8|UTF-8)"\?>)?<([A-Za-z]\w*):Envelope((?: xmlns:[A-Za-z]\w*="[^"<&]*")*)><\1:Body><([A-Za-z]\w*) xmlns="([^"<&]*)">((?:<[A-Za-z]\w*>[^<>&]*<\/[A-Za-z]\w*>)*)<\/\3><\/\1:Body><\/\1:Envelope>$/;
const LITERAL_FIELD = /<([A-Za-z]\w*)>([^<>&]*)<\/([A-Za-z]\w*)>/g;
const LITERAL_ATTRIBUTE = / xmlns:([A-Za-z]\w*)=/g;
const EDGE_SPACE = /^\s|\s$/;

/**
 * Reads a request envelope in the plain form SOAP clients send (an
 * optional XML declaration, `Envelope` and `Body` in one prefix with only
 * namespace declarations, one payload element declaring its default
 * namespace, simple children without entities or surrounding space), by
 * one regular expression instead of a parse. Undefined for anything else,
 * which the emulator then reads with the safe parser, so the answer to any
 * body is the same as the parser's reading would give. Emulator side.
 */
export function readLiteralRequest(body: string): LiteralRequest | undefined {
  const m = LITERAL_REQUEST.exec(body);
  if (!m) return undefined;
  const declared = new Set<string>();
  for (const a of m[2]!.matchAll(LITERAL_ATTRIBUTE)) {
    if (declared.has(a[1]!)) return undefined;
    declared.add(a[1]!);
  }
  const fields: Record<string, string> = {};
  for (const f of m[5]!.matchAll(LITERAL_FIELD)) {
    const name = f[1]!;
    const value = f[2]!;
    // Repeated, reserved or mismatched names and trimmable text: the parser's reading decides.
    if (name !== f[3] || Object.hasOwn(fields, name) || name === 'prototype' || name in Object.prototype || EDGE_SPACE.test(value))
      return undefined;
    fields[name] = value;
  }
  return { element: m[3]!, namespace: m[4]!, fields };
}
