/**
 * Lifecare as a real source: SOAP over TLS, mutual TLS, and a WS-Security
 * UsernameToken (the header asserted as exact text, a wrong one refused).
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, systemClock, type PersonSlot, type SourceAdapter } from '../../domain/index.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { AdapterConfig } from '../wire/adapterConfig.ts';
import { makeTestPki, type TestPki } from '../wire/testSupport.ts';
import { createLifecareAdapter } from './adapter.ts';
import { startLifecareEmulator, type LifecareEmulatorOptions } from './emulator.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const INSTANCE = 'lifecare-phhyky';
/** A patient of the instance's fixtures. */
const KNOWN = '170268-9581';

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

async function startEmulator(options: Partial<LifecareEmulatorOptions> = {}): Promise<RunningEmulator> {
  emulator = await startLifecareEmulator({
    instance: INSTANCE,
    fixturesDir: FIXTURES,
    tls: { cert: pki.server.cert, key: pki.server.key },
    ...options,
  });
  return emulator;
}

async function adapter(config: Partial<AdapterConfig> = {}): Promise<SourceAdapter> {
  const created = await createLifecareAdapter({
    instance: INSTANCE,
    address: emulator!.address,
    timeoutMs: 3_000,
    clock: systemClock,
    tls: { ca: pki.ca },
    ...config,
  });
  adapters.push(created);
  return created;
}

function patientOf(slot: PersonSlot | undefined): string | undefined {
  if (slot === undefined || slot instanceof AdapterError) throw new Error(`expected a read, received ${String(slot)}`);
  return slot.records.person?.hetu;
}

describe('Lifecare over TLS', () => {
  it('reads a patient from an https:// emulator', async () => {
    await startEmulator();
    expect(emulator!.address).toMatch(/^https:\/\//);
    const [slot] = await (await adapter()).readPersons([KNOWN], { feeYears: [2025] });
    expect(patientOf(slot)).toBe(KNOWN);
  });

  it('refuses a server certificate from an unknown CA: SOURCE_UNAVAILABLE naming the instance', async () => {
    await startEmulator();
    const [slot] = await (await adapter({ tls: { ca: stranger.ca } })).readPersons([KNOWN], { feeYears: [2025] });
    expect(slot).toBeInstanceOf(AdapterError);
    expect((slot as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    expect((slot as AdapterError).source).toBe(INSTANCE);
    expect((slot as AdapterError).message).toMatch(/^WSDL: expected an answer, the TLS handshake failed \(/);
  });

  it('mutual TLS: refused without a client certificate, served with one', async () => {
    await startEmulator({ tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca } });
    const [refused] = await (await adapter()).readPersons([KNOWN], { feeYears: [2025] });
    expect((refused as AdapterError).code).toBe('SOURCE_UNAVAILABLE');
    const [served] = await (
      await adapter({ tls: { ca: pki.ca, cert: pki.client.cert, key: pki.client.key } })
    ).readPersons([KNOWN], {
      feeYears: [2025],
    });
    expect(patientOf(served)).toBe(KNOWN);
  });
});

describe('Lifecare with a WS-Security UsernameToken', () => {
  const credentials = { username: 'regiongraph', password: 'P4ss"word' };

  it('sends the token in the SOAP header of every call and is served', async () => {
    const bodies: string[] = [];
    await startEmulator({ credentials, onRequest: (b) => bodies.push(b) });
    const [slot] = await (await adapter({ credentials })).readPersons([KNOWN], { feeYears: [2025] });
    expect(patientOf(slot)).toBe(KNOWN);
    const potilas = bodies.find((b) => b.includes('HaePotilasPyynto'));
    expect(potilas).toBe(
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
        '<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="1">' +
        '<wsse:UsernameToken><wsse:Username>regiongraph</wsse:Username>' +
        '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">P4ss&quot;word</wsse:Password>' +
        '</wsse:UsernameToken></wsse:Security></soap:Header>' +
        '<soap:Body><HaePotilasPyynto xmlns="urn:lifecare:mr2020:potilaspalvelu"><Hetu>170268-9581</Hetu></HaePotilasPyynto></soap:Body></soap:Envelope>',
    );
    expect(bodies.every((b) => b.includes('<wsse:Username>regiongraph</wsse:Username>'))).toBe(true);
  });

  it('is refused with a wrong password, and without a token: SOURCE_ERROR naming the WS-Security fault', async () => {
    await startEmulator({ credentials });
    for (const config of [{ credentials: { username: 'regiongraph', password: 'wrong' } }, {}]) {
      const [slot] = await (await adapter(config)).readPersons([KNOWN], { feeYears: [2025] });
      expect((slot as AdapterError).code).toBe('SOURCE_ERROR');
      expect((slot as AdapterError).message).toBe('HaePotilas: the source refused the WS-Security credentials (wsse:FailedAuthentication)');
    }
  });
});
