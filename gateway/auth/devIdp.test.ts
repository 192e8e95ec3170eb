/**
 * The embedded development identity provider: its kept key, its JWKS and
 * token endpoints on the gateway, `npm run token`, GraphiQL's identity
 * picker, and the demo users against the bundled fixtures.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHetu } from '../../domain/hetu.ts';
import { checkIdentity } from '../../contract/identity.ts';
import { InternalKey } from '../../contract/internalToken.ts';
import { createGateway } from '../server.ts';
import { captureLogger, composeSupergraph } from '../testSupport.ts';
import { createAuthenticator } from './authenticator.ts';
import { DEMO_USERS, demoUser } from './demoUsers.ts';
import { DevIdp, DevIdpKeyError } from './devIdp.ts';
import { startWhoamiSubgraph } from './testSupport.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-idp-'));
  dirs.push(dir);
  return dir;
};

let subgraph: Awaited<ReturnType<typeof startWhoamiSubgraph>>;
let supergraphSdl: string;
let gateway: FastifyInstance;
let idpDir: string;
const internalKey = InternalKey.generate();

beforeAll(async () => {
  subgraph = await startWhoamiSubgraph(internalKey);
  supergraphSdl = composeSupergraph([subgraph]);
  idpDir = tempDir();
  gateway = await createGateway({
    supergraphSdl,
    logger: captureLogger().logger,
    auth: { kind: 'dev-idp', dir: idpDir, port: 4000 },
    internalKey,
  });
});

afterAll(async () => {
  await gateway?.close();
  await subgraph?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the key pair', () => {
  it('is made on first start, kept private on disk, and reused by the next start', async () => {
    const dir = tempDir();
    const first = await DevIdp.open({ dir: join(dir, 'nested'), port: 4000 });
    const file = join(dir, 'nested', 'signing-key.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await DevIdp.open({ dir: join(dir, 'nested'), port: 4000 });
    expect(second.jwks()).toEqual(first.jwks());
    expect(first.jwks().keys).toHaveLength(1);
    expect(first.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('is one key when two processes start at once', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([DevIdp.open({ dir, port: 4000 }), DevIdp.open({ dir, port: 4000 })]);
    expect(a.jwks()).toEqual(b.jwks());
  });

  it('refuses a key file it cannot use, naming the file and never its content', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'signing-key.json'), '{"kty":"oct","k":"c2VjcmV0"}');
    const err = await DevIdp.open({ dir, port: 4000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevIdpKeyError);
    expect((err as Error).message).toContain('signing-key.json');
    expect((err as Error).message).not.toContain('c2VjcmV0');
  });

  it('picks up a replaced key file (a new key id) without a restart', async () => {
    const dir = tempDir();
    const auth = await createAuthenticator({ kind: 'dev-idp', dir, port: 4000 });
    const old = await auth.devIdp!.mint(demoUser('analyst')!.identity);
    rmSync(join(dir, 'signing-key.json'));
    const rotated = await DevIdp.open({ dir, port: 4000 });
    const fresh = await rotated.mint(demoUser('nurse')!.identity);
    expect(await auth.authenticate(`Bearer ${fresh.token}`)).toEqual(demoUser('nurse')!.identity);
    expect(await auth.authenticate(`Bearer ${old.token}`)).toEqual(demoUser('analyst')!.identity);
  });
});

describe('the gateway with the development identity provider', () => {
  it('serves its public keys at /.well-known/jwks.json', async () => {
    const res = await gateway.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    const { keys } = res.json() as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('mints a demo user’s token at /dev-idp/token that the gateway accepts, the identity reaching the subgraph', async () => {
    const res = await gateway.inject({ method: 'GET', url: '/dev-idp/token?as=social-worker-child-welfare&minutes=5' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as { token: string; expiresAt: string; tokenType: string };
    expect(body.tokenType).toBe('Bearer');
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const payload = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload).toMatchObject({
      iss: 'http://localhost:4000/dev-idp',
      aud: 'region-graph',
      sub: 'demo-social-worker-child-welfare',
      role: 'professional',
      service_tasks: ['CHILD_WELFARE', 'FAMILIES'],
    });
    const who = await gateway.inject({
      method: 'POST',
      url: '/graphql',
      payload: { query: '{ whoami }' },
      headers: { authorization: `Bearer ${body.token}` },
    });
    expect(who.json()).toEqual({ data: { whoami: JSON.stringify(demoUser('social-worker-child-welfare')!.identity) } });
  });

  it('answers an unknown demo user or a bad duration with a code', async () => {
    const unknown = await gateway.inject({ method: 'GET', url: '/dev-idp/token?as=root' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('UNKNOWN_DEMO_USER');
    expect((await gateway.inject({ method: 'GET', url: '/dev-idp/token?as=nurse&minutes=100000' })).statusCode).toBe(400);
  });

  it('names the port it listens on in the issuer when started on port 0', async () => {
    const dir = tempDir();
    const app = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      auth: { kind: 'dev-idp', dir, port: 0 },
      internalKey,
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as { port: number }).port;
      const { token } = (await (await fetch(`http://127.0.0.1:${port}/dev-idp/token?as=analyst`)).json()) as { token: string };
      expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).iss).toBe(`http://localhost:${port}/dev-idp`);
      const who = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ whoami }' }),
      });
      expect(await who.json()).toEqual({ data: { whoami: JSON.stringify(demoUser('analyst')!.identity) } });
    } finally {
      await app.close();
    }
  });

  // Why in-process: a test must not send traffic to any address but loopback, so the request "arrives on
  // another interface" by giving its socket a documentation address (RFC 5737) before the route's check runs.
  it('mints tokens only on a loopback interface, should a caller of createGateway listen on every interface', async () => {
    const app = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      auth: { kind: 'dev-idp', dir: idpDir, port: 4000 },
      internalKey,
    });
    let arrivedOn: string | undefined;
    app.addHook('onRequest', async (req) => {
      if (arrivedOn !== undefined) Object.defineProperty(req.socket, 'localAddress', { value: arrivedOn, configurable: true });
    });
    try {
      arrivedOn = '127.0.0.1';
      expect((await app.inject({ method: 'GET', url: '/dev-idp/token?as=physician' })).statusCode).toBe(200);
      arrivedOn = '192.0.2.2';
      for (const path of ['/dev-idp/token?as=physician', '/dev-idp/users']) {
        const res = await app.inject({ method: 'GET', url: path });
        expect(res.statusCode, path).toBe(403);
        expect(res.body, path).toBe(
          '{"error":{"code":"DEV_IDP_LOOPBACK_ONLY","message":"Expected a request to the development identity provider on a loopback address, received one on another interface."}}',
        );
      }
      // The public keys stay public.
      expect((await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('has no token endpoint in production', async () => {
    const prod = await createGateway({
      supergraphSdl,
      logger: captureLogger().logger,
      auth: { kind: 'dev-idp', dir: idpDir, port: 4000 },
      internalKey,
      production: true,
    });
    try {
      expect((await prod.inject({ method: 'GET', url: '/dev-idp/token?as=physician' })).statusCode).toBe(404);
      expect((await prod.inject({ method: 'GET', url: '/dev-idp/users' })).statusCode).toBe(404);
    } finally {
      await prod.close();
    }
  });
});

describe('GraphiQL', () => {
  it('has an identity picker listing every demo user, fetching tokens from the dev-only endpoint', async () => {
    const html = (await gateway.inject({ method: 'GET', url: '/graphiql' })).body;
    const select = /<select id="identity">([\s\S]*?)<\/select>/.exec(html)?.[1];
    expect(select).toBeDefined();
    const options = [...select!.matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map((m) => m[1]);
    expect(options).toEqual(['', ...DEMO_USERS.map((u) => u.id)]);
    // The person of the saved examples is picked at first, so the examples answer with data.
    expect(select).toContain('<option value="citizen" selected>');
    expect(html).toContain('<label for="identity">Identity</label>');
    const config = JSON.parse(/id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!) as { identity: { tokenEndpoint: string } };
    expect(config.identity).toEqual({ tokenEndpoint: '/dev-idp/token' });
    const app = (await gateway.inject({ method: 'GET', url: '/graphiql/assets/app.js' })).body;
    expect(app).toContain("headers.Authorization = 'Bearer ' + token");
    expect(app).toContain('config.identity.tokenEndpoint');
  });

  it('has no picker without the development identity provider', async () => {
    const plain = await createGateway({ supergraphSdl, logger: captureLogger().logger });
    try {
      const html = (await plain.inject({ method: 'GET', url: '/graphiql' })).body;
      expect(html).not.toContain('<select id="identity"');
      expect(JSON.parse(/id="graphiql-config">(.*?)<\/script>/s.exec(html)![1]!).identity).toBeNull();
    } finally {
      await plain.close();
    }
  });
});

describe('npm run token', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_JWKS_URL: '' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => resolve({ code, out, err }));
    });

  let dir: string;
  let minted: Awaited<ReturnType<typeof run>>;
  let list: Awaited<ReturnType<typeof run>>;
  let unknown: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    dir = tempDir();
    // In parallel: each start of tsx costs seconds.
    [minted, list, unknown] = await Promise.all([
      run(['--as', 'physician', '--minutes', '10', '--dev-idp-dir', dir, '--port', '4321']),
      run(['--list']),
      run(['--as', 'root']),
    ]);
  });

  it('prints a token for a demo user that the gateway’s verifier accepts', async () => {
    expect(minted.code, minted.err).toBe(0);
    const token = minted.out.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const auth = await createAuthenticator({ kind: 'dev-idp', dir, port: 4321 });
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(demoUser('physician')!.identity);
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp as number;
    expect(exp * 1000 - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    // Another gateway port is another issuer.
    const other = await createAuthenticator({ kind: 'dev-idp', dir, port: 4000 });
    await expect(other.authenticate(`Bearer ${token}`)).rejects.toMatchObject({ reason: 'WRONG_ISSUER' });
  });

  it('lists the demo users with --list, and refuses an unknown one with exit code 2', () => {
    expect(list.code).toBe(0);
    for (const u of DEMO_USERS) expect(list.out).toContain(u.id);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('expected --as as one of');
  });
});

describe('the demo users', () => {
  const vtj = new Map(
    readFileSync(join(ROOT, 'fixtures', 'truth', 'vtj.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { hetu: string; turvakielto: boolean; guardians: string[]; dependants: string[] })
      .map((p) => [p.hetu, p]),
  );
  const hetu = (id: string): string => (demoUser(id)!.identity as { hetu: string }).hetu;

  it('are valid identities with unique ids and subjects', () => {
    for (const u of DEMO_USERS) expect(checkIdentity(u.identity), u.id).toEqual({ ok: true, identity: u.identity });
    expect(new Set(DEMO_USERS.map((u) => u.id)).size).toBe(DEMO_USERS.length);
    expect(new Set(DEMO_USERS.map((u) => u.identity.sub)).size).toBe(DEMO_USERS.length);
    const kinds = DEMO_USERS.map((u) => (u.identity.kind === 'professional' ? u.identity.profession : u.identity.kind));
    expect(kinds).toEqual(expect.arrayContaining(['citizen', 'PHYSICIAN', 'NURSE', 'DENTIST', 'SOCIAL_WORKER', 'analyst']));
  });

  it('are the persons the README says, in the bundled fixtures', () => {
    const guardian = vtj.get(hetu('guardian'))!;
    const minor = vtj.get(hetu('minor'))!;
    expect(guardian.dependants).toContain(hetu('minor'));
    expect(minor.guardians).toContain(hetu('guardian'));
    const birth = checkHetu(hetu('minor'));
    expect(birth.ok && birth.info.birthDate).toBe('2012-12-06'); // 13 on the fixtures' day, 2026-11-23
    expect(vtj.get(hetu('turvakielto'))!.turvakielto).toBe(true);
    expect(vtj.get(hetu('citizen'))).toBeDefined();
    const tasks = DEMO_USERS.flatMap((u) => (u.identity.kind === 'professional' ? u.identity.serviceTasks : []));
    expect(tasks).toEqual(expect.arrayContaining(['CHILD_WELFARE', 'OLDER_PEOPLE']));
  });
});
