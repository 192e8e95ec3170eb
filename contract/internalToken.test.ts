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
    await expect(signInternalToken(key, { audience: 'lists', requestId: 'r', identity: null, ttlSeconds: 3600 })).rejects.toThrow(
      RangeError,
    );
  });

  it('are refused without a token, with another key, or with a token that is not one', async () => {
    await expect(verifyInternalToken(key, undefined, 'region')).rejects.toMatchObject({ reason: 'MISSING' });
    const other = await signInternalToken(InternalKey.generate(), { audience: 'region', requestId: 'r', identity: null });
    await expect(verifyInternalToken(key, other, 'region')).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
    await expect(verifyInternalToken(key, 'a.b.c', 'region')).rejects.toMatchObject({ reason: 'MALFORMED' });
  });

  it('are refused when tampered with, of another algorithm, with unknown critical headers, or issued in the future', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const token = await signInternalToken(key, { audience: 'porvoo', requestId: 'req-1', identity: NURSE, now });
    const [header, body, signature] = token.split('.') as [string, string, string];
    const json = (part: string): Record<string, unknown> =>
      JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
    const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const resign = (h: string, b: string): string => `${h}.${b}.${key.mac(`${h}.${b}`).toString('base64url')}`;

    const tampered = `${header}.${b64({ ...json(body), idn: null })}.${signature}`;
    await expect(verifyInternalToken(key, tampered, 'porvoo', now)).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
    await expect(verifyInternalToken(key, resign(b64({ alg: 'HS512', typ: 'JWT' }), body), 'porvoo', now)).rejects.toMatchObject({
      reason: 'MALFORMED',
    });
    await expect(verifyInternalToken(key, resign(b64({ alg: 'HS256', crit: ['x'], x: 1 }), body), 'porvoo', now)).rejects.toMatchObject({
      reason: 'MALFORMED',
    });
    const future = resign(header, b64({ ...json(body), iat: (json(body).iat as number) + 600, exp: (json(body).exp as number) + 600 }));
    await expect(verifyInternalToken(key, future, 'porvoo', now)).rejects.toMatchObject({ reason: 'INVALID_CLAIMS' });
    const otherIssuer = resign(header, b64({ ...json(body), iss: 'someone-else' }));
    await expect(verifyInternalToken(key, otherIssuer, 'porvoo', now)).rejects.toMatchObject({ reason: 'INVALID_CLAIMS' });
    const audiences = resign(header, b64({ ...json(body), aud: ['lists', 'porvoo'] }));
    expect(await verifyInternalToken(key, audiences, 'porvoo', now)).toEqual({ identity: NURSE, requestId: 'req-1' });
  });

  it('are refused when the header or the claims are not UTF-8, even signed with the key (issue 16: jose refuses them too)', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const iat = now.getTime() / 1000;
    const b64 = (bytes: Buffer): string => bytes.toString('base64url');
    const resign = (h: string, b: string): string => `${h}.${b}.${key.mac(`${h}.${b}`).toString('base64url')}`;
    const header = b64(Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })));
    const claims = JSON.stringify({ rid: 'r', idn: null, iss: 'region-gateway', aud: 'porvoo', iat, exp: iat + 60, note: 'MARK' });
    const [before, after] = claims.split('MARK') as [string, string];
    // A lone 0xC3 (the first byte of ä without its second): Buffer's decoding read it as U+FFFD and accepted the token.
    const body = b64(Buffer.concat([Buffer.from(before), Buffer.from([0xc3]), Buffer.from(after)]));
    await expect(verifyInternalToken(key, resign(header, body), 'porvoo', now)).rejects.toMatchObject({ reason: 'MALFORMED' });
    const badHeader = b64(Buffer.concat([Buffer.from('{"alg":"HS256","kid":"'), Buffer.from([0xff]), Buffer.from('"}')]));
    const goodBody = b64(Buffer.from(claims.replace('MARK', 'ä')));
    await expect(verifyInternalToken(key, resign(badHeader, goodBody), 'porvoo', now)).rejects.toMatchObject({ reason: 'MALFORMED' });
    expect(await verifyInternalToken(key, resign(header, goodBody), 'porvoo', now)).toEqual({ identity: null, requestId: 'r' });
  });

  it('keys come from base64url of at least 32 bytes, and are never serialised', () => {
    const secret = key.exportSecret();
    expect(InternalKey.fromSecret(secret).exportSecret()).toBe(secret);
    expect(JSON.stringify({ key })).toBe('{"key":"[InternalKey]"}');
    expect(() => InternalKey.fromSecret('c2hvcnQ')).toThrow(InternalKeyError);
    expect(() => InternalKey.fromSecret('a b')).toThrow(/base64url/);
  });
});
