/**
 * The whole region for the sample portal's browser test, in this process, as
 * the end-to-end tests start it: every emulator, subgraph and the gateway on
 * free ports, on a copy of the bundled fixtures (the demo citizen Ilona
 * Rantala and her family), the region's clock at the fixtures' day. The
 * portal is at `${url}/portal/`. scripts/portalScreenshot.ts starts the same
 * region for the README's screenshots (a script may not import test code).
 */
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { demoUser, EXAMPLE_CITIZEN } from '../gateway/auth/demoUsers.ts';
import { ManualClock } from '../subgraphs/database/testSupport.ts';
import { gql, startE2ERegion } from '../test/e2e/testSupport/region.ts';
import type { E2ERegion } from '../test/e2e/testSupport/region.ts';
import { FIXTURES_NOW } from './browser.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

export interface PortalRegion {
  /** The gateway's address; the portal is at `${url}/portal/`. */
  readonly url: string;
  readonly region: E2ERegion;
  /** Takes a source down (its emulator answers as in maintenance) until restore(). */
  dropSource(instance: string): void;
  restore(): void;
  /**
   * Makes sure the demo citizen's read log has more than two pages of 10 (once): her physician looks her up
   * 12 times, 3 minutes apart on the region's clock (a lookup and a read each: 24 entries).
   */
  ensureReads(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPortalRegion(): Promise<PortalRegion> {
  const clock = new ManualClock(FIXTURES_NOW.getTime());
  const region = await startE2ERegion({
    clock,
    writeFixtures: async (dir) => cpSync(FIXTURES, dir, { recursive: true }),
  });
  let readsEnsured = false;
  return {
    url: region.gatewayUrl,
    region,
    dropSource: (instance) => region.emulators.get(instance as never)!.faults.set({ mode: 'maintenance' }),
    restore: () => {
      for (const emulator of region.emulators.values()) emulator.faults.clear();
    },
    ensureReads: async () => {
      if (readsEnsured) return;
      // Each lookup and read of hers is a line of her read log.
      const token = await region.tokenFor(demoUser('physician')!.identity);
      for (let i = 0; i < 12; i++) {
        if (i > 0) clock.advance(3 * 60_000);
        const answer = await gql(region, 'query R($h: ID!) { customer(hetu: $h) { surname } }', { h: EXAMPLE_CITIZEN.hetu }, token);
        if (answer.errors?.length) throw new Error(`expected the physician's lookup to succeed, received ${JSON.stringify(answer.errors)}`);
      }
      readsEnsured = true;
    },
    stop: () => region.stop(),
  };
}
