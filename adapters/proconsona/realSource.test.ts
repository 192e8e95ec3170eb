/**
 * ProConsona as a real source: the PostgreSQL wire protocol over TLS
 * (`sslmode=verify-full`; the emulator's proxy answers the SSLRequest and
 * speaks TLS), mutual TLS, and the database user's password.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, systemClock, type PersonSlot, type SourceAdapter } from '../../domain/index.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { makeTestPki, type TestPki } from '../wire/testSupport.ts';
import { createProconsonaAdapter } from './adapter.ts';
import { startProconsonaEmulator, type ProconsonaEmulator } from './emulator.ts';
import { pgConnection } from './transport.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const INSTANCE = 'proconsona-sipoo';
/** A client of the instance's fixtures. */
const KNOWN = '220878-963U';
const credentials = { username: 'regiongraph', password: 'salainen' };

let pki: TestPki;
let stranger: TestPki;
/** One emulator for the file (PGlite takes a moment to load): TLS with a client certificate required, and a password. */
let emulator: ProconsonaEmulator;
const adapters: SourceAdapter[] = [];

beforeAll(async () => {
  [pki, stranger] = await Promise.all([makeTestPki(), makeTestPki('Unknown')]);
  emulator = await startProconsonaEmulator({
    instance: INSTANCE,
    fixturesDir: FIXTURES,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca },
    credentials,
  });
});

afterEach(async () => {
  await Promise.all(adapters.splice(0).map((a) => a.close()));
});

afterAll(async () => {
  await emulator?.close();
});

const mutual = () => ({ ca: pki.ca, cert: pki.client.cert, key: pki.client.key });

async function read(config: Partial<AdapterConfig> = {}): Promise<PersonSlot> {
  const adapter = createProconsonaAdapter({
    instance: INSTANCE,
    address: emulator.address,
    timeoutMs: 3_000,
    clock: systemClock,
    tls: mutual(),
    credentials,
    ...config,
  });
  adapters.push(adapter);
  return (await adapter.readPersons([KNOWN]))[0]!;
}

function clientOf(slot: PersonSlot): string | undefined {
  if (slot instanceof AdapterError) throw new Error(`expected a read, received ${slot.code}: ${slot.message}`);
  return slot.records.person?.hetu;
}

describe('ProConsona over TLS with a database password', () => {
  it('reads a client over TLS, with the client certificate and the right password', async () => {
    expect(emulator.address).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?sslmode=verify-full$/);
    expect(clientOf(await read())).toBe(KNOWN);
  });

  it('refuses a server certificate from an unknown CA: SOURCE_UNAVAILABLE naming the instance', async () => {
    const slot = (await read({ tls: { ...mutual(), ca: stranger.ca } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_UNAVAILABLE');
    expect(slot.source).toBe(INSTANCE);
    expect(slot.message).toMatch(/^proconsona-sipoo could not be connected to: the TLS handshake failed \(/);
  });

  it('mutual TLS: refused without a client certificate', async () => {
    const slot = (await read({ tls: { ca: pki.ca } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_UNAVAILABLE');
    expect(slot.source).toBe(INSTANCE);
  });

  it('refuses a connection without TLS (28000) and a wrong password (28P01), never naming the password', async () => {
    const plain = (await read({ address: emulator.address.replace('?sslmode=verify-full', ''), tls: undefined })) as AdapterError;
    expect(plain.message).toBe('proconsona-sipoo failed the query with SQLSTATE 28000');
    const wrong = (await read({ credentials: { ...credentials, password: 'väärä' } })) as AdapterError;
    expect(wrong.code).toBe('SOURCE_ERROR');
    expect(wrong.message).toBe('proconsona-sipoo failed the query with SQLSTATE 28P01');
  });

  it('gives pg a connection string without TLS parameters (TLS comes from the settings) and with the configured user', () => {
    expect(
      pgConnection({
        address: 'postgres://postgres@db.example:5432/pro?sslmode=require&sslrootcert=/x.pem&options=-c%20a%3Db',
        credentials: { username: 'a b', password: 'p@ss' },
      }),
    ).toEqual({ connectionString: 'postgres://a%20b:p%40ss@db.example:5432/pro?options=-c+a%3Db', secure: true });
    expect(pgConnection({ address: 'postgres://u@h/d' })).toEqual({ connectionString: 'postgres://u@h/d', secure: false });
  });
});
