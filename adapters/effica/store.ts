/**
 * The emulator's index of `{instance}/asiakkaat.xml`. The file stays as raw
 * ISO-8859-1 bytes; each `ASIAKAS` is remembered as a byte range by its
 * HETU, so a client is served exactly as stored and no parsed tree of the
 * whole file is kept. In Latin-1 one character is one byte, so offsets in
 * the decoded text are offsets in the bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EL } from './format.ts';

/** One client's place in the file and its last change (`YYYYMMDDHHMMSS`). */
interface Entry {
  readonly hetu: string;
  readonly start: number;
  readonly end: number;
  readonly changed: string;
}

/** A client without a readable MUUTETTU counts as changed at the beginning of time, so a full listing names it. */
const NO_TIMESTAMP = '19000101000000';

export class ClientStore {
  private readonly byHetu = new Map<string, Entry>();
  /** Every client, by change time then code: the changed-clients listing. */
  private readonly byChange: Entry[];

  private constructor(private readonly bytes: Buffer) {
    const text = bytes.toString('latin1');
    const open = `<${EL.client}`;
    const close = `</${EL.client}>`;
    let at = 0;
    for (;;) {
      const start = text.indexOf(open, at);
      if (start < 0) break;
      const next = text[start + open.length];
      if (next !== '>' && next !== ' ' && next !== '\n' && next !== '\r' && next !== '\t') {
        at = start + open.length;
        continue;
      }
      const end = text.indexOf(close, start);
      if (end < 0) break; // a file cut short: the whole records before it are served
      at = end + close.length;
      const slice = text.slice(start, at);
      const hetu = /<HETU>\s*([^<]*?)\s*<\/HETU>/.exec(slice)?.[1];
      if (!hetu || this.byHetu.has(hetu)) continue;
      const startTag = slice.slice(0, slice.indexOf('>') + 1);
      const changed = /\sMUUTETTU\s*=\s*"(\d{14})"/.exec(startTag)?.[1] ?? NO_TIMESTAMP;
      this.byHetu.set(hetu, { hetu, start, end: at, changed });
    }
    this.byChange = [...this.byHetu.values()].sort((a, b) =>
      a.changed < b.changed ? -1 : a.changed > b.changed ? 1 : a.hetu < b.hetu ? -1 : a.hetu > b.hetu ? 1 : 0,
    );
  }

  /** Loads `{fixturesDir}/{instance}/asiakkaat.xml`. */
  static load(fixturesDir: string, instance: string): ClientStore {
    return new ClientStore(readFileSync(join(fixturesDir, instance, 'asiakkaat.xml')));
  }

  get size(): number {
    return this.byHetu.size;
  }

  /** The client's `ASIAKAS` element as stored (ISO-8859-1 bytes), or undefined. */
  client(hetu: string): Buffer | undefined {
    const e = this.byHetu.get(hetu);
    return e ? this.bytes.subarray(e.start, e.end) : undefined;
  }

  /** The codes of clients changed at or after `alkaen` (`YYYYMMDDHHMMSS`), in listing order. */
  changedSince(alkaen: string): string[] {
    let lo = 0;
    let hi = this.byChange.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.byChange[mid]!.changed < alkaen) lo = mid + 1;
      else hi = mid;
    }
    return this.byChange.slice(lo).map((e) => e.hetu);
  }
}
