import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH, GatewayConfigError, parseGatewayConfig } from './config.ts';

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
    });
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
    };
    const fromEnv = parseGatewayConfig([], env);
    expect(fromEnv).toMatchObject({
      port: 5000,
      host: '0.0.0.0',
      supergraphPath: '/srv/supergraph.graphql',
      subgraphUrls: { region: 'http://10.0.0.1:4001/graphql', 'my-sub': 'http://10.0.0.2:4002/graphql' },
      logLevel: 'warn',
      production: true,
    });
    const fromArgs = parseGatewayConfig(['--port', '0', '--supergraph', '/tmp/s.graphql', '--subgraph', 'region=http://127.0.0.1:9/graphql', '--log-level', 'debug'], env);
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
  });
});
