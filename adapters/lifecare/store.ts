/**
 * The emulator's data: an instance's four fixture files, indexed by the
 * `Hetu` child of each item.
 *
 * Why items stay raw text until served: the shared safe parser reads a few
 * MB a second, so parsing a 50 000-patient instance (~170 MB) at start
 * would take a minute and gigabytes. Loading only cuts the files into item
 * slices (which share the file's string) and reads `Hetu` and `Muutettu`;
 * a request parses its few items with parseXml and re-serialises them. A
 * broken item is skipped when served, never at start.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromHelsinkiLocal } from '../core/time.ts';
import { parseXml, type XmlNode, type XmlValue } from '../core/xml.ts';
import { CHANGED_ELEMENT, FIXTURE_FILES, escapeText, splitIsoLocal, type LifecareVersion } from './format.ts';

/** One instance's data, ready to serve. */
export interface LifecareStore {
  readonly version: LifecareVersion;
  /** Raw `<Potilas>` text by code (the first one of a code wins). */
  readonly patients: ReadonlyMap<string, string>;
  /** Raw item texts by the code of their patient. */
  readonly visits: ReadonlyMap<string, readonly string[]>;
  readonly plans: ReadonlyMap<string, readonly string[]>;
  readonly fees: ReadonlyMap<string, readonly string[]>;
  /**
   * Codes sorted by `Muutettu` (then file order), for `HaeMuuttuneet`;
   * `changedAt` is epoch ms, +Infinity when absent or unreadable (such a
   * patient is listed as changed after any moment).
   */
  readonly changed: readonly { readonly hetu: string; readonly changedAt: number }[];
  /** Items without a readable `Hetu` child, or repeating a patient's code. */
  readonly skipped: number;
}

/**
 * Loads `{dir}/potilaat.xml`, `kaynnit.xml`, `suunnitelmat.xml`, `maksut.xml`.
 * A missing `potilaat.xml` is an error (wrong directory); a missing item
 * file counts as empty.
 */
export async function loadLifecareStore(dir: string, version: LifecareVersion): Promise<LifecareStore> {
  let skipped = 0;
  const patients = new Map<string, string>();
  const changed: { hetu: string; changedAt: number }[] = [];
  const potilaat = await readFile(join(dir, FIXTURE_FILES.potilaat.file), 'utf8');
  for (const raw of itemTexts(potilaat, FIXTURE_FILES.potilaat.item)) {
    const hetu = childText(raw, 'Hetu');
    if (hetu === undefined || patients.has(hetu)) {
      skipped++;
      continue;
    }
    patients.set(hetu, raw);
    const parts = splitIsoLocal(childText(raw, CHANGED_ELEMENT) ?? '');
    const local = parts ? fromHelsinkiLocal(parts) : undefined;
    changed.push({ hetu, changedAt: local?.ok ? local.epochMs : Number.POSITIVE_INFINITY });
  }
  // Stable sort keeps file order among equal times, so pages never overlap.
  changed.sort((a, b) => (a.changedAt === b.changedAt ? 0 : a.changedAt < b.changedAt ? -1 : 1));

  const index = async (file: { file: string; item: string }): Promise<Map<string, string[]>> => {
    const map = new Map<string, string[]>();
    for (const raw of itemTexts(await readOptional(join(dir, file.file)), file.item)) {
      const hetu = childText(raw, 'Hetu');
      if (hetu === undefined) {
        skipped++;
        continue;
      }
      const list = map.get(hetu);
      if (list) list.push(raw);
      else map.set(hetu, [raw]);
    }
    return map;
  };
  const visits = await index(FIXTURE_FILES.kaynnit);
  const plans = await index(FIXTURE_FILES.suunnitelmat);
  const fees = await index(FIXTURE_FILES.maksut);
  return { version, patients, visits, plans, fees, changed, skipped };
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

const ITEM_PATTERNS = new Map<string, RegExp>();

/** The raw text of every `<{item}>…</{item}>` element (any prefix) in a document. */
export function* itemTexts(doc: string, item: string): Generator<string> {
  let re = ITEM_PATTERNS.get(item);
  if (!re) {
    re = new RegExp(`<(?:[\\w.-]+:)?${item}(?=[\\s>])[^>]*>[\\s\\S]*?</(?:[\\w.-]+:)?${item}\\s*>`, 'g');
    ITEM_PATTERNS.set(item, re);
  }
  for (const m of doc.matchAll(re)) yield m[0];
}

const CHILD_PATTERNS = new Map<string, RegExp>();

/** The trimmed text of a simple child element in raw item text (for indexing only). */
function childText(raw: string, name: string): string | undefined {
  let re = CHILD_PATTERNS.get(name);
  if (!re) {
    re = new RegExp(`<(?:[\\w.-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w.-]+:)?${name}\\s*>`);
    CHILD_PATTERNS.set(name, re);
  }
  const m = re.exec(raw);
  const v = m?.[1]?.trim();
  return v ? v : undefined;
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
