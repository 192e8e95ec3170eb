/**
 * Localized error messages: the language from Accept-Language, the
 * catalogue, and exact answers in Finnish and Swedish through the gateway
 * (codes and reasons unchanged, Content-Language and Vary set).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError } from '../graphql.ts';
import { createGateway } from '../server.ts';
import { captureLogger, composeSupergraph, startTestSubgraph } from '../testSupport.ts';
import type { TestSubgraph } from '../testSupport.ts';
import { AUTHENTICATION_UNAVAILABLE, UNAUTHENTICATED } from '../auth/authenticator.ts';
import type { AuthFailureReason } from '../auth/authenticator.ts';
import { PLANNER_BUSY } from '../errors.ts';
import {
  PERSISTED_QUERY_HASH_MISMATCH,
  PERSISTED_QUERY_NOT_FOUND,
  PERSISTED_QUERY_NOT_SUPPORTED,
  PERSISTED_QUERY_REQUIRED,
} from '../trusted/documents.ts';
import { ERROR_MESSAGES, LANGUAGES } from './catalogue.ts';
import { localizeError, pickLanguage } from './localize.ts';

describe('pickLanguage', () => {
  it('takes the most preferred of fi, sv and en by q-value, region subtags matching their language, English otherwise', () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'en'],
      ['', 'en'],
      ['fi', 'fi'],
      ['sv-FI', 'sv'],
      ['SV-fi', 'sv'],
      ['de, sv;q=0.5, fi;q=0.7', 'fi'],
      ['en;q=0.2, sv;q=0.9', 'sv'],
      ['fi;q=0.8, sv;q=0.8', 'fi'],
      ['sv;q=0, fi;q=0.1', 'fi'],
      ['sv;q=0', 'en'],
      ['de, fr', 'en'],
      ['*', 'en'],
      ['de, *;q=0.5, sv;q=0.4', 'en'],
      ['fi;q=1.5', 'en'],
      ['fi;q=abc', 'fi'],
      ['  sv  ;  q=0.9 , en;q=0.8', 'sv'],
    ];
    for (const [header, language] of cases) expect(pickLanguage(header), String(header)).toBe(language);
  });
});

describe('the catalogue', () => {
  it('has one sentence in each language for every code and reason, with the same placeholders, and never an identity code', () => {
    for (const [key, message] of Object.entries(ERROR_MESSAGES)) {
      expect(key).toMatch(/^[A-Z_]+(\/[A-Z_]+)?$/);
      const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const language of LANGUAGES) {
        const text = message[language];
        expect(text, `${key} ${language}`).toMatch(/^[A-ZÅÄÖ][^\n]*\.$/);
        expect(placeholders(text), `${key} ${language}`).toEqual(placeholders(message.en));
        expect(text).not.toMatch(/\d{6}[-+A]\d{3}/);
      }
      expect(message.fi).not.toBe(message.en);
      expect(message.sv).not.toBe(message.en);
    }
  });

  it('covers the sign-in and access codes a portal meets and the gateway’s own codes', () => {
    const denyReasons = [
      'NOT_OWN_DATA',
      'GUARDIAN_PROHIBITED',
      'NO_CARE_RELATION',
      'NO_CONSENT',
      'CHILD_WELFARE_RESTRICTED',
      'TURVAKIELTO',
      'AGGREGATES_ONLY',
      'EMERGENCY_EXPIRED',
      'ROLE_NOT_PERMITTED',
      'AUDIT_UNAVAILABLE',
    ];
    for (const reason of denyReasons) expect(ERROR_MESSAGES[`FORBIDDEN/${reason}`], reason).toBeDefined();
    for (const code of [
      UNAUTHENTICATED,
      `${UNAUTHENTICATED}/NOT_AUTHENTICATED`,
      AUTHENTICATION_UNAVAILABLE,
      PLANNER_BUSY,
      PERSISTED_QUERY_REQUIRED,
      PERSISTED_QUERY_NOT_FOUND,
      PERSISTED_QUERY_NOT_SUPPORTED,
      PERSISTED_QUERY_HASH_MISMATCH,
      'SOURCE_UNAVAILABLE',
      'SUBGRAPH_UNAVAILABLE',
    ])
      expect(ERROR_MESSAGES[code], code).toBeDefined();
    // Every token refusal is UNAUTHENTICATED, which has a sentence of its own for any reason.
    const reason: AuthFailureReason = 'BAD_SIGNATURE';
    expect(localizeError({ message: 'x', extensions: { code: UNAUTHENTICATED, reason } }, 'fi').message).toBe(
      'Kirjautumisesi ei ole voimassa; kirjaudu uudelleen.',
    );
  });
});

describe('localizeError', () => {
  it('rewrites the message only: by code and reason, then by code; English and unknown codes keep their own', () => {
    const forbidden = {
      message: 'This data belongs to another person.',
      path: ['customer'],
      extensions: { code: 'FORBIDDEN', reason: 'NOT_OWN_DATA' },
    };
    expect(localizeError(forbidden, 'sv')).toEqual({ ...forbidden, message: 'Uppgifterna gäller en annan person.' });
    expect(localizeError(forbidden, 'en')).toBe(forbidden);
    // An unknown reason of FORBIDDEN: no code-wide sentence, so the English one stays.
    const newReason = { message: 'Something new.', extensions: { code: 'FORBIDDEN', reason: 'SOMETHING_NEW' } };
    expect(localizeError(newReason, 'fi')).toBe(newReason);
    const validation = { message: 'Cannot query field "x" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    expect(localizeError(validation, 'fi')).toBe(validation);
  });

  it('fills placeholders from the extensions only with an id-like value, else keeps the English message', () => {
    const missing = {
      message: 'Source lifecare-porvoo could not be read (SOURCE_UNAVAILABLE); the answer lacks its data.',
      extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'lifecare-porvoo', reason: 'SOURCE_UNAVAILABLE' },
    };
    expect(localizeError(missing, 'fi').message).toBe('Lähteen lifecare-porvoo tietoja ei saatu; vastauksesta puuttuvat sen tiedot.');
    expect(localizeError(missing, 'sv').message).toBe('Uppgifterna från källan lifecare-porvoo kunde inte hämtas; svaret saknar dem.');
    const odd = { ...missing, extensions: { ...missing.extensions, instance: 'Maija Meikäläinen 010150-999K' } };
    expect(localizeError(odd, 'fi')).toBe(odd);
  });
});

describe('through the gateway', () => {
  let subgraph: TestSubgraph;
  let app: FastifyInstance;

  beforeAll(async () => {
    subgraph = await startTestSubgraph(
      'people',
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])
type Query {
  secret: String
  hello: String
}`,
      {
        Query: {
          secret: () => {
            throw new GraphQLError('This data belongs to another person.', { extensions: { code: 'FORBIDDEN', reason: 'NOT_OWN_DATA' } });
          },
          hello: () => 'hei',
        },
      } as unknown as Parameters<typeof startTestSubgraph>[2],
    );
    app = await createGateway({
      supergraphSdl: composeSupergraph([subgraph]),
      logger: captureLogger().logger,
      trustedDocuments: { mode: 'only', sources: [] },
    });
  });

  afterAll(async () => {
    await app?.close();
    await subgraph?.close();
  });

  const ask = (acceptLanguage: string | undefined, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/graphql',
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}), ...headers },
    });

  it('answers a refused request in Finnish and Swedish, code unchanged, with Content-Language and Vary', async () => {
    const fi = await ask('fi-FI, fi;q=0.9, en;q=0.8', { query: '{ hello }' });
    expect(fi.statusCode).toBe(400);
    expect(fi.headers['content-language']).toBe('fi');
    expect(fi.headers.vary).toBe('Accept-Language');
    expect(fi.json()).toEqual({
      errors: [
        {
          message: 'Palvelu suorittaa vain rekisteröityjä kyselyjä; lähetä kyselyn tunniste (documentId).',
          extensions: { code: 'PERSISTED_QUERY_REQUIRED' },
        },
      ],
    });
    const sv = await ask('sv', { documentId: `sha256:${'a'.repeat(64)}` });
    expect(sv.headers['content-language']).toBe('sv');
    expect(sv.json()).toEqual({
      errors: [
        {
          message: 'Frågans identifierare är okänd; appen kan vara nyare eller äldre än tjänsten.',
          extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
        },
      ],
    });
    const en = await ask(undefined, { query: '{ hello }' });
    expect(en.headers['content-language']).toBe('en');
    expect(en.json().errors[0].message).toBe(
      'Expected the documentId of a trusted document, received a request without one: this gateway runs registered operations only.',
    );
  });

  it('answers a refused token (401, before the body is read) in Swedish, reason unchanged', async () => {
    const res = await ask('sv-FI', { documentId: `sha256:${'a'.repeat(64)}` }, { authorization: 'Bearer abc.def.ghi' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-language']).toBe('sv');
    expect(res.json()).toEqual({
      errors: [
        {
          message: 'Din inloggning är inte giltig; logga in på nytt.',
          extensions: { code: 'UNAUTHENTICATED', reason: 'NO_IDENTITY_PROVIDER' },
        },
      ],
    });
  });

  it('localizes a subgraph’s error in the partial answer by its code and reason', async () => {
    const other = await createGateway({ supergraphSdl: composeSupergraph([subgraph]), logger: captureLogger().logger });
    try {
      const res = await other.inject({
        method: 'POST',
        url: '/graphql',
        payload: JSON.stringify({ query: '{ hello secret }' }),
        headers: { 'content-type': 'application/json', 'accept-language': 'fi' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        data: { hello: 'hei', secret: null },
        errors: [
          {
            message: 'Tiedot kuuluvat toiselle henkilölle.',
            path: ['secret'],
            extensions: { code: 'FORBIDDEN', reason: 'NOT_OWN_DATA', serviceName: 'people' },
          },
        ],
      });
    } finally {
      await other.close();
    }
  });
});
