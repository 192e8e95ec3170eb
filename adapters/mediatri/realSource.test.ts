/**
 * Mediatri as a real source: CSV over HTTPS (the shared TLS tests) and HTTP
 * Basic for a deployment behind an authenticating proxy.
 */
import { describe, expect, it } from 'vitest';
import type { AdapterError } from '../../domain/index.ts';
import { describeRealSource, FIXTURES_DIR, personOf } from '../wire/testSupport.ts';
import { createMediatriAdapter } from './adapter.ts';
import { startMediatriEmulator } from './emulator.ts';

const INSTANCE = 'mediatri-loviisa';
const KNOWN = '181223A949U';

const source = describeRealSource('Mediatri', {
  instance: INSTANCE,
  known: KNOWN,
  secureAddress: /^https:\/\/127\.0\.0\.1:\d+$/,
  unknownCa: /^Expected potilas\.csv, but the TLS handshake failed \(/,
  start: (options) => startMediatriEmulator({ instance: INSTANCE, fixturesDir: FIXTURES_DIR, ...options }),
  create: (config) => createMediatriAdapter(config),
});

describe('Mediatri with HTTP Basic', () => {
  it('is served with the right user and password, refused (401) with a wrong one', async () => {
    const credentials = { username: 'regiongraph', password: 'salainen' };
    await source.start({ credentials });
    expect(personOf(await source.read({ credentials }))).toBe(KNOWN);
    const slot = (await source.read({ credentials: { ...credentials, password: 'väärä' } })) as AdapterError;
    expect(slot.code).toBe('SOURCE_ERROR');
    expect(slot.message).toMatch(/received status 401/);
  });
});
