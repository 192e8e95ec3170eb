/**
 * Graceful stop of a real service process (issue 14, item 7): a
 * municipality service started by `scripts/service/main.ts` exactly as a
 * deployment starts it, one slow request in flight (its source emulator told
 * to answer late), then SIGTERM.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmulators, startEmulators } from '../../adapters/emulators.ts';
import type { RegionEmulators } from '../../adapters/emulators.ts';
import { INTERNAL_TOKEN_HEADER, InternalKey, signInternalToken } from '../../contract/internalToken.ts';
import { EXAMPLE_CITIZEN } from '../../gateway/auth/demoUsers.ts';
import { REPOSITORY_ROOT } from '../../gateway/config.ts';
import { encodeRecordsRef } from '../../subgraphs/municipality/recordsRef.ts';
import { DEFAULT_FIXTURES_DIR } from '../startConfig.ts';

const KEY = InternalKey.generate();
const DELAY_MS = 500;
const SOURCE_LATENCY_MS = 1_500;
let emulators: RegionEmulators;

beforeAll(async () => {
  emulators = await startEmulators({ fixturesDir: DEFAULT_FIXTURES_DIR, only: ['lifecare-porvoo', 'effica-porvoo'] });
});
afterAll(async () => {
  await closeEmulators(emulators);
});

/** Starts the porvoo service; resolves with its process, base URL and exit. */
async function startPorvoo(): Promise<{ child: ChildProcess; base: string; exited: Promise<number | null>; logs: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/service/main.ts', 'municipality', '--name', 'porvoo'], {
    cwd: REPOSITORY_ROOT,
    env: {
      PATH: process.env.PATH,
      APOLLO_TELEMETRY_DISABLED: 'true',
      LOG_LEVEL: 'info',
      REGION_INTERNAL_KEY: KEY.exportSecret(),
      SERVICE_PORT: '0',
      SHUTDOWN_DELAY_MS: String(DELAY_MS),
      SHUTDOWN_DRAIN_MS: '8000',
      SOURCE_ADDRESS_LIFECARE_PORVOO: emulators.get('lifecare-porvoo')!.address,
      SOURCE_ADDRESS_EFFICA_PORVOO: emulators.get('effica-porvoo')!.address,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let out = '';
  const base = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`expected the service to listen within 30 s, received: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => reject(new Error(`expected the service to listen, received exit ${code}: ${out}`)));
  });
  return { child, base, exited, logs: () => out };
}

/** The gateway's fetch of the example citizen's Porvoo records, signed as the gateway signs it. */
async function recordsRequest(base: string): Promise<Response> {
  const requestId = randomUUID();
  const hetu = EXAMPLE_CITIZEN.hetu;
  const id = encodeRecordsRef({ hetu, municipality: '638', instances: ['lifecare-porvoo'] });
  return fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_TOKEN_HEADER]: await signInternalToken(KEY, {
        audience: 'porvoo',
        requestId,
        identity: { kind: 'citizen', sub: 'drain-test', hetu },
      }),
    },
    body: JSON.stringify({
      query:
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on PorvooRecords { appointments missingSources { instance } } } }',
      variables: { r: [{ __typename: 'PorvooRecords', id }] },
    }),
  });
}

/** Whether a new TCP connection to the service is accepted. */
function accepts(base: string): Promise<boolean> {
  const url = new URL(base);
  return new Promise((r) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => (socket.destroy(), r(true)));
    socket.once('error', () => r(false));
  });
}

describe('npm run service -- municipality: SIGTERM with a request in flight', () => {
  it('turns /readyz 503 (not /healthz), lets the request finish with 200, refuses new connections, and exits 0', async () => {
    const { child, base, exited, logs } = await startPorvoo();
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    emulators.get('lifecare-porvoo')!.faults.set({ latencyMs: SOURCE_LATENCY_MS });
    const started = Date.now();
    const inFlight = recordsRequest(base).then(async (res) => ({ status: res.status, body: await res.text(), at: Date.now() }));
    await new Promise((r) => setTimeout(r, 300));
    const sigterm = Date.now();
    child.kill('SIGTERM');
    const exitedAt = exited.then((code) => ({ code, at: Date.now() }));

    // During the delay (once the signal is handled): not ready, alive, still accepting.
    await new Promise((r) => setTimeout(r, 100));
    const [ready, health] = await Promise.all([fetch(`${base}/readyz`), fetch(`${base}/healthz`)]);
    expect(ready.status).toBe(503);
    expect(await ready.text()).toBe('{"ready":false}');
    expect(health.status).toBe(200);
    expect(Date.now() - sigterm).toBeLessThan(DELAY_MS);

    // After the delay: the server stops accepting while the request is still under way.
    await new Promise((r) => setTimeout(r, DELAY_MS + 150 - (Date.now() - sigterm)));
    expect(await accepts(base)).toBe(false);

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"missingSources":[]');
    expect(answer.at - started).toBeGreaterThanOrEqual(SOURCE_LATENCY_MS);
    const { code, at } = await exitedAt;
    if (code !== 0) process.stderr.write(logs());
    expect(code).toBe(0);
    // The figure for the README (Deploying, Health, readiness and graceful shutdown): SIGTERM → exit, and exit after the last answer.
    process.stderr.write(`drain: SIGTERM→exit ${at - sigterm} ms (delay ${DELAY_MS} ms), last answer→exit ${at - answer.at} ms\n`);
    emulators.get('lifecare-porvoo')!.faults.clear();
  }, 60_000);
});
