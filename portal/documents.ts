/**
 * The sample portal's trusted documents: every `portal/operations/*.graphql`
 * file is one operation, named as its file, and identified by
 * `sha256:<hex of the file's exact text>` (GraphQL-over-HTTP persisted
 * documents). The browser sends only that id and the variables, never the
 * text; it finds the id in `portal/public/documents.json` (operation name →
 * documentId), written by this script so the page needs no hashing:
 *
 *   npx tsx portal/documents.ts           writes portal/public/documents.json
 *   npx tsx portal/documents.ts --check   exits 1 when the file is not up to date
 *
 * portal/documents.test.ts keeps the file equal to the operations.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the portal's operations are (one `.graphql` file per operation). */
export const OPERATIONS_DIR = fileURLToPath(new URL('./operations/', import.meta.url));
/** The manifest the page loads. */
export const MANIFEST_FILE = fileURLToPath(new URL('./public/documents.json', import.meta.url));

export interface TrustedDocument {
  /** The operation's name: the file's name without `.graphql`. */
  readonly name: string;
  /** `sha256:<hex>` of the exact text. */
  readonly documentId: string;
  readonly text: string;
}

/** `sha256:<hex>` of a document's exact text (UTF-8). */
export function documentIdOf(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** Every operation in `dir`, by file name order. */
export function loadDocuments(dir: string = OPERATIONS_DIR): TrustedDocument[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      return { name: basename(f, '.graphql'), documentId: documentIdOf(text), text };
    });
}

/** The manifest's text: `{ "<name>": "sha256:<hex>", … }`, formatted as Prettier formats it. */
export function manifestText(documents: readonly TrustedDocument[]): string {
  return `${JSON.stringify(Object.fromEntries(documents.map((d) => [d.name, d.documentId])), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = manifestText(loadDocuments());
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(MANIFEST_FILE, 'utf8');
    } catch {
      /* absent: not up to date */
    }
    if (current !== text) {
      process.stderr.write(`${MANIFEST_FILE} is not up to date: run npx tsx portal/documents.ts\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(MANIFEST_FILE, text);
    process.stdout.write(`wrote ${MANIFEST_FILE}\n`);
  }
}
