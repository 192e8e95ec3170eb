/**
 * Every role started from its configuration (the real loader over an
 * environment), in this process, on free ports, against the emulators on
 * the e2e fixtures: the region's subgraph services answer the gateway over
 * real sockets; the gateway itself is asked through inject.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegionEmulators } from '../../adapters/emulators.ts';
import { InternalKey } from '../../contract/internalToken.ts';
import { DevIdp } from '../../gateway/auth/devIdp.ts';
import { HETU, fixedClock, writeE2ERegion } from '../../test/e2e/testSupport/fixtures.ts';
import { Lifecycle } from '../lifecycle.ts';
import { loadServiceConfig } from './config.ts';
import type { ServiceConfig } from './config.ts';
import {
  emulatorAddressLines,
  startEmulatorsService,
  startGatewayService,
  startListsService,
  startMunicipalityService,
  startRegionService,
} from './roles.ts';
import type { ServiceDeps } from './roles.ts';
import type { ServiceRole } from './settings.ts';

const KEY = InternalKey.generate().exportSecret();
const logger = pino({ level: 'silent' });
const lifecycle = new Lifecycle({ logger, exit: () => {}, deadlineMs: 10_000 });
const deps: ServiceDeps = { logger, lifecycle, clock: fixedClock };
let dir: string;
let emulators: RegionEmulators;
let sourceEnv: Record<string, string>;

function config<R extends ServiceRole>(role: R, env: Record<string, string>, argv: string[] = []): Extract<ServiceConfig, { role: R }> {
  const loaded = loadServiceConfig({ role, argv, env: { REGION_INTERNAL_KEY: KEY, SERVICE_PORT: '0', ...env }, cwd: dir });
  if (loaded.role !== role) throw new Error(`expected a ${role} configuration, received ${loaded.role}`);
  return loaded as Extract<ServiceConfig, { role: R }>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'region-service-'));
  await writeE2ERegion(dir);
  emulators = await startEmulatorsService(config('emulators', { EMULATOR_BASE_PORT: '0', EMULATOR_FIXTURES_DIR: dir }), deps);
  sourceEnv = Object.fromEntries(emulatorAddressLines(emulators).map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
}, 60_000);

afterAll(async () => {
  await lifecycle.stop('test done');
  rmSync(dir, { recursive: true, force: true });
});

describe('service roles started from their configuration', () => {
  it('run the region, lists and two municipality services and a gateway over them, answering across the region', async () => {
    // A slow source keeps the person index building for a while: the region service listens, but is not ready.
    emulators.get('effica-phhyky')!.faults.set({ latencyMs: 1_500 });
    const region = await startRegionService(
      config('region', { ...sourceEnv, PERSON_INDEX_POLL_MS: '3600000', PERSON_INDEX_FULL_REFRESH_MS: '0' }),
      deps,
    );
    expect((await region.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
    expect((await region.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await region.work.settled();
    emulators.get('effica-phhyky')!.faults.clear();
    const ready = await region.app.inject({ method: 'GET', url: '/readyz' });
    expect([ready.statusCode, ready.body]).toEqual([200, '{"ready":true}']);

    const lists = await startListsService(config('lists', { UNIT_REGISTER_FILE: 'organisations/units.tsv' }), deps);
    const porvoo = await startMunicipalityService(config('municipality', sourceEnv, ['--name', 'porvoo']), deps);
    const sipoo = await startMunicipalityService(config('municipality', sourceEnv, ['--name', 'sipoo']), deps);
    for (const s of [lists, porvoo, sipoo]) expect((await s.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    const { app: gateway } = await startGatewayService(
      config('gateway', {
        GATEWAY_PORT: '0',
        DEV_IDP_DIR: join(dir, '.dev-idp'),
        SUBGRAPH_URL_REGION: region.url,
        SUBGRAPH_URL_LISTS: lists.url,
        SUBGRAPH_URL_PORVOO: porvoo.url,
        SUBGRAPH_URL_SIPOO: sipoo.url,
      }),
      deps,
    );
    const address = gateway.server.address();
    const idp = await DevIdp.open({ dir: join(dir, '.dev-idp'), port: typeof address === 'object' && address ? address.port : 0 });
    const { token } = await idp.mint({ kind: 'citizen', sub: 'moved', hetu: HETU.moved });
    const res = await gateway.inject({
      method: 'POST',
      url: '/graphql',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { query: `{ customer(hetu: "${HETU.moved}") { appointments { source { instance } } missingSources { instance } } }` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { data: { customer: { appointments: { source: { instance: string } }[]; missingSources: unknown[] } } };
    // Moved from Porvoo to Sipoo: the records of both municipalities' services, nothing missing.
    expect(new Set(body.data.customer.appointments.map((a) => a.source.instance))).toEqual(new Set(['lifecare-porvoo', 'mediatri-sipoo']));
    expect(body.data.customer.missingSources).toEqual([]);
  }, 120_000);
});
