/**
 * Fast PGlite start-up. Creating an in-memory PGlite runs initdb, which takes
 * seconds (more on a busy machine); starting from a dump of a freshly
 * initialised data directory takes a fraction of that. The dump is made once
 * per PGlite version, kept in the OS temp directory (written atomically) and
 * in memory; any problem with it falls back to a plain start.
 */
import { readFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

function pgliteVersion(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const CACHE_FILE = join(tmpdir(), `proconsona-pglite-${pgliteVersion()}.tar`);
let memo: Promise<Blob> | undefined;

async function template(): Promise<Blob> {
  try {
    return new Blob([await readFile(CACHE_FILE)]);
  } catch {
    const db = await PGlite.create();
    const blob = await db.dumpDataDir('none');
    await db.close();
    const partial = `${CACHE_FILE}.${process.pid}.${Date.now()}`;
    try {
      await writeFile(partial, Buffer.from(await blob.arrayBuffer()));
      await rename(partial, CACHE_FILE);
    } catch {
      await rm(partial, { force: true });
    }
    return blob;
  }
}

/** A new, empty in-memory PGlite. */
export async function createPglite(): Promise<PGlite> {
  try {
    memo ??= template();
    return await PGlite.create({ loadDataDir: await memo });
  } catch {
    // A damaged cached dump: forget it and start the slow way.
    memo = undefined;
    await rm(CACHE_FILE, { force: true });
    return PGlite.create();
  }
}
