import { describe, expect, it } from 'vitest';
import type { Identity } from './identity.ts';
import { InternalKey, InternalKeyError, signInternalToken, verifyInternalToken } from './internalToken.ts';

const NURSE: Identity = {
  kind: 'professional',
  sub: 'n-1',
  name: 'Aarne Kivimaa',
  profession: 'NURSE',
  units: ['1.2.246.10.1061512.10.6383'],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};

describe('internal tokens', () => {
  const key = InternalKey.generate();

  it('carry the identity (or null) and the request id to the subgraph they name, for at most 60 s', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const token = await signInternalToken(key, { audience: 'porvoo', requestId: 'req-1', identity: NURSE, now });
    expect(await verifyInternalToken(key, token, 'porvoo', now)).toEqual({ identity: NURSE, requestId: 'req-1' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; aud: string };
    expect(payload.exp - payload.iat).toBe(60);
    expect(payload.aud).toBe('porvoo');
    await expect(verifyInternalToken(key, token, 'porvoo', new Date(now.getTime() + 66_000))).rejects.toMatchObject({ reason: 'EXPIRED' });
    await expect(verifyInternalToken(key, token, 'lists', now)).rejects.toMatchObject({ reason: 'WRONG_AUDIENCE' });
    const anonymous = await signInternalToken(key, { audience: 'lists', requestId: 'req-2', identity: null, now });
    expect(await verifyInternalToken(key, anonymous, 'lists', now)).toEqual({ identity: null, requestId: 'req-2' });
    await expect(signInternalToken(key, { audience: 'lists', requestId: 'r', identity: null, ttlSeconds: 3600 })).rejects.toThrow(RangeError);
  });

  it('are refused without a token, with another key, or with a token that is not one', async () => {
    await expect(verifyInternalToken(key, undefined, 'region')).rejects.toMatchObject({ reason: 'MISSING' });
    const other = await signInternalToken(InternalKey.generate(), { audience: 'region', requestId: 'r', identity: null });
    await expect(verifyInternalToken(key, other, 'region')).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
    await expect(verifyInternalToken(key, 'a.b.c', 'region')).rejects.toMatchObject({ reason: 'MALFORMED' });
  });

  it('keys come from base64url of at least 32 bytes, and are never serialised', () => {
    const secret = key.exportSecret();
    expect(InternalKey.fromSecret(secret).exportSecret()).toBe(secret);
    expect(JSON.stringify({ key })).toBe('{"key":"[InternalKey]"}');
    expect(() => InternalKey.fromSecret('c2hvcnQ')).toThrow(InternalKeyError);
    expect(() => InternalKey.fromSecret('a b')).toThrow(/base64url/);
  });
});
