/**
 * Pegasos as a real source: HL7 over MLLP over TLS (`mllps://host:port`),
 * mutual TLS, and a server certificate from an unknown CA refused.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, systemClock, type PersonSlot, type SourceAdapter } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { makeTestPki, type TestPki } from '../wire/testSupport.ts';
import { createPegasosAdapter } from './adapter.ts';
import { startPegasosEmulator, type PegasosEmulatorOptions } from './emulator.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const INSTANCE = 'pegasos-loviisa';
/** A patient of the instance's fixtures. */
const KNOWN = '310179-9904';

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

async function start(options: Partial<PegasosEmulatorOptions> = {}): Promise<void> {
  emulator = await startPegasosEmulator({
    instance: INSTANCE,
    fixturesDir: FIXTURES,
    tls: { cert: pki.server.cert, key: pki.server.key },
    ...options,
  });
}

async function read(config: Partial<AdapterConfig> = {}): Promise<PersonSlot> {
  const adapter = createPegasosAdapter({
    instance: INSTANCE,
    address: emulator!.address,
    timeoutMs: 3_000,
    clock: systemClock,
    tls: { ca: pki.ca },
    ...config,
  });
  adapters.push(adapter);
  return (await adapter.readPersons([KNOWN], { feeYears: [2025] }))[0]!;
}

function patientOf(slot: PersonSlot): string | undefined {
  if (slot instanceof AdapterError) throw new Error(`expected a read, received ${slot.code}: ${slot.message}`);
  return slot.records.person?.hetu;
}

describe('Pegasos over MLLP over TLS', () => {
  it('reads a patient from an mllps:// emulator', async () => {
    await start();
    expect(emulator!.address).toMatch(/^mllps:\/\/127\.0\.0\.1:\d+$/);
    expect(patientOf(await read())).toBe(KNOWN);
  });

  it('refuses a server certificate from an unknown CA: SOURCE_UNAVAILABLE naming the instance', async () => {
    await start();
    const slot = (await read({ tls: { ca: stranger.ca } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_UNAVAILABLE');
    expect(slot.source).toBe(INSTANCE);
    expect(slot.message).toMatch(/^Could not connect to the source: the TLS handshake failed \(/);
  });

  it('mutual TLS: refused without a client certificate, served with one', async () => {
    await start({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca } });
    const refused = (await read()) as AdapterError;
    expect(refused.code).toBe('SOURCE_UNAVAILABLE');
    expect(refused.source).toBe(INSTANCE);
    expect(patientOf(await read({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } }))).toBe(KNOWN);
  });

  it('a plain host:port address still speaks plain MLLP', async () => {
    emulator = await startPegasosEmulator({ instance: INSTANCE, fixturesDir: FIXTURES });
    expect(emulator.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(patientOf(await read({ tls: undefined }))).toBe(KNOWN);
  });
});
