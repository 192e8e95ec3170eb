/**
 * The emulator's index of `vtj/henkilot.xml`: each `Henkilo` element's raw
 * text by identity code, found by scanning the file (no parsed tree of the
 * whole file is kept), so a record is served exactly as stored.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { EL } from './format.ts';

/** `{fixturesDir}/vtj/henkilot.xml`. */
export function henkilotPath(fixturesDir: string): string {
  return join(fixturesDir, 'vtj', 'henkilot.xml');
}

/** Bytes read at a time: the file is read in chunks, so its bytes and its whole text are never in memory side by side. */
const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Indexes the file. A `Henkilo` without a readable `Henkilotunnus` is
 * skipped; a file cut short ends the scan at the last whole record.
 */
export function loadHenkilot(fixturesDir: string): Map<string, string> {
  const index = new Map<string, string>();
  const open = `<${EL.henkilo}`;
  const close = `</${EL.henkilo}>`;
  const fd = openSync(henkilotPath(fixturesDir), 'r');
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let carry = '';
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      const last = bytesRead === 0;
      const xml = carry + (last ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead)));
      let at = 0;
      // Text from `rest` on is not done yet: an unclosed record, or the end of the chunk.
      let rest = -1;
      while (rest < 0) {
        const start = xml.indexOf(open, at);
        if (start < 0) {
          // Keep a possibly cut `<Henkilo` at the end for the next chunk.
          rest = Math.max(at, xml.length - open.length);
          break;
        }
        const after = xml[start + open.length];
        if (after === undefined) {
          rest = start;
          break;
        }
        // `<Henkilot` shares the prefix: only `<Henkilo>` and `<Henkilo …>` open a record.
        if (after !== '>' && after !== ' ' && after !== '\n' && after !== '\r' && after !== '\t') {
          at = start + open.length;
          continue;
        }
        const end = xml.indexOf(close, start);
        if (end < 0) {
          rest = start;
          break;
        }
        const slice = xml.slice(start, end + close.length);
        at = end + close.length;
        const code = ownCode(slice);
        if (code && !index.has(code)) index.set(code, slice);
      }
      if (last) break;
      carry = xml.slice(rest);
    }
  } finally {
    closeSync(fd);
  }
  return index;
}

const OWN_CODE = /<Henkilotunnus(?:\s[^>]*)?>\s*([^<\s]+)\s*<\/Henkilotunnus>/;

/** The person's own code: the first `Henkilotunnus` outside the guardian/dependant lists. */
function ownCode(henkilo: string): string | undefined {
  const m = OWN_CODE.exec(henkilo);
  // Why: the service writes the person's own code first; a code wholly before any list is the answer without copying the record.
  const lists = henkilo.indexOf('<Huol');
  if (m && (lists < 0 || m.index + m[0].length <= lists)) return m[1];
  const own = henkilo.replace(/<Huoltajat[\s>][\s\S]*?<\/Huoltajat>/g, '').replace(/<Huollettavat[\s>][\s\S]*?<\/Huollettavat>/g, '');
  return OWN_CODE.exec(own)?.[1];
}
