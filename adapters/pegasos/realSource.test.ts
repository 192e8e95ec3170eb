/** Pegasos as a real source: HL7 over MLLP over TLS (`mllps://host:port`), the shared TLS tests. */
import { describe, expect, it } from 'vitest';
import { describeRealSource, FIXTURES_DIR, personOf } from '../wire/testSupport.ts';
import { createPegasosAdapter } from './adapter.ts';
import { startPegasosEmulator } from './emulator.ts';

const INSTANCE = 'pegasos-loviisa';
const KNOWN = '310179-9904';

describeRealSource('Pegasos', {
  instance: INSTANCE,
  known: KNOWN,
  secureAddress: /^mllps:\/\/127\.0\.0\.1:\d+$/,
  unknownCa: /^Could not connect to the source: the TLS handshake failed \(/,
  start: (options) => startPegasosEmulator({ instance: INSTANCE, fixturesDir: FIXTURES_DIR, ...options }),
  create: (config) => createPegasosAdapter(config),
  readOptions: { feeYears: [2025] },
});

describe('Pegasos without TLS', () => {
  it('a plain host:port address still speaks plain MLLP', async () => {
    const emulator = await startPegasosEmulator({ instance: INSTANCE, fixturesDir: FIXTURES_DIR });
    try {
      expect(emulator.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const adapter = createPegasosAdapter({
        instance: INSTANCE,
        address: emulator.address,
        timeoutMs: 3_000,
        clock: { now: () => new Date() },
      });
      expect(personOf((await adapter.readPersons([KNOWN], { feeYears: [2025] }))[0]!)).toBe(KNOWN);
      await adapter.close();
    } finally {
      await emulator.close();
    }
  });
});
