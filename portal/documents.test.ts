/**
 * The portal's trusted documents: one named query per file, named as its
 * file; the manifest the page loads (portal/public/documents.json) equal to
 * their hashes; every one used by the page and valid against the region's
 * API, schema/api.graphql.
 */
import { readFileSync } from 'node:fs';
import { Kind, buildSchema, parse, validate } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MANIFEST_FILE, documentIdOf, loadDocuments, manifestText } from './documents.ts';

const documents = loadDocuments();
const API_SDL = readFileSync(new URL('../schema/api.graphql', import.meta.url), 'utf8');
const apiSchema = buildSchema(API_SDL);

function errorsAgainst(schema: GraphQLSchema): string[] {
  return documents.flatMap((d) => validate(schema, parse(d.text)).map((e) => `${d.name}: ${e.message}`));
}

describe('the portal’s trusted documents', () => {
  it('are one named query per file, named as the file', () => {
    expect(documents.map((d) => d.name)).toEqual([
      'PortalAppointments',
      'PortalChildren',
      'PortalCodeLists',
      'PortalDataReads',
      'PortalFees',
    ]);
    for (const d of documents) {
      const definitions = parse(d.text).definitions;
      expect(definitions).toHaveLength(1);
      const [op] = definitions;
      expect(op?.kind).toBe(Kind.OPERATION_DEFINITION);
      expect(op?.kind === Kind.OPERATION_DEFINITION && op.operation).toBe('query');
      expect(op?.kind === Kind.OPERATION_DEFINITION && op.name?.value).toBe(d.name);
    }
  });

  it('are listed in portal/public/documents.json by the sha256 of their exact text (npx tsx portal/documents.ts)', () => {
    expect(readFileSync(MANIFEST_FILE, 'utf8')).toBe(manifestText(documents));
    for (const d of documents) expect(d.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // SHA-256's test vector (FIPS 180-2): the id is the hash of the text, hex, lower case.
    expect(documentIdOf('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('are each run by the page, which runs no other', () => {
    const app = readFileSync(new URL('./public/app.js', import.meta.url), 'utf8');
    const used = new Set([...app.matchAll(/run\('(\w+)'/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(documents.map((d) => d.name).sort());
  });

  it('are valid against the region’s API (schema/api.graphql)', () => {
    expect(errorsAgainst(apiSchema)).toEqual([]);
  });
});
