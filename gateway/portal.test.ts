/**
 * The sample portal's serving plugin: /portal redirects to /portal/, the
 * page comes with its Content-Security-Policy, only the page's own files are
 * served, and config.json offers the demo citizens only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_USERS } from './auth/demoUsers.ts';
import { PORTAL_CSP, portalUsers, registerPortal } from './portal.ts';
import type { PortalConfig } from './portal.ts';

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

function portalApp(options: { dir?: string; identity?: PortalConfig['identity'] } = {}): FastifyInstance {
  app = Fastify({ logger: false });
  registerPortal(app, { endpoint: '/graphql', logger: app.log, ...options });
  return app;
}

describe('registerPortal', () => {
  it('redirects /portal to /portal/ and serves the page with its CSP, the scripts and the manifest', async () => {
    portalApp();
    const redirect = await app.inject('/portal');
    expect([redirect.statusCode, redirect.headers.location]).toEqual([302, '/portal/']);
    const page = await app.inject('/portal/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(PORTAL_CSP);
    expect(page.body).toContain('<h1');
    for (const [name, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['i18n.js', 'text/javascript; charset=utf-8'],
      ['style.css', 'text/css; charset=utf-8'],
      ['documents.json', 'application/json; charset=utf-8'],
    ]) {
      const res = await app.inject(`/portal/${name}`);
      expect([name, res.statusCode, res.headers['content-type']]).toEqual([name, 200, type]);
    }
  });

  it('serves nothing but the page’s own files', async () => {
    portalApp();
    for (const path of ['/portal/testSupport.ts', '/portal/..%2Fpackage.json', '/portal/%2e%2e%2fpackage.json', '/portal/operations']) {
      expect([path, (await app.inject(path)).statusCode]).toEqual([path, 404]);
    }
  });

  it('tells the page the endpoint and, with the development identity provider, the demo citizens only', async () => {
    const users = portalUsers(DEMO_USERS);
    expect(users.map((u) => u.id)).toEqual(['citizen', 'guardian', 'minor', 'prohibiting-minor', 'guardian-prohibited', 'turvakielto']);
    portalApp({ identity: { tokenEndpoint: '/dev-idp/token', users } });
    expect((await app.inject('/portal/config.json')).json()).toEqual({
      endpoint: '/graphql',
      identity: { tokenEndpoint: '/dev-idp/token', users },
    });
    await app.close();
    portalApp();
    expect((await app.inject('/portal/config.json')).json()).toEqual({ endpoint: '/graphql', identity: null });
  });

  it('answers 503 when the files are not there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-'));
    writeFileSync(join(dir, 'app.js'), '');
    portalApp({ dir });
    expect((await app.inject('/portal/')).statusCode).toBe(503);
    expect((await app.inject('/portal/app.js')).statusCode).toBe(200);
  });
});
