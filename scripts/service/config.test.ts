import { describe, expect, it } from 'vitest';
import { InternalKey } from '../../contract/internalToken.ts';
import { INSTANCES } from '../../domain/region.ts';
import { ServiceConfigError, loadServiceConfig } from './config.ts';
import type { LoadServiceConfigOptions, ServiceConfig } from './config.ts';
import { SETTINGS, envNameIsKnown } from './settings.ts';

const KEY = InternalKey.generate().exportSecret();
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** Every record instance's and VTJ's address, as the region role needs them. */
const ALL_SOURCES: Record<string, string> = Object.fromEntries(
  INSTANCES.map((i, n) => [
    `SOURCE_ADDRESS_${i.id.toUpperCase().replace(/-/g, '_')}`,
    i.product === 'pegasos'
      ? `127.0.0.1:${6000 + n}`
      : i.product === 'proconsona'
        ? `postgres://u@127.0.0.1:${6000 + n}/db`
        : `http://127.0.0.1:${6000 + n}`,
  ]),
);

function load(
  role: LoadServiceConfigOptions['role'],
  options: { argv?: string[]; env?: Record<string, string>; files?: Record<string, string>; name?: string } = {},
): ServiceConfig {
  const files = options.files ?? {};
  return loadServiceConfig({
    role,
    argv: options.argv ?? [],
    env: { REGION_INTERNAL_KEY: KEY, ...options.env },
    cwd: '/srv',
    ...(options.name ? { name: options.name } : {}),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return text;
    },
  });
}

function error(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ServiceConfigError, received none');
}

describe('loadServiceConfig', () => {
  it('reads a YAML file, lets the environment win, and takes secrets from NAME_FILE', () => {
    const config = load('municipality', {
      argv: ['--config', 'region.yaml', '--name', 'porvoo'],
      env: { SOURCE_TIMEOUT_MS_EFFICA_PORVOO: '9000', SOURCE_PASSWORD_EFFICA_PORVOO_FILE: '/run/secrets/pw', SERVICE_PORT: '4100' },
      files: {
        '/srv/region.yaml': [
          'server: { host: 0.0.0.0, port: 4003 }',
          'shutdown: { delayMs: 5000 }',
          'sources:',
          '  timeoutMs: 7000',
          '  lifecare-porvoo:',
          '    address: https://lifecare.porvoo.example/',
          '    concurrency: 4',
          '    tls: { caFile: ca.pem, certFile: /etc/tls/client.pem, keyFile: /etc/tls/client.key }',
          '  effica-porvoo: { address: "http://effica:8080", username: regiongraph, timeoutMs: 3000 }',
          '',
        ].join('\n'),
        '/srv/ca.pem': PEM,
        '/etc/tls/client.pem': PEM,
        '/etc/tls/client.key': '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n',
        '/run/secrets/pw': 's3cret\n',
      },
    });
    expect(config).toMatchObject({
      role: 'municipality',
      name: 'porvoo',
      configFile: '/srv/region.yaml',
      server: { host: '0.0.0.0', port: 4100 },
      shutdown: { delayMs: 5000, drainMs: 10000 },
      telemetry: { serviceName: 'region-graph-municipality-porvoo' },
    });
    if (config.role !== 'municipality') throw new Error('unreachable');
    expect(config.sources).toEqual({
      'lifecare-porvoo': {
        address: 'https://lifecare.porvoo.example/',
        timeoutMs: 7000,
        concurrency: 4,
        tls: { ca: PEM, cert: PEM, key: '-----BEGIN PRIVATE KEY-----\nAA\n-----END PRIVATE KEY-----\n' },
      },
      // The environment's timeout wins over the file's; the password file's one trailing newline is not part of it.
      'effica-porvoo': { address: 'http://effica:8080', timeoutMs: 9000, credentials: { username: 'regiongraph', password: 's3cret' } },
    });
    expect(config.internalKey.exportSecret()).toBe(KEY);
  });

  it('reads a JSON file named by REGION_CONFIG, and VTJ with its X-Road identifiers when ProConsona needs it', () => {
    const config = load('municipality', {
      name: 'askola',
      env: { REGION_CONFIG: 'conf/region.json', XROAD_CLIENT: 'FI/GOV/0245437-2/regiongraph' },
      files: {
        '/srv/conf/region.json': JSON.stringify({
          sources: {
            'lifecare-askola': { address: 'http://a' },
            'proconsona-askola': { address: 'postgres://u@db/askola' },
            vtj: { address: 'https://vtj', xroad: { service: 'FI/GOV/0245439-9/VTJkysely/HenkilotunnuskyselyV1/v1' } },
          },
        }),
      },
    });
    if (config.role !== 'municipality') throw new Error('unreachable');
    expect(Object.keys(config.sources)).toEqual(['lifecare-askola', 'proconsona-askola', 'vtj']);
    expect(config.sources.vtj?.xroad).toEqual({
      client: 'FI/GOV/0245437-2/regiongraph',
      service: 'FI/GOV/0245439-9/VTJkysely/HenkilotunnuskyselyV1/v1',
      protocolVersion: '4.0',
    });
  });

  it('keeps every existing environment name working through the existing parsers', () => {
    const config = load('region', {
      env: {
        ...ALL_SOURCES,
        DATABASE_URL: 'postgresql://u:p@db/region',
        DATABASE_POOL_SIZE: '4',
        PERSON_INDEX_POLL_MS: '1000',
        STATISTICS_BATCH_SIZE: '20',
        EMERGENCY_ACCESS_MINUTES: '60',
        SOURCE_TIMEOUT_MS: '4000',
        LOG_LEVEL: 'debug',
      },
    });
    expect(config).toMatchObject({
      role: 'region',
      logLevel: 'debug',
      database: { kind: 'postgres', url: 'postgresql://u:p@db/region', poolSize: 4 },
      personIndex: { intervalMs: 1000, overlapMs: 120_000 },
      statistics: { batchSize: 20, intervalMs: 600_000 },
      emergencyAccess: { durationMs: 3_600_000 },
      sources: { vtj: { address: 'http://127.0.0.1:6011', timeoutMs: 4000 } },
    });
    const gateway = load('gateway', {
      env: { GATEWAY_PORT: '0', SUBGRAPH_URL_PORVOO: 'http://porvoo:4001/graphql', READYZ_CACHE_MS: '1000' },
    });
    expect(gateway).toMatchObject({
      role: 'gateway',
      gateway: { port: 0, subgraphUrls: { porvoo: 'http://porvoo:4001/graphql' }, readiness: { cacheMs: 1000 } },
    });
  });

  it('names the key and the file for a bad value in the file, and the key and variable for one in the environment', () => {
    const files = { '/srv/r.yaml': 'personIndex:\n  pollMs: 10\n' };
    expect(error(() => load('region', { argv: ['--config', 'r.yaml'], env: ALL_SOURCES, files }))).toBe(
      'expected personIndex.pollMs (in r.yaml) as whole milliseconds of at least 100, received "10"',
    );
    expect(
      error(() => load('region', { argv: ['--config', 'r.yaml'], env: { ...ALL_SOURCES, PERSON_INDEX_POLL_MS: 'soon' }, files })),
    ).toBe('expected personIndex.pollMs (PERSON_INDEX_POLL_MS) as whole milliseconds of at least 100, received "soon"');
    expect(error(() => load('region', { env: { ...ALL_SOURCES, SOURCE_ADDRESS_VTJ: 'ftp://x' } }))).toBe(
      'expected sources.vtj.address (SOURCE_ADDRESS_VTJ) as an http(s) URL, received "ftp://x"',
    );
    expect(error(() => load('region', { env: { ...ALL_SOURCES, SOURCE_TIMEOUT_MS_VTJ: '0' } }))).toBe(
      'expected sources.vtj.timeoutMs (SOURCE_TIMEOUT_MS_VTJ) as whole milliseconds from 1 to 600000, received "0"',
    );
    expect(error(() => load('gateway', { argv: ['--config', 'g.json'], files: { '/srv/g.json': '{"gateway":{"port":70000}}' } }))).toBe(
      'expected gateway.port (in g.json) as a whole number from 0 to 65535, received "70000"',
    );
    expect(error(() => load('lists', { argv: ['--config', 'l.yaml'], files: { '/srv/l.yaml': 'server: { port: [1] }' } }))).toBe(
      'expected server.port (in l.yaml) as a whole number, received a list',
    );
  });

  it('refuses unknown keys in the file and unknown own names in the environment, but not Kubernetes service links', () => {
    const files = { '/srv/r.yaml': 'sources:\n  vtj:\n    adress: http://vtj\n' };
    expect(error(() => load('lists', { argv: ['--config', 'r.yaml'], files }))).toBe(
      'expected a known setting, received the key sources.vtj.adress in r.yaml',
    );
    expect(error(() => load('lists', { env: { SOURCE_ADRESS_VTJ: 'http://vtj' } }))).toBe(
      'expected a known setting, received the environment name SOURCE_ADRESS_VTJ',
    );
    expect(error(() => load('lists', { env: { REGION_INTERNAL_KEY_FIEL: '/k' } }))).toBe(
      'expected a known setting, received the environment name REGION_INTERNAL_KEY_FIEL',
    );
    // A Service named `region` puts these into every pod; unrelated names (PATH, HOME) are never looked at.
    expect(load('lists', { env: { REGION_SERVICE_HOST: '10.0.0.1', REGION_PORT_4001_TCP_ADDR: '10.0.0.1', PATH: '/bin' } }).role).toBe(
      'lists',
    );
  });

  it('refuses a secret given both as NAME and NAME_FILE, and never echoes a secret', () => {
    expect(error(() => load('lists', { env: { REGION_INTERNAL_KEY_FILE: '/run/secrets/key' } }))).toBe(
      'expected REGION_INTERNAL_KEY or REGION_INTERNAL_KEY_FILE, received both',
    );
    expect(
      error(() =>
        loadServiceConfig({
          role: 'lists',
          argv: [],
          env: { REGION_INTERNAL_KEY_FILE: '/run/secrets/key' },
          cwd: '/',
          readFile: () => 'short\n',
        }),
      ),
    ).toBe('expected internalKey (REGION_INTERNAL_KEY_FILE) of at least 32 bytes, received 3');
    const message = error(() => load('lists', { env: { DATABASE_URL: 'mysql://user:hunter2@db/x' } }));
    expect(message).toBe('expected database.url (DATABASE_URL) with scheme postgres: or postgresql:, received mysql:');
    expect(error(() => loadServiceConfig({ role: 'region', argv: [], env: {}, cwd: '/' }))).toBe(
      'expected internalKey (REGION_INTERNAL_KEY) as base64url text of at least 32 bytes, shared by the gateway and the subgraphs, received none',
    );
  });

  it('checks what a role needs: its sources, the X-Road identifiers, both halves of mutual TLS and of the credentials', () => {
    expect(error(() => load('municipality', { name: 'porvoo' }))).toBe(
      'expected sources.lifecare-porvoo.address (SOURCE_ADDRESS_LIFECARE_PORVOO) for the porvoo subgraph, received none',
    );
    expect(error(() => load('municipality', { name: 'helsinki' }))).toBe(
      'expected --name as one of porvoo, sipoo, loviisa, askola, lapinjarvi, myrskyla, pukkila, received "helsinki"',
    );
    expect(
      error(() => load('region', { env: { ...ALL_SOURCES, XROAD_CLIENT: 'FI/GOV/0245437-2', XROAD_SERVICE: 'FI/GOV/1/VTJ/Hetu' } })),
    ).toBe(
      'expected sources.vtj.xroad.client (XROAD_CLIENT) as an X-Road client id INSTANCE/CLASS/CODE/SUBSYSTEM, received "FI/GOV/0245437-2"',
    );
    expect(
      error(() => load('region', { env: { ...ALL_SOURCES, XROAD_CLIENT: 'FI/GOV/0245437-2/rg', XROAD_SERVICE: 'FI/GOV/1/VTJ' } })),
    ).toBe(
      'expected sources.vtj.xroad.service (XROAD_SERVICE) as an X-Road service id INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE[/VERSION], received "FI/GOV/1/VTJ"',
    );
    const files = { '/srv/cert.pem': PEM };
    expect(error(() => load('region', { env: { ...ALL_SOURCES, SOURCE_TLS_CERT_FILE_VTJ: 'cert.pem' }, files }))).toBe(
      'expected sources.vtj.tls.keyFile (SOURCE_TLS_KEY_FILE_VTJ) with sources.vtj.tls.certFile (SOURCE_TLS_CERT_FILE_VTJ) (mutual TLS takes both), received none',
    );
    expect(error(() => load('region', { env: { ...ALL_SOURCES, SOURCE_TLS_CA_FILE_VTJ: 'missing.pem' } }))).toBe(
      'expected sources.vtj.tls.caFile (SOURCE_TLS_CA_FILE_VTJ) as a readable PEM file, received missing.pem (ENOENT)',
    );
    expect(error(() => load('region', { env: { ...ALL_SOURCES, SOURCE_PASSWORD_VTJ: 'pw' } }))).toBe(
      'expected sources.vtj.username (SOURCE_USERNAME_VTJ) with the other credential, received none',
    );
  });

  it('puts the emulators on a base port or on fixed ones', () => {
    const config = load('emulators', { env: { EMULATOR_BASE_PORT: '7000', EMULATOR_PORT_VTJ: '7999' } });
    if (config.role !== 'emulators') throw new Error('unreachable');
    expect(config.ports['lifecare-porvoo']).toBe(7000);
    expect(config.ports['lifecare-askola']).toBe(7001);
    expect(config.ports.vtj).toBe(7999);
  });
});

describe('SETTINGS', () => {
  it('knows every setting, its NAME_FILE only when secret, and the existing names', () => {
    for (const name of [
      'DATABASE_URL',
      'GATEWAY_PORT',
      'SUBGRAPH_URL_LAPINJARVI',
      'SOURCE_TIMEOUT_MS_LIFECARE_PORVOO',
      'PERSON_INDEX_POLL_MS',
      'AUTH_ISSUER',
    ])
      expect(envNameIsKnown(name)).toBe(true);
    expect(envNameIsKnown('SOURCE_PASSWORD_VTJ_FILE')).toBe(true);
    expect(envNameIsKnown('SOURCE_USERNAME_VTJ_FILE')).toBe(true);
    expect(envNameIsKnown('GATEWAY_PORT_FILE')).toBe(false);
    expect(envNameIsKnown('SOURCE_ADDRESS_HELSINKI')).toBe(false);
    const keys = SETTINGS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
