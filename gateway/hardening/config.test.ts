import { describe, expect, it } from 'vitest';
import { GatewayConfigError, parseGatewayConfig } from '../config.ts';
import { DEFAULT_HARDENING_LIMITS } from './limits.ts';

describe('hardening settings', () => {
  it('default to the documented limits', () => {
    expect(parseGatewayConfig([], {}).hardening).toEqual({
      maxBodyBytes: 102_400,
      maxTokens: 2_000,
      maxDepth: 10,
      maxAliases: 30,
      maxRootFields: 20,
      maxFields: 250,
      maxDirectives: 50,
      csrfPrevention: true,
    });
    expect(parseGatewayConfig([], {}).hardening).toEqual(DEFAULT_HARDENING_LIMITS);
  });

  it('read the environment, and the command line wins', () => {
    const env = {
      GRAPHQL_MAX_BODY_BYTES: '2048',
      GRAPHQL_MAX_TOKENS: '500',
      GRAPHQL_MAX_DEPTH: '6',
      GRAPHQL_MAX_ALIASES: '0',
      GRAPHQL_MAX_ROOT_FIELDS: '3',
      GRAPHQL_MAX_FIELDS: '40',
      GRAPHQL_MAX_DIRECTIVES: '4',
      GRAPHQL_CSRF_PREVENTION: 'off',
    };
    expect(parseGatewayConfig([], env).hardening).toEqual({
      maxBodyBytes: 2048,
      maxTokens: 500,
      maxDepth: 6,
      maxAliases: 0,
      maxRootFields: 3,
      maxFields: 40,
      maxDirectives: 4,
      csrfPrevention: false,
    });
    const args = [
      '--max-body-bytes',
      '4096',
      '--max-tokens',
      '900',
      '--max-depth',
      '12',
      '--max-aliases',
      '100',
      '--max-root-fields',
      '50',
      '--max-fields',
      '600',
      '--max-directives',
      '9',
      '--csrf-prevention',
      'on',
    ];
    expect(parseGatewayConfig(args, env).hardening).toEqual({
      maxBodyBytes: 4096,
      maxTokens: 900,
      maxDepth: 12,
      maxAliases: 100,
      maxRootFields: 50,
      maxFields: 600,
      maxDirectives: 9,
      csrfPrevention: true,
    });
  });

  it('refuse unusable values, naming the setting', () => {
    expect(() => parseGatewayConfig(['--max-depth', '0'], {})).toThrow(/--max-depth as a whole number from 1 to 100/);
    expect(() => parseGatewayConfig([], { GRAPHQL_MAX_TOKENS: '2k' })).toThrow(/GRAPHQL_MAX_TOKENS/);
    expect(() => parseGatewayConfig([], { GRAPHQL_MAX_BODY_BYTES: '10' })).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig(['--csrf-prevention', 'maybe'], {})).toThrow(/--csrf-prevention as on or off/);
  });
});
