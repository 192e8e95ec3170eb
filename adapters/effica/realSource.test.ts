/**
 * Effica as a real source: XML over HTTPS (mutual TLS too) and HTTP Basic
 * for a deployment behind an authenticating proxy.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, systemClock, type PersonSlot, type SourceAdapter } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { makeTestPki, type TestPki } from '../wire/testSupport.ts';
import { createEfficaAdapter } from './adapter.ts';
import { startEfficaEmulator, type EfficaEmulatorOptions } from './emulator.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const INSTANCE = 'effica-phhyky';
/** A client of the instance's fixtures. */
const KNOWN = '070695-944A';

let pki: TestPki;
let stranger: TestPki;
let emulator: RunningEmulator | undefined;
const adapters: SourceAdapter[] = [];

beforeAll(async () => {
  [pki, stranger] = await Promise.all([makeTestPki(), makeTestPki('Unknown')]);
});

afterEach(async () => {
  await Promise.all(adapters.splice(0).map((a) => a.close()));
  await emulator?.close();
  emulator = undefined;
});

async function start(options: Partial<EfficaEmulatorOptions> = {}): Promise<void> {
  emulator = await startEfficaEmulator({
    instance: INSTANCE,
    fixturesDir: FIXTURES,
    tls: { cert: pki.server.cert, key: pki.server.key },
    ...options,
  });
}

async function read(config: Partial<AdapterConfig> = {}): Promise<PersonSlot> {
  const adapter = createEfficaAdapter({
    instance: INSTANCE,
    address: emulator!.address,
    timeoutMs: 3_000,
    clock: systemClock,
    tls: { ca: pki.ca },
    ...config,
  });
  adapters.push(adapter);
  return (await adapter.readPersons([KNOWN]))[0]!;
}

function clientOf(slot: PersonSlot): string | undefined {
  if (slot instanceof AdapterError) throw new Error(`expected a read, received ${slot.code}: ${slot.message}`);
  return slot.records.person?.hetu;
}

describe('Effica over TLS', () => {
  it('reads a client from an https:// emulator', async () => {
    await start();
    expect(emulator!.address).toMatch(/^https:\/\//);
    expect(clientOf(await read())).toBe(KNOWN);
  });

  it('refuses a server certificate from an unknown CA: SOURCE_UNAVAILABLE naming the instance', async () => {
    await start();
    const slot = (await read({ tls: { ca: stranger.ca } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_UNAVAILABLE');
    expect(slot.source).toBe(INSTANCE);
    expect(slot.message).toMatch(/^effica-phhyky: expected an answer, but the TLS handshake failed \(/);
  });

  it('mutual TLS: refused without a client certificate, served with one', async () => {
    await start({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca } });
    expect(((await read()) as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    expect(clientOf(await read({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } }))).toBe(KNOWN);
  });
});

describe('Effica with HTTP Basic', () => {
  const credentials = { username: 'regiongraph', password: 'salainen:sana' };

  it('is served with the right user and password, refused (401) with a wrong one or none', async () => {
    await start({ credentials });
    expect(clientOf(await read({ credentials }))).toBe(KNOWN);
    for (const config of [{ credentials: { ...credentials, password: 'väärä' } }, {}]) {
      const slot = (await read(config)) as AdapterError;
      expect(slot.code).toBe('SOURCE_ERROR');
      expect(slot.message).toMatch(/received HTTP 401/);
      expect(slot.message).not.toMatch(/väärä|salainen/);
    }
  });
});
