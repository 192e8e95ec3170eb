/**
 * Trusted documents: the registry from .graphql files, and each mode
 * through the gateway (POST and GET, documentId and Apollo's sha256Hash).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../server.ts';
import { captureLogger, composeSupergraph } from '../testSupport.ts';
import type { TestSubgraph } from '../testSupport.ts';
import { startCountingSubgraphs, subgraphCalls } from '../hardening/testSupport.ts';
import { DEFAULT_TRUSTED_DOCUMENTS_DIR } from '../config.ts';
import { TrustedDocumentsError, documentIdOf, loadTrustedDocuments } from './documents.ts';
import type { TrustedDocumentMode } from './documents.ts';

/** A registered operation, exactly as its file holds it (the trailing newline is part of what is hashed). */
const PERSON = 'query Person($id: ID!) {\n  person(id: $id) {\n    name\n  }\n}\n';
const PERSON_ID = `sha256:${createHash('sha256').update(PERSON).digest('hex')}`;
const TOUCH = 'mutation Touch {\n  touch(id: "1")\n}\n';
const FREE = '{ person(id: "2") { name } }';
const UNKNOWN_ID = `sha256:${'0'.repeat(64)}`;

let dir: string;
let subgraphs: TestSubgraph[];
const apps = new Map<TrustedDocumentMode, FastifyInstance>();
let logLines: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trusted-'));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'Person.graphql'), PERSON);
  writeFileSync(join(dir, 'nested', 'Touch.graphql'), TOUCH);
  writeFileSync(join(dir, 'notes.txt'), 'not a document');
  subgraphs = await startCountingSubgraphs();
  const supergraphSdl = composeSupergraph(subgraphs);
  for (const mode of ['off', 'allow', 'only'] as const) {
    const { logger, lines } = captureLogger();
    if (mode === 'only') logLines = lines;
    apps.set(mode, await createGateway({ supergraphSdl, logger, trustedDocuments: { mode, sources: [dir] } }));
  }
});

afterAll(async () => {
  await Promise.all([...apps.values()].map((a) => a.close()));
  await Promise.all((subgraphs ?? []).map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const post = (mode: TrustedDocumentMode, body: Record<string, unknown>) =>
  apps
    .get(mode)!
    .inject({ method: 'POST', url: '/graphql', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

const refusal = (code: string, message: string) => ({ errors: [{ message, extensions: { code } }] });

describe('loadTrustedDocuments', () => {
  it('registers every .graphql file under a directory (recursively) by the SHA-256 of its exact bytes', () => {
    const docs = loadTrustedDocuments([dir]);
    expect([...docs.keys()].sort()).toEqual([documentIdOf(PERSON).slice(7), documentIdOf(TOUCH).slice(7)].sort());
    expect(docs.get(PERSON_ID.slice('sha256:'.length))).toBe(PERSON);
    expect(loadTrustedDocuments([join(dir, 'Person.graphql')]).size).toBe(1);
  });

  it('takes a missing optional path as empty, and the portal’s folder loads', () => {
    expect(loadTrustedDocuments([{ path: join(dir, 'absent'), optional: true }]).size).toBe(0);
    expect(() => loadTrustedDocuments([{ path: DEFAULT_TRUSTED_DOCUMENTS_DIR, optional: true }])).not.toThrow();
  });

  it('refuses a missing required path, a file that does not parse, and a file without exactly one operation, naming the file', () => {
    expect(() => loadTrustedDocuments([join(dir, 'absent')])).toThrow(TrustedDocumentsError);
    const bad = mkdtempSync(join(tmpdir(), 'trusted-bad-'));
    try {
      writeFileSync(join(bad, 'Two.graphql'), 'query A { a } query B { b }');
      expect(() => loadTrustedDocuments([bad])).toThrow(`expected one operation in ${join(bad, 'Two.graphql')} (one per file), received 2`);
      rmSync(join(bad, 'Two.graphql'));
      writeFileSync(join(bad, 'Broken.graphql'), 'query {');
      expect(() => loadTrustedDocuments([bad])).toThrow(
        /^expected .*Broken\.graphql as a GraphQL document, received one that does not parse/,
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('mode allow (the default of npm start and production)', () => {
  it('runs a registered document by documentId, with variables and operationName', async () => {
    const res = await post('allow', { documentId: PERSON_ID, variables: { id: '7' }, operationName: 'Person' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ data: { person: { name: 'Person 7' } } });
  });

  it("runs one by Apollo's extensions.persistedQuery.sha256Hash, and over GET with a preflight header", async () => {
    const hash = PERSON_ID.slice('sha256:'.length);
    const apollo = await post('allow', { extensions: { persistedQuery: { version: 1, sha256Hash: hash } }, variables: { id: '8' } });
    expect(apollo.json()).toEqual({ data: { person: { name: 'Person 8' } } });
    const get = await apps.get('allow')!.inject({
      method: 'GET',
      url: '/graphql',
      query: { documentId: PERSON_ID, variables: JSON.stringify({ id: '9' }) },
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.json()).toEqual({ data: { person: { name: 'Person 9' } } });
  });

  it('keeps the CSRF guard for a GET naming a document: without a preflight header it runs nothing', async () => {
    const before = subgraphCalls(subgraphs);
    const res = await apps
      .get('allow')!
      .inject({ method: 'GET', url: '/graphql', query: { documentId: PERSON_ID, variables: '{"id":"1"}' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].extensions.code).toBe('CSRF_PREVENTED');
    expect(subgraphCalls(subgraphs)).toBe(before);
  });

  it('runs free query text, and text sent with its own hash (Apollo’s retry after NOT_FOUND)', async () => {
    expect((await post('allow', { query: FREE })).json()).toEqual({ data: { person: { name: 'Person 2' } } });
    const withHash = await post('allow', { query: FREE, documentId: documentIdOf(FREE) });
    expect(withHash.json()).toEqual({ data: { person: { name: 'Person 2' } } });
  });

  it('refuses an unknown id, a text that does not hash to its id, and a malformed id', async () => {
    const unknown = await post('allow', { documentId: UNKNOWN_ID });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual(
      refusal('PERSISTED_QUERY_NOT_FOUND', 'Expected the id of a registered trusted document, received an unknown id.'),
    );
    const mismatch = await post('allow', { documentId: PERSON_ID, query: FREE });
    expect(mismatch.json()).toEqual(
      refusal('PERSISTED_QUERY_HASH_MISMATCH', 'Expected a query text whose SHA-256 is the document id, received another text.'),
    );
    for (const documentId of ['sha1:abc', PERSON_ID.slice(7), 42, `${PERSON_ID}0`]) {
      const bad = await post('allow', { documentId });
      expect(bad.json(), String(documentId)).toEqual(
        refusal('BAD_REQUEST', 'Expected documentId as sha256: and 64 hexadecimal digits, received another value.'),
      );
    }
  });
});

describe('mode only', () => {
  it('runs registered documents; a registered mutation still needs POST', async () => {
    expect((await post('only', { documentId: PERSON_ID, variables: { id: '3' } })).json()).toEqual({
      data: { person: { name: 'Person 3' } },
    });
    expect((await post('only', { documentId: documentIdOf(TOUCH) })).json()).toEqual({ data: { touch: true } });
  });

  it('refuses free query text before anything runs, with PERSISTED_QUERY_REQUIRED, and logs the code', async () => {
    const before = subgraphCalls(subgraphs);
    for (const body of [{ query: FREE }, { query: FREE, documentId: documentIdOf(FREE) }, {}]) {
      const res = await post('only', body);
      expect(res.statusCode).toBe(400);
      const code = 'documentId' in body ? 'PERSISTED_QUERY_NOT_FOUND' : 'PERSISTED_QUERY_REQUIRED';
      expect(res.json().errors[0].extensions.code, JSON.stringify(body)).toBe(code);
    }
    expect((await post('only', { query: FREE })).json()).toEqual(
      refusal(
        'PERSISTED_QUERY_REQUIRED',
        'Expected the documentId of a trusted document, received a request without one: this gateway runs registered operations only.',
      ),
    );
    const get = await apps.get('only')!.inject({
      method: 'GET',
      url: '/graphql',
      query: { query: FREE },
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(get.json().errors[0].extensions.code).toBe('PERSISTED_QUERY_REQUIRED');
    expect(subgraphCalls(subgraphs)).toBe(before);
    expect(logLines.some((l) => l.includes('"errorCodes":["PERSISTED_QUERY_REQUIRED"]'))).toBe(true);
  });
});

describe('mode off', () => {
  it('runs free text and refuses a document id', async () => {
    expect((await post('off', { query: FREE })).json()).toEqual({ data: { person: { name: 'Person 2' } } });
    expect((await post('off', { documentId: PERSON_ID })).json()).toEqual(
      refusal('PERSISTED_QUERY_NOT_SUPPORTED', 'Expected a query text, received a document id: this gateway keeps no trusted documents.'),
    );
  });
});
