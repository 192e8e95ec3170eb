import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ENGINE_LIMITS,
  DEFAULT_SUPERGRAPH_PATH,
  GatewayConfigError,
  gatewayConfigFromValues,
  parseGatewayConfig,
} from './config.ts';
import { DEFAULT_SERVER_LIMITS } from '../contract/serverLimits.ts';
import { DEFAULT_HARDENING_LIMITS } from './hardening/limits.ts';
import { DEFAULT_DEV_IDP_DIR } from './auth/config.ts';

describe('parseGatewayConfig', () => {
  it('defaults to port 4000 on 127.0.0.1, the committed supergraph, info logs, development mode', () => {
    expect(parseGatewayConfig([], {})).toEqual({
      port: 4000,
      host: '127.0.0.1',
      supergraphPath: DEFAULT_SUPERGRAPH_PATH,
      subgraphUrls: {},
      subgraphTimeoutMs: 15_000,
      logLevel: 'info',
      production: false,
      workers: 1,
      hardening: DEFAULT_HARDENING_LIMITS,
      engine: DEFAULT_ENGINE_LIMITS,
      auth: { kind: 'dev-idp', dir: DEFAULT_DEV_IDP_DIR, port: 4000 },
      readiness: { cacheMs: 5_000 },
      server: DEFAULT_SERVER_LIMITS,
      corsOrigins: [],
      trustedDocuments: { mode: 'allow', paths: [] },
    });
  });

  it('reads the planning limits and cache bounds from the environment and the command line (which wins), and refuses a value out of range', () => {
    expect(DEFAULT_ENGINE_LIMITS).toEqual({
      planBudgetMs: 2_000,
      maxRequiresDepth: 2,
      plannerThreads: 1,
      planCacheBytes: 67_108_864,
      refusedCacheBytes: 1_048_576,
      documentCacheBytes: 16_777_216,
      tokenCacheBytes: 4_194_304,
    });
    const env = {
      GRAPHQL_PLAN_BUDGET_MS: '800',
      GRAPHQL_MAX_REQUIRES_DEPTH: '3',
      GATEWAY_PLANNER_THREADS: '3',
      GATEWAY_PLAN_CACHE_BYTES: '1000000',
      GATEWAY_DOCUMENT_CACHE_BYTES: '2000000',
      GATEWAY_REFUSED_CACHE_BYTES: '3000',
      GATEWAY_TOKEN_CACHE_BYTES: '4000',
    };
    expect(parseGatewayConfig(['--plan-budget-ms', '900', '--token-cache-bytes', '0'], env).engine).toEqual({
      planBudgetMs: 900,
      maxRequiresDepth: 3,
      plannerThreads: 3,
      planCacheBytes: 1_000_000,
      documentCacheBytes: 2_000_000,
      refusedCacheBytes: 3_000,
      tokenCacheBytes: 0,
    });
    expect(() => parseGatewayConfig(['--planner-threads', '0'], {})).toThrow(
      'expected --planner-threads as a whole number from 1 to 16, received "0"',
    );
    expect(() => parseGatewayConfig([], { GRAPHQL_PLAN_BUDGET_MS: '2s' })).toThrow(
      'expected GRAPHQL_PLAN_BUDGET_MS as a whole number from 50 to 600000, received "2s"',
    );
  });

  it('reads the environment, and the command line wins over it', () => {
    const env = {
      GATEWAY_PORT: '5000',
      GATEWAY_HOST: '0.0.0.0',
      SUPERGRAPH_PATH: '/srv/supergraph.graphql',
      SUBGRAPH_URL_REGION: 'http://10.0.0.1:4001/graphql',
      SUBGRAPH_URL_MY_SUB: 'http://10.0.0.2:4002/graphql',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      AUTH_ISSUER: 'https://idp.example/realms/region',
      AUTH_AUDIENCE: 'region-graph',
      AUTH_JWKS_URL: 'https://idp.example/realms/region/certs',
    };
    const fromEnv = parseGatewayConfig([], env);
    expect(fromEnv).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
      supergraphPath: '/srv/supergraph.graphql',
      subgraphUrls: { region: 'http://10.0.0.1:4001/graphql', 'my-sub': 'http://10.0.0.2:4002/graphql' },
      logLevel: 'warn',
      production: true,
      auth: {
        kind: 'jwks',
        issuer: 'https://idp.example/realms/region',
        audience: 'region-graph',
        jwksUrl: 'https://idp.example/realms/region/certs',
        jwksCooldownMs: 30_000,
      },
    });
    const fromArgs = parseGatewayConfig(
      ['--port', '0', '--supergraph', '/tmp/s.graphql', '--subgraph', 'region=http://127.0.0.1:9/graphql', '--log-level', 'debug'],
      env,
    );
    expect(fromArgs).toMatchObject({
      port: 0,
      supergraphPath: '/tmp/s.graphql',
      subgraphUrls: { region: 'http://127.0.0.1:9/graphql', 'my-sub': 'http://10.0.0.2:4002/graphql' },
      logLevel: 'debug',
    });
  });

  it('refuses unusable values with a message naming the setting', () => {
    expect(() => parseGatewayConfig(['--port', '70000'], {})).toThrow(/--port as a whole number from 0 to 65535/);
    expect(() => parseGatewayConfig([], { GATEWAY_PORT: '4k' })).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig(['--subgraph', 'region'], {})).toThrow(/NAME=URL/);
    expect(() => parseGatewayConfig(['--subgraph', 'region=ftp://x/graphql'], {})).toThrow(/scheme ftp:/);
    expect(() => parseGatewayConfig([], { SUBGRAPH_URL_LISTS: 'not a url' })).toThrow(/SUBGRAPH_URL_LISTS as an http\(s\) URL/);
    expect(() => parseGatewayConfig(['--log-level', 'loud'], {})).toThrow(/log level/);
    expect(() => parseGatewayConfig(['--nope'], {})).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig(['--workers', '0'], {})).toThrow(/--workers as a whole number from 1 to 64/);
  });

  it('reads the number of gateway processes from --workers or GATEWAY_WORKERS', () => {
    expect(parseGatewayConfig([], { GATEWAY_WORKERS: '4' }).workers).toBe(4);
    expect(parseGatewayConfig(['--workers', '2'], { GATEWAY_WORKERS: '4' }).workers).toBe(2);
  });
});

describe('CORS and trusted documents', () => {
  it('read exact origins, the mode and the paths (flags win), and default to no origin, mode allow, no further path', () => {
    const env = {
      CORS_ORIGINS: ' https://portal.example.fi, HTTP://LOCALHOST:8080/ ,https://portal.example.fi',
      TRUSTED_DOCUMENTS: 'ONLY',
      TRUSTED_DOCUMENTS_PATHS: 'ops, /srv/more.graphql',
    };
    const config = gatewayConfigFromValues({}, env, '/work');
    expect(config.corsOrigins).toEqual(['https://portal.example.fi', 'http://localhost:8080']);
    expect(config.trustedDocuments).toEqual({ mode: 'only', paths: ['/work/ops', '/srv/more.graphql'] });
    const flags = parseGatewayConfig(['--cors-origins', 'https://a.example.fi:8443', '--trusted-documents', 'allow'], env);
    expect(flags.corsOrigins).toEqual(['https://a.example.fi:8443']);
    expect(flags.trustedDocuments.mode).toBe('allow');
    expect(() => parseGatewayConfig(['--trusted-documents', 'off'], { TRUSTED_DOCUMENTS_PATHS: 'ops' })).toThrow(
      'expected TRUSTED_DOCUMENTS_PATHS unset while trusted documents are off, received 1 path(s)',
    );
  });

  it('refuse an origin that is not one (a path, a wildcard, null, another scheme) and an unknown mode, naming the setting', () => {
    for (const bad of [
      '*',
      'null',
      'https://portal.example.fi/app',
      'portal.example.fi',
      'ftp://x.example.fi',
      'https://x.example.fi?a=1',
    ]) {
      expect(() => parseGatewayConfig([], { CORS_ORIGINS: bad }), bad).toThrow(
        `expected CORS_ORIGINS as comma-separated origins such as https://portal.example.fi (scheme, host and port; no path, no *), received ${JSON.stringify(bad)}`,
      );
    }
    expect(() => parseGatewayConfig(['--cors-origins', '*'], {})).toThrow(/^expected --cors-origins as comma-separated origins/);
    expect(() => parseGatewayConfig([], { TRUSTED_DOCUMENTS: 'strict' })).toThrow(
      'expected TRUSTED_DOCUMENTS as one of off, allow, only, received "strict"',
    );
  });
});

describe('HTTP server limits', () => {
  it('read flags and variables (flags win), each at its default otherwise', () => {
    const config = parseGatewayConfig(['--request-timeout-ms', '20000', '--max-connections-per-ip', '0'], {
      GATEWAY_REQUEST_TIMEOUT_MS: '25000',
      GATEWAY_HEADERS_TIMEOUT_MS: '5000',
      GATEWAY_KEEP_ALIVE_TIMEOUT_MS: '65000',
      GATEWAY_IDLE_TIMEOUT_MS: '90000',
      GATEWAY_MAX_CONNECTIONS: '4000',
    });
    expect(config.server).toEqual({
      requestTimeoutMs: 20_000,
      headersTimeoutMs: 5_000,
      keepAliveTimeoutMs: 65_000,
      idleTimeoutMs: 90_000,
      maxConnections: 4_000,
      maxConnectionsPerIp: 0,
    });
    expect(DEFAULT_SERVER_LIMITS).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5_000,
      idleTimeoutMs: 60_000,
      maxConnections: 1_000,
      maxConnectionsPerIp: 128,
    });
  });

  it('refuse a header deadline past the request deadline, and an idle timeout not above the subgraph timeout', () => {
    expect(() => parseGatewayConfig(['--headers-timeout-ms', '40000'], {})).toThrow(
      'expected --headers-timeout-ms at most GATEWAY_REQUEST_TIMEOUT_MS (30000), received 40000',
    );
    expect(() => parseGatewayConfig([], { GATEWAY_IDLE_TIMEOUT_MS: '15000' })).toThrow(
      'expected GATEWAY_IDLE_TIMEOUT_MS above the subgraph timeout (15000), received 15000',
    );
    expect(() => parseGatewayConfig(['--max-connections', '0'], {})).toThrow(/--max-connections as a whole number from 1/);
  });
});

describe('readiness settings', () => {
  it('reads the cache period and the key, and refuses a short key without showing it', () => {
    const key = 'k'.repeat(32);
    expect(parseGatewayConfig(['--readyz-cache-ms', '2000'], { READYZ_CACHE_MS: '9000', READINESS_KEY: key }).readiness).toEqual({
      cacheMs: 2_000,
      key,
    });
    expect(parseGatewayConfig([], { READYZ_CACHE_MS: '9000' }).readiness).toEqual({ cacheMs: 9_000 });
    expect(() => parseGatewayConfig([], { READINESS_KEY: 'short-secret' })).toThrow(
      'expected READINESS_KEY of at least 32 characters, received 12',
    );
    expect(() => parseGatewayConfig(['--readyz-cache-ms', '0'], {})).toThrow(/--readyz-cache-ms as a whole number from 100/);
  });
});

describe('authentication settings', () => {
  const external = { AUTH_ISSUER: 'https://idp.example/r', AUTH_AUDIENCE: 'region-graph', AUTH_JWKS_URL: 'https://idp.example/r/certs' };

  it('uses the development identity provider by default, its key directory configurable', () => {
    expect(parseGatewayConfig(['--port', '4100'], { DEV_IDP_DIR: '/var/lib/region/dev-idp' }).auth).toEqual({
      kind: 'dev-idp',
      dir: '/var/lib/region/dev-idp',
      port: 4100,
    });
  });

  it('refuses the development identity provider in production, and an external one given in part', () => {
    expect(() => parseGatewayConfig(['--production'], {})).toThrow(/AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL in production mode/);
    expect(() => parseGatewayConfig([], { AUTH_ISSUER: 'https://idp.example/r' })).toThrow(/all set .* or none/);
    expect(() => parseGatewayConfig([], { ...external, AUTH_JWKS_URL: 'ftp://idp.example/certs' })).toThrow(/scheme ftp:/);
    expect(() => parseGatewayConfig(['--production'], { ...external, AUTH_JWKS_URL: 'http://idp.example/certs' })).toThrow(
      /over https in production/,
    );
    expect(parseGatewayConfig(['--production'], { ...external, AUTH_JWKS_COOLDOWN_MS: '0' }).auth).toMatchObject({
      kind: 'jwks',
      jwksCooldownMs: 0,
      jwksMaxAgeMs: 600_000,
    });
  });

  it('refuses to start the development identity provider on an address other machines reach, naming the setting', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(parseGatewayConfig(['--host', host], {}).auth.kind, host).toBe('dev-idp');
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'gateway.example', '128.0.0.1', '::2', '127.0.0.1.example']) {
      expect(() => parseGatewayConfig(['--host', host], {}), host).toThrow(GatewayConfigError);
    }
    expect(() => parseGatewayConfig([], { GATEWAY_HOST: '0.0.0.0' })).toThrow(
      'expected GATEWAY_HOST as a loopback address (127.0.0.0/8, ::1 or localhost) while the development identity provider is on, received "0.0.0.0"; to listen elsewhere, configure an external identity provider (AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL)',
    );
    expect(() => parseGatewayConfig(['--host', '0.0.0.0'], {})).toThrow(/^expected --host as a loopback address/);
    // With an external identity provider any address will do.
    expect(parseGatewayConfig(['--host', '0.0.0.0'], external).host).toBe('0.0.0.0');
  });

  it('reads REGION_INTERNAL_KEY as base64url of at least 32 bytes, and never shows it', () => {
    const secret = Buffer.alloc(32, 7).toString('base64url');
    const config = parseGatewayConfig([], { REGION_INTERNAL_KEY: secret });
    expect(config.internalKey?.exportSecret()).toBe(secret);
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(() => parseGatewayConfig([], { REGION_INTERNAL_KEY: 'c2hvcnQ' })).toThrow(/at least 32 bytes, received 5/);
    expect(() => parseGatewayConfig([], { REGION_INTERNAL_KEY: 'not base64url!' })).toThrow(GatewayConfigError);
  });
});
