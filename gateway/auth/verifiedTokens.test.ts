import { createLocalJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from './demoUsers.ts';
import { AuthError, createTokenAuthenticator } from './authenticator.ts';
import { signTestToken, testSigningKey } from './testSupport.ts';
import { VerifiedTokens } from './verifiedTokens.ts';

const identity = DEMO_USERS.find((u) => u.id === 'physician')!.identity;
const ISSUER = 'https://idp.test/realm';
const AUDIENCE = 'region-graph';

describe('VerifiedTokens', () => {
  it('keeps an identity until the token expires or the reuse limit passes, whichever is first', () => {
    const cache = new VerifiedTokens({ maxAgeMs: 60_000 });
    cache.set('a', identity, 1_000 + 30, 1_000_000); // exp 30 s after now
    expect(cache.get('a', 1_000_000 + 29_999)).toEqual(identity);
    expect(cache.get('a', 1_000_000 + 30_000)).toBeUndefined();
    cache.set('b', identity, 10_000, 1_000_000); // exp far away: 60 s limit
    expect(cache.get('b', 1_000_000 + 59_999)).toEqual(identity);
    expect(cache.get('b', 1_000_000 + 60_000)).toBeUndefined();
  });

  it('drops the least recently used token once its byte bound is reached', () => {
    // Each entry: 2 × (1 + identity JSON) + 128 bytes; room for two.
    const entryBytes = 2 * (1 + JSON.stringify(identity).length) + 128;
    const cache = new VerifiedTokens({ maxBytes: 2 * entryBytes + 1, maxEntryBytes: entryBytes });
    cache.set('a', identity, 10_000, 0);
    cache.set('b', identity, 10_000, 0);
    cache.get('a', 1);
    cache.set('c', identity, 10_000, 1);
    expect(cache.get('b', 2)).toBeUndefined();
    expect(cache.get('a', 2)).toEqual(identity);
    expect(cache.size).toBe(2);
  });

  it('never holds more than its byte bound, however many distinct tokens arrive; an oversize token is not kept', () => {
    const cache = new VerifiedTokens({ maxBytes: 64 * 1024 });
    for (let i = 0; i < 2_000; i++) {
      cache.set(`token-${i}-${'x'.repeat(i % 1_000)}`, identity, 10_000, 0);
      expect(cache.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(cache.size).toBeGreaterThan(10);
    // Over a sixteenth of the bound (4 KiB): verified each time, never kept.
    cache.set('y'.repeat(3_000), identity, 10_000, 0);
    expect(cache.get('y'.repeat(3_000), 1)).toBeUndefined();
  });
});

describe('a token authenticator with verified tokens', () => {
  it('checks a repeated token’s signature once, and again once the reuse limit has passed', async () => {
    const key = await testSigningKey('k1');
    const jwks = createLocalJWKSet({ keys: [key.publicJwk] });
    let keyLookups = 0;
    const getKey: JWTVerifyGetKey = (header, token) => {
      keyLookups++;
      return jwks(header, token);
    };
    let now = new Date();
    const auth = createTokenAuthenticator({
      issuer: ISSUER,
      audience: AUDIENCE,
      getKey,
      algorithms: ['ES256'],
      now: () => now,
      verifiedTokens: { maxAgeMs: 10_000 },
    });
    const token = await signTestToken(key, { issuer: ISSUER, audience: AUDIENCE, identity });
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(identity);
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(identity);
    expect(keyLookups).toBe(1);
    now = new Date(now.getTime() + 10_001);
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(identity);
    expect(keyLookups).toBe(2);
  });

  it('never reuses a verification past the token’s expiry', async () => {
    const key = await testSigningKey('k1');
    let now = new Date();
    const auth = createTokenAuthenticator({
      issuer: ISSUER,
      audience: AUDIENCE,
      getKey: createLocalJWKSet({ keys: [key.publicJwk] }),
      algorithms: ['ES256'],
      now: () => now,
      clockToleranceSeconds: 0,
    });
    const token = await signTestToken(key, { issuer: ISSUER, audience: AUDIENCE, identity, expiresInSeconds: 5 });
    expect(await auth.authenticate(`Bearer ${token}`)).toEqual(identity);
    now = new Date(now.getTime() + 6_000);
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toThrow(AuthError);
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toMatchObject({ reason: 'TOKEN_EXPIRED' });
  });
});
