/**
 * Sosiaali Effica's wire format (effica.md): XML documents over plain HTTP
 * GET, ISO-8859-1 declared in the XML declaration, upper-case Finnish
 * element names, dates `DD.MM.YYYY`, timestamps `YYYYMMDDHHMMSS` (Helsinki
 * local), euros with a decimal comma. Shared by the emulator, the adapter
 * and the fixture writer; no canonical mapping here.
 */
import iconv from 'iconv-lite';
import { escapeXml } from '../wire/xml.ts';
import type { LocalDateTime } from '../../domain/index.ts';

export const XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>';
/** At most this many HETU per page of the changed-clients listing. */
export const PAGE_SIZE = 500;

/** `/effica/{instance}/asiakas/{hetu}` */
export function clientPath(instance: string, hetu: string): string {
  return `/effica/${instance}/asiakas/${encodeURIComponent(hetu)}`;
}

/** `/effica/{instance}/muuttuneet?alkaen={timestamp}&sivu={n}` */
export function changedPath(instance: string, alkaen: string, sivu: number): string {
  return `/effica/${instance}/muuttuneet?alkaen=${alkaen}&sivu=${sivu}`;
}

/** Error codes of a `VIRHE` document. */
export const VIRHE = { NOT_FOUND: 'EI_LOYDY', BAD_REQUEST: 'VIRHEELLINEN_PYYNTO' } as const;

/** Element names of an `ASIAKAS` document, grouped as the spec lists them. */
export const EL = {
  clients: 'ASIAKKAAT',
  client: 'ASIAKAS',
  changedAt: 'MUUTETTU',
  hetu: 'HETU',
  customerships: 'ASIAKKUUDET',
  customership: 'ASIAKKUUS',
  decisions: 'PAATOKSET',
  decision: 'PAATOS',
  plans: 'SUUNNITELMAT',
  plan: 'SUUNNITELMA',
  fees: 'MAKSUT',
  fee: 'MAKSU',
  consents: 'SUOSTUMUKSET',
  consent: 'SUOSTUMUS',
  changed: 'MUUTTUNEET',
} as const;

/** A text value as a Latin-1 system stores it: characters beyond U+00FF become `?`. */
export function latin1Safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u00ff]/.test(text) ? text.replace(/[^\u0000-\u00ff]/g, '?') : text;
}

/** One element with escaped, Latin-1-safe text. */
export function element(name: string, value: string): string {
  return `<${name}>${escapeXml(latin1Safe(value))}</${name}>`;
}

/** Encodes a document for the wire (ISO-8859-1). */
export function encodeBody(text: string): Buffer {
  return Buffer.from(latin1Safe(text), 'latin1');
}

/**
 * Decodes a body by the encoding its XML declaration names. Effica always
 * declares ISO-8859-1; a body without a declaration is read as ISO-8859-1
 * too (the spec's encoding), never as UTF-8, which would corrupt ä/ö/å.
 */
export function decodeBody(bytes: Uint8Array): { ok: true; text: string } | { ok: false; reason: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = buf.subarray(0, 200).toString('latin1');
  const decl = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  const name = (decl?.[1] ?? 'ISO-8859-1').toLowerCase();
  if (name === 'iso-8859-1' || name === 'latin1' || name === 'iso_8859-1' || name === 'l1')
    return { ok: true, text: buf.toString('latin1') };
  if (name === 'utf-8' || name === 'utf8') {
    try {
      return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(buf) };
    } catch {
      return { ok: false, reason: 'expected UTF-8 as the XML declaration says, received bytes that are not UTF-8' };
    }
  }
  if (iconv.encodingExists(name)) return { ok: true, text: iconv.decode(buf, name) };
  return { ok: false, reason: 'expected a body in ISO-8859-1, received one declaring an unknown encoding' };
}

/** `DD.MM.YYYY` → `YYYY-MM-DD` (shape only; the caller checks the calendar). */
export function efficaDateToIso(date: string): string | undefined {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(date);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : undefined;
}

/** `YYYY-MM-DD` → `DD.MM.YYYY`. */
export function isoToEfficaDate(iso: string): string {
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
}

/** `YYYYMMDDHHMMSS` → its parts (shape only), or undefined. */
export function parseTimestamp(ts: string): LocalDateTime | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(ts);
  if (!m) return undefined;
  return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! };
}

/** A local date-time as `YYYYMMDDHHMMSS`. */
export function formatTimestamp(t: LocalDateTime): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(t.year, 4)}${p(t.month)}${p(t.day)}${p(t.hour)}${p(t.minute)}${p(t.second)}`;
}

/** A `VIRHE` document. */
export function virheXml(code: string, message: string): string {
  return `${XML_DECLARATION}\n<VIRHE><KOODI>${code}</KOODI><TEKSTI>${escapeXml(message)}</TEKSTI></VIRHE>\n`;
}

/** One page of the changed-clients listing. */
export function muuttuneetXml(sivu: number, sivuja: number, hetus: readonly string[]): string {
  return `${XML_DECLARATION}\n<${EL.changed} SIVU="${sivu}" SIVUJA="${sivuja}">${hetus.map((h) => element(EL.hetu, h)).join('')}</${EL.changed}>\n`;
}

/** The HTML page the service answers with (503) while it is down. */
export const MAINTENANCE_PAGE =
  '<!DOCTYPE html>\n<html lang="fi"><head><meta charset="ISO-8859-1"><title>Huoltokatko</title></head>' +
  '<body><h1>Palvelu on tilapäisesti poissa käytöstä</h1><p>Sosiaali Effica on huoltokatkolla. Yritä myöhemmin uudelleen.</p></body></html>\n';

/** What came back over HTTP, before any reading. */
export interface EfficaHttpAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Uint8Array;
}
