/**
 * The emulator's index of `vtj/henkilot.xml`: each `Henkilo` element's raw
 * text by identity code, found by scanning the file (no parsed tree of the
 * whole file is kept), so a record is served exactly as stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EL } from './format.ts';

/** `{fixturesDir}/vtj/henkilot.xml`. */
export function henkilotPath(fixturesDir: string): string {
  return join(fixturesDir, 'vtj', 'henkilot.xml');
}

/**
 * Indexes the file. A `Henkilo` without a readable `Henkilotunnus` is
 * skipped; a file cut short ends the scan at the last whole record.
 */
export function loadHenkilot(fixturesDir: string): Map<string, string> {
  const xml = readFileSync(henkilotPath(fixturesDir), 'utf8');
  const index = new Map<string, string>();
  const open = `<${EL.henkilo}`;
  const close = `</${EL.henkilo}>`;
  let at = 0;
  for (;;) {
    const start = xml.indexOf(open, at);
    if (start < 0) break;
    const after = xml[start + open.length];
    // `<Henkilot` shares the prefix: only `<Henkilo>` and `<Henkilo …>` open a record.
    if (after !== '>' && after !== ' ' && after !== '\n' && after !== '\r' && after !== '\t') {
      at = start + open.length;
      continue;
    }
    const end = xml.indexOf(close, start);
    if (end < 0) break;
    const slice = xml.slice(start, end + close.length);
    at = end + close.length;
    const code = ownCode(slice);
    if (code && !index.has(code)) index.set(code, slice);
  }
  return index;
}

/** The person's own code: the first `Henkilotunnus` outside the guardian/dependant lists. */
function ownCode(henkilo: string): string | undefined {
  const own = henkilo
    .replace(/<Huoltajat[\s>][\s\S]*?<\/Huoltajat>/g, '')
    .replace(/<Huollettavat[\s>][\s\S]*?<\/Huollettavat>/g, '');
  const m = /<Henkilotunnus(?:\s[^>]*)?>\s*([^<\s]+)\s*<\/Henkilotunnus>/.exec(own);
  return m?.[1];
}
