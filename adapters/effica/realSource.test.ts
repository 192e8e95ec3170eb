/**
 * Effica as a real source: XML over HTTPS (the shared TLS tests) and HTTP
 * Basic for a deployment behind an authenticating proxy.
 */
import { describe, expect, it } from 'vitest';
import type { AdapterError } from '../../domain/index.ts';
import { describeRealSource, FIXTURES_DIR, personOf } from '../wire/testSupport.ts';
import { createEfficaAdapter } from './adapter.ts';
import { startEfficaEmulator } from './emulator.ts';

const INSTANCE = 'effica-phhyky';
const KNOWN = '070695-944A';

const source = describeRealSource('Effica', {
  instance: INSTANCE,
  known: KNOWN,
  secureAddress: /^https:\/\/127\.0\.0\.1:\d+$/,
  unknownCa: /^effica-phhyky: expected an answer, but the TLS handshake failed \(/,
  start: (options) => startEfficaEmulator({ instance: INSTANCE, fixturesDir: FIXTURES_DIR, ...options }),
  create: (config) => createEfficaAdapter(config),
});

describe('Effica with HTTP Basic', () => {
  const credentials = { username: 'regiongraph', password: 'salainen:sana' };

  it('is served with the right user and password, refused (401) with a wrong one or none, the password in no message', async () => {
    await source.start({ credentials });
    expect(personOf(await source.read({ credentials }))).toBe(KNOWN);
    for (const config of [{ credentials: { ...credentials, password: 'väärä' } }, {}]) {
      const slot = (await source.read(config)) as AdapterError;
      expect(slot.code).toBe('SOURCE_ERROR');
      expect(slot.message).toMatch(/received HTTP 401/);
      expect(slot.message).not.toMatch(/väärä|salainen/);
    }
  });
});
