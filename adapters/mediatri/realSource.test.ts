/**
 * Mediatri as a real source: CSV over HTTPS (mutual TLS too) and HTTP
 * Basic for a deployment behind an authenticating proxy.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, systemClock, type PersonSlot, type SourceAdapter } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { makeTestPki, type TestPki } from '../wire/testSupport.ts';
import { createMediatriAdapter } from './adapter.ts';
import { startMediatriEmulator, type MediatriEmulatorOptions } from './emulator.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const INSTANCE = 'mediatri-loviisa';
/** A patient of the instance's fixtures. */
const KNOWN = '181223A949U';

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

async function start(options: Partial<MediatriEmulatorOptions> = {}): Promise<void> {
  emulator = await startMediatriEmulator({
    instance: INSTANCE,
    fixturesDir: FIXTURES,
    tls: { cert: pki.server.cert, key: pki.server.key },
    ...options,
  });
}

async function read(config: Partial<AdapterConfig> = {}): Promise<PersonSlot> {
  const adapter = createMediatriAdapter({
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

function patientOf(slot: PersonSlot): string | undefined {
  if (slot instanceof AdapterError) throw new Error(`expected a read, received ${slot.code}: ${slot.message}`);
  return slot.records.person?.hetu;
}

describe('Mediatri over TLS', () => {
  it('reads a patient from an https:// emulator', async () => {
    await start();
    expect(emulator!.address).toMatch(/^https:\/\//);
    expect(patientOf(await read())).toBe(KNOWN);
  });

  it('refuses a server certificate from an unknown CA: SOURCE_UNAVAILABLE naming the instance', async () => {
    await start();
    const slot = (await read({ tls: { ca: stranger.ca } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_UNAVAILABLE');
    expect(slot.source).toBe(INSTANCE);
    expect(slot.message).toMatch(/^Expected potilas\.csv, but the TLS handshake failed \(/);
  });

  it('mutual TLS: refused without a client certificate, served with one', async () => {
    await start({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca } });
    expect(((await read()) as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    expect(patientOf(await read({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } }))).toBe(KNOWN);
  });
});

describe('Mediatri with HTTP Basic', () => {
  const credentials = { username: 'regiongraph', password: 'salainen' };

  it('is served with the right user and password, refused (401) with a wrong one', async () => {
    await start({ credentials });
    expect(patientOf(await read({ credentials }))).toBe(KNOWN);
    const slot = (await read({ credentials: { ...credentials, password: 'väärä' } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_ERROR');
    expect(slot.message).toMatch(/received status 401/);
  });
});
