/**
 * The emulator's data: an instance's four fixture files, indexed by the
 * `Hetu` child of each item.
 *
 * Why items stay raw text until served: the shared safe parser reads a few
 * MB a second, so parsing a 50 000-patient instance (~170 MB) at start
 * would take a minute and gigabytes. Loading only cuts the files into item
 * slices (which share the file's string) and reads `Hetu` and `Muutettu`.
 * A request answers with the items' texts as served.ts works them out
 * (mostly the stored text itself). A broken item is skipped when served,
 * never at start.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { fromHelsinkiLocal } from '../../domain/time.ts';
import { CHANGED_ELEMENT, FIXTURE_FILES, splitIsoLocal, type LifecareVersion } from './format.ts';
import { StoredItem } from './served.ts';

/** One instance's data, ready to serve. */
export interface LifecareStore {
  readonly version: LifecareVersion;
  /** `<Potilas>` items by code (the first one of a code wins). */
  readonly patients: ReadonlyMap<string, StoredItem>;
  /** Items by the code of their patient, in file order. */
  readonly visits: ReadonlyMap<string, readonly StoredItem[]>;
  readonly plans: ReadonlyMap<string, readonly StoredItem[]>;
  readonly fees: ReadonlyMap<string, readonly StoredItem[]>;
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
  const patients = new Map<string, StoredItem>();
  const changed: { hetu: string; changedAt: number }[] = [];
  for await (const raws of fileItemTexts(join(dir, FIXTURE_FILES.potilaat.file), FIXTURE_FILES.potilaat.item, false)) {
    for (const raw of raws) {
      const hetu = childText(raw, 'Hetu');
      if (hetu === undefined || patients.has(hetu)) {
        skipped++;
        continue;
      }
      patients.set(hetu, new StoredItem(raw));
      const parts = splitIsoLocal(childText(raw, CHANGED_ELEMENT) ?? '');
      const local = parts ? fromHelsinkiLocal(parts) : undefined;
      changed.push({ hetu, changedAt: local?.ok ? local.epochMs : Number.POSITIVE_INFINITY });
    }
  }
  // Stable sort keeps file order among equal times, so pages never overlap.
  changed.sort((a, b) => (a.changedAt === b.changedAt ? 0 : a.changedAt < b.changedAt ? -1 : 1));

  const index = async (file: { file: string; item: string }): Promise<Map<string, StoredItem[]>> => {
    const map = new Map<string, StoredItem[]>();
    for await (const raws of fileItemTexts(join(dir, file.file), file.item, true)) {
      for (const raw of raws) {
        const hetu = childText(raw, 'Hetu');
        if (hetu === undefined) {
          skipped++;
          continue;
        }
        const item = new StoredItem(raw);
        const list = map.get(hetu);
        if (list) list.push(item);
        else map.set(hetu, [item]);
      }
    }
    return map;
  };
  const visits = await index(FIXTURE_FILES.kaynnit);
  const plans = await index(FIXTURE_FILES.suunnitelmat);
  const fees = await index(FIXTURE_FILES.maksut);
  return { version, patients, visits, plans, fees, changed, skipped };
}

/** Bytes read from a fixture file at a time. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The raw text of every item of a fixture file, read a chunk at a time
 * (one list of items per chunk).
 * Why not the whole file at once: a 100 000-person region's files are
 * ~90 MB each, and the file's bytes and its decoded text side by side (plus
 * the garbage of one pass over it) set the emulator's peak memory. Items
 * are slices of the chunk texts, so the kept text is about the file's size.
 * A missing file is empty when `optional`, else an error.
 */
async function* fileItemTexts(path: string, item: string, optional: boolean): AsyncGenerator<string[]> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let carry = '';
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
      const last = bytesRead === 0;
      const text = carry + (last ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead)));
      let end = 0;
      const items: string[] = [];
      for (const m of text.matchAll(itemPattern(item))) {
        end = m.index + m[0].length;
        items.push(m[0]);
      }
      yield items;
      if (last) return;
      // An item cut by the chunk's end is matched again with the next chunk; text before the last match's end is done.
      carry = text.slice(end);
    }
  } finally {
    await file.close();
  }
}

const ITEM_PATTERNS = new Map<string, RegExp>();

function itemPattern(item: string): RegExp {
  let re = ITEM_PATTERNS.get(item);
  if (!re) {
    re = new RegExp(`<(?:[\\w.-]+:)?${item}(?=[\\s>])[^>]*>[\\s\\S]*?</(?:[\\w.-]+:)?${item}\\s*>`, 'g');
    ITEM_PATTERNS.set(item, re);
  }
  return re;
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
