/**
 * Independent oracle (issue 16): the internal token against `jose`.
 *
 * Our token is a compact JWS (JWT, HS256) signed and checked with
 * node:crypto's HMAC (internalToken.ts says why not jose), so jose can read
 * it as it is: jose verifies ours, ours verifies jose's (same key, algorithm
 * and claims), and for seeded tampered, re-signed and wrong-key tokens both
 * give the same verdict. jose is given exactly the checks our file comment
 * names: HS256, issuer, audience, exp and iat required, 5 s of clock
 * tolerance, a life of at most 60 s (maxTokenAge). What jose cannot know (the
 * application claims: request id, identity, exp − iat ≤ 60) is checked here by
 * `applicationClaimsOk`, written from internalToken.ts's doc comment.
 *
 * Known, deliberate differences (ours is stricter; each is asserted below):
 * - ours refuses any `crit` header; jose accepts `crit: ["b64"]` with `b64: true`.
 * - ours reads only base64url text (RFC 7515 §2: no padding, no other characters);
 *   jose's decoder also takes `=` padding and skips white space in the signature, so a
 *   signature with a space or `=` added still verifies in jose (same signature bytes).
 * Both accept a last signature character changed only in its two unused low bits: it
 * decodes to the same 32 signature bytes (not a forgery; RFC 4648 §3.5 leaves it to the decoder).
 */
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTVerifyOptions } from 'jose';
import { describe, expect, it } from 'vitest';
import { makeHetu } from '../domain/hetu.ts';
import { caseRng, int, oracleCases, oracleSeed, pick, replay } from '../test/oracle/random.ts';
import { checkIdentity, type Identity } from './identity.ts';
import {
  INTERNAL_TOKEN_ISSUER,
  INTERNAL_TOKEN_MAX_TTL_SECONDS,
  InternalKey,
  InternalTokenError,
  signInternalToken,
  verifyInternalToken,
  type InternalTokenFailure,
} from './internalToken.ts';

const SEED = oracleSeed();
const AUDIENCES = ['region', 'lists', 'porvoo', 'loviisa', 'askola'];
const IDENTITIES: (Identity | null)[] = [
  null,
  { kind: 'citizen', sub: 'c-1', hetu: makeHetu('1957-04-18', 931) },
  { kind: 'analyst', sub: 'a-7' },
  {
    kind: 'professional',
    sub: 'n-1',
    name: 'Aarne Kivimaa',
    profession: 'NURSE',
    units: ['1.2.246.10.1061512.10.6383'],
    careAreas: ['PRIMARY_HEALTH'],
    serviceTasks: [],
    municipality: '638',
  },
];
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** jose's options for exactly our checks. */
function joseOptions(audience: string, nowSeconds: number): JWTVerifyOptions {
  return {
    algorithms: ['HS256'],
    issuer: INTERNAL_TOKEN_ISSUER,
    audience,
    requiredClaims: ['exp', 'iat'],
    maxTokenAge: INTERNAL_TOKEN_MAX_TTL_SECONDS,
    clockTolerance: 5,
    currentDate: new Date(nowSeconds * 1000),
  };
}

type Verdict = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: string };

async function joseVerdict(token: string, secret: Uint8Array, audience: string, nowSeconds: number): Promise<Verdict> {
  try {
    const { payload } = await jwtVerify(token, secret, joseOptions(audience, nowSeconds));
    return { ok: true, payload: payload as Record<string, unknown> };
  } catch (err) {
    if (!(err instanceof joseErrors.JOSEError)) throw err;
    return { ok: false, reason: joseReason(err) };
  }
}

/** jose's error as the reason ours gives for the same fault. */
function joseReason(err: InstanceType<typeof joseErrors.JOSEError>): InternalTokenFailure {
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'BAD_SIGNATURE';
  if (err instanceof joseErrors.JWTExpired) return 'EXPIRED';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return err.claim === 'aud' ? 'WRONG_AUDIENCE' : 'INVALID_CLAIMS';
  return 'MALFORMED';
}

async function oursVerdict(token: string, key: InternalKey, audience: string, nowSeconds: number): Promise<Verdict> {
  try {
    await verifyInternalToken(key, token, audience, new Date(nowSeconds * 1000));
    return { ok: true, payload: JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown> };
  } catch (err) {
    if (!(err instanceof InternalTokenError)) throw err;
    return { ok: false, reason: err.reason };
  }
}

/** The claims only the application knows (internalToken.ts): a life of at most 60 s, a request id, an identity or null. */
function applicationClaimsOk(payload: Record<string, unknown>): boolean {
  const { iat, exp, rid } = payload as { iat: number; exp: number; rid: unknown };
  if (exp - iat > INTERNAL_TOKEN_MAX_TTL_SECONDS) return false;
  if (typeof rid !== 'string' || !REQUEST_ID.test(rid)) return false;
  if (!('idn' in payload)) return false;
  return payload.idn === null || checkIdentity(payload.idn).ok;
}

const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');

function hmac(key: InternalKey, header: string, body: string): string {
  return `${header}.${body}.${key.mac(`${header}.${body}`).toString('base64url')}`;
}

function randomRequestId(random: () => number): string {
  const chars = 'abcXYZ019._:-';
  return Array.from({ length: int(random, 1, 24) }, () => pick(random, [...chars])).join('');
}

describe('internal tokens against jose (seeded)', () => {
  const key = InternalKey.fromSecret(Buffer.alloc(32, 7).toString('base64url'));
  const secret = new Uint8Array(Buffer.from(key.exportSecret(), 'base64url'));
  const otherKey = InternalKey.fromSecret(Buffer.alloc(32, 9).toString('base64url'));
  const otherSecret = new Uint8Array(Buffer.from(otherKey.exportSecret(), 'base64url'));

  it('jose verifies ours and ours verifies jose’s: the same claims, at every moment of their life and just past it', async () => {
    const cases = oracleCases(1_000);
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED, n);
      const iat = int(random, 0, 2_000_000_000);
      const ttl = int(random, 1, INTERNAL_TOKEN_MAX_TTL_SECONDS);
      const audience = pick(random, AUDIENCES);
      const identity = pick(random, IDENTITIES);
      const requestId = randomRequestId(random);
      // From 10 s before issue to 10 s past expiry: the tolerance edges on both sides.
      const now = iat + int(random, -10, ttl + 10);
      const askedAudience = random() < 0.8 ? audience : pick(random, AUDIENCES);
      const where = `${replay(SEED, n)}: iat ${iat}, ttl ${ttl}, now ${now}, aud ${audience}/${askedAudience}`;

      const ours = await signInternalToken(key, { audience, requestId, identity, ttlSeconds: ttl, now: new Date(iat * 1000) });
      const theirs = await new SignJWT({ rid: requestId, idn: identity })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(INTERNAL_TOKEN_ISSUER)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .sign(secret);
      for (const [who, token] of [
        ['ours', ours],
        ['jose', theirs],
      ] as const) {
        const o = await oursVerdict(token, key, askedAudience, now);
        const j = await joseVerdict(token, secret, askedAudience, now);
        expect(o.ok, `${where}: ${who}'s token, ours ${JSON.stringify(o)} jose ${JSON.stringify(j)}`).toBe(j.ok);
        if (!o.ok && !j.ok) expect(o.reason, `${where}: ${who}'s token`).toBe(j.reason);
        if (o.ok && j.ok) {
          expect(j.payload, where).toEqual(o.payload);
          expect(o.payload).toMatchObject({ rid: requestId, idn: identity, aud: audience, iat, exp: iat + ttl });
        }
        // Another key: both refuse, for the signature.
        expect(await joseVerdict(token, otherSecret, askedAudience, now), where).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
        expect(await oursVerdict(token, otherKey, askedAudience, now), where).toMatchObject({ ok: false, reason: 'BAD_SIGNATURE' });
      }
      // Without tolerance surprises the two tokens are the same bytes (same header, same claim order): one format.
      const sameOrder = await new SignJWT({ rid: requestId, idn: identity, iss: INTERNAL_TOKEN_ISSUER, aud: audience, iat, exp: iat + ttl })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(secret);
      expect(sameOrder, where).toBe(ours);
    }
  });

  it('tampered tokens (a character of the header, payload or signature changed, added or removed) are refused by both', async () => {
    const cases = oracleCases(1_500);
    let joseLenient = 0;
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED + 1, n);
      const iat = int(random, 1_500_000_000, 2_000_000_000);
      const audience = pick(random, AUDIENCES);
      const token = await signInternalToken(key, {
        audience,
        requestId: randomRequestId(random),
        identity: pick(random, IDENTITIES),
        now: new Date(iat * 1000),
      });
      const parts = token.split('.') as [string, string, string];
      const part = int(random, 0, 2);
      const text = parts[part]!;
      const at = int(random, 0, text.length - 1);
      const edit = random();
      let changed: string;
      if (edit < 0.6) {
        // Another base64url character in place of one.
        let c = pick(random, [...BASE64URL]);
        while (c === text[at]) c = pick(random, [...BASE64URL]);
        changed = text.slice(0, at) + c + text.slice(at + 1);
      } else if (edit < 0.75) changed = text.slice(0, at) + text.slice(at + 1);
      else if (edit < 0.9) changed = text.slice(0, at) + pick(random, [...BASE64URL]) + text.slice(at);
      else changed = text.slice(0, at) + pick(random, ['+', '/', '=', ' ', '.', '\n', 'ä', '%']) + text.slice(at);
      const tampered = parts.map((p, i) => (i === part ? changed : p)).join('.');
      const where = `${replay(SEED + 1, n)}: part ${part}, at ${at}, ${JSON.stringify(tampered)}`;
      const o = await oursVerdict(tampered, key, audience, iat + 1);
      const j = await joseVerdict(tampered, secret, audience, iat + 1);
      // The same signature bytes under a different text: only the signature part can do that.
      const sameBytes = part === 2 && Buffer.from(changed.replace(/\s/g, ''), 'base64url').equals(Buffer.from(parts[2], 'base64url'));
      const strict = /^[A-Za-z0-9_-]+$/.test(changed);
      expect(o.ok, `${where}: ours`).toBe(sameBytes && strict);
      if (j.ok) {
        expect(sameBytes, `${where}: jose accepted changed signature bytes`).toBe(true);
        if (!strict) joseLenient++;
      } else if (!o.ok) {
        // Both refused: for the same reason, except that ours calls a non-base64url text malformed before looking at the signature.
        if (strict || j.reason !== 'BAD_SIGNATURE') expect(o.reason, where).toBe(j.reason);
        else expect(o.reason, where).toBe('MALFORMED');
      }
    }
    // The leniency named in the file comment shows up (padding or white space in the signature).
    expect(joseLenient).toBeGreaterThan(0);
  });

  it('re-signed tokens with claims and headers off in one or two ways: the same verdict and reason as jose', async () => {
    const cases = oracleCases(2_000);
    const seen = new Map<string, number>();
    for (let n = 0; n < cases; n++) {
      const random = caseRng(SEED + 2, n);
      const now = int(random, 1_500_000_000, 2_000_000_000);
      const audience = pick(random, AUDIENCES);
      const iat = now - int(random, 0, 30);
      const header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' };
      const claims: Record<string, unknown> = {
        rid: randomRequestId(random),
        idn: pick(random, IDENTITIES),
        iss: INTERNAL_TOKEN_ISSUER,
        aud: audience,
        iat,
        exp: iat + int(random, 31, 60),
      };
      const faults: string[] = [];
      let rawHeader: Buffer | undefined;
      let rawBody: Buffer | undefined;
      const count = int(random, 1, 2);
      for (let f = 0; f < count; f++) {
        const d = int(random, -1, 1);
        const fault = pick(random, FAULTS);
        faults.push(`${fault}${d}`);
        switch (fault) {
          case 'exp-edge':
            claims.exp = now - 5 + d;
            claims.iat = (claims.exp as number) - 30;
            break;
          case 'iat-old':
            claims.iat = now - 65 + d;
            claims.exp = (claims.iat as number) + 60;
            break;
          case 'iat-future':
            claims.iat = now + 5 + d;
            claims.exp = (claims.iat as number) + 60;
            break;
          case 'nbf':
            claims.nbf = pick(random, [now + 5 + d, now - 100, '0', null]);
            break;
          case 'iss':
            claims.iss = pick(random, ['someone-else', 'Region-gateway', [INTERNAL_TOKEN_ISSUER], undefined]);
            break;
          case 'aud':
            claims.aud = pick(random, ['lists-x', [audience, 'lists'], ['x', 'y'], [], 7, undefined, audience.toUpperCase()]);
            break;
          case 'exp-missing':
            claims.exp = pick(random, [undefined, String(claims.exp), null]);
            break;
          case 'iat-missing':
            claims.iat = pick(random, [undefined, String(claims.iat), null]);
            break;
          case 'long-life':
            claims.exp = (claims.iat as number) + 61 + d + 1;
            break;
          case 'rid':
            claims.rid = pick(random, [undefined, '', 'a b', 'x'.repeat(129), 7, 'ok-rid']);
            break;
          case 'idn':
            claims.idn = pick(random, [
              undefined,
              { kind: 'citizen', sub: 'c', hetu: '010101-900X' },
              'nurse',
              { kind: 'analyst', sub: 'a' },
            ]);
            break;
          case 'extra':
            Object.assign(claims, { sub: 'x', jti: 'j', kid: 1 });
            break;
          case 'alg':
            header.alg = pick(random, ['HS384', 'none', 'hs256', undefined, 'RS256', '']);
            break;
          case 'typ':
            header.typ = pick(random, [undefined, 'at+jwt', 'jwt', 7]);
            break;
          case 'kid':
            header.kid = pick(random, ['k1', '']);
            break;
          case 'crit':
            Object.assign(
              header,
              pick(random, [{ crit: ['b64'], b64: true }, { crit: ['x'], x: 1 }, { crit: [] }, { crit: ['b64'], b64: false }]),
            );
            break;
          case 'b64':
            header.b64 = pick(random, [false, true]);
            break;
          case 'header-json':
            rawHeader = Buffer.from(pick(random, ['[]', '"HS256"', '{"alg":"HS256"', 'null', '{"alg":"HS256","alg":"none"}']));
            break;
          case 'body-json':
            rawBody = Buffer.from(pick(random, ['[]', '1', 'null', '{', '"x"']));
            break;
          case 'body-utf8': {
            // A byte that is no UTF-8 inside a claim nobody reads (JSON's text must be UTF-8, RFC 8259 §8.1).
            const [before, after] = JSON.stringify({ ...claims, note: 'MARK' }).split('MARK') as [string, string];
            rawBody = Buffer.concat([Buffer.from(before), Buffer.from([0x61, 0xc3]), Buffer.from(after)]);
            break;
          }
          case 'header-utf8': {
            const [before, after] = JSON.stringify({ ...header, kid: 'MARK' }).split('MARK') as [string, string];
            rawHeader = Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(after)]);
            break;
          }
        }
      }
      const headerText = b64(rawHeader ?? JSON.stringify(header));
      const bodyText = b64(rawBody ?? JSON.stringify(claims));
      const token = hmac(key, headerText, bodyText);
      const where = `${replay(SEED + 2, n)}: faults ${faults.join(',')}, header ${Buffer.from(headerText, 'base64url').toString()}, claims ${Buffer.from(bodyText, 'base64url').toString()}`;
      const o = await oursVerdict(token, key, audience, now);
      const j = await joseVerdict(token, secret, audience, now);
      const critB64 = Array.isArray(header.crit) && rawHeader === undefined;
      const expectedOurs = j.ok && applicationClaimsOk(j.payload) && !critB64;
      const verdict = `ours ${JSON.stringify(o.ok ? 'ok' : o.reason)}, jose ${JSON.stringify(j.ok ? 'ok' : j.reason)}`;
      seen.set(verdict, (seen.get(verdict) ?? 0) + 1);
      expect(o.ok, `${where}: ${verdict}`).toBe(expectedOurs);
      // One fault at a time: the same reason (two at once may be found in another order).
      if (count === 1 && !o.ok && !j.ok) expect(o.reason, `${where}: ${verdict}`).toBe(j.reason);
    }
    // Every kind of verdict was met, or the generator has drifted.
    expect([...seen.keys()].filter((v) => v.startsWith('ours "ok"')).length).toBeGreaterThan(0);
    expect(seen.size).toBeGreaterThan(6);
  });

  it('the deliberate differences: ours refuses crit ["b64"] that jose accepts, and padding or white space in the signature', async () => {
    const now = 1_800_000_000;
    const body = b64(JSON.stringify({ rid: 'r', idn: null, iss: INTERNAL_TOKEN_ISSUER, aud: 'region', iat: now, exp: now + 60 }));
    const crit = hmac(key, b64(JSON.stringify({ alg: 'HS256', crit: ['b64'], b64: true })), body);
    expect((await joseVerdict(crit, secret, 'region', now)).ok).toBe(true);
    expect(await oursVerdict(crit, key, 'region', now)).toEqual({ ok: false, reason: 'MALFORMED' });
    const plain = hmac(key, b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' })), body);
    for (const odd of [`${plain}=`, `${plain.slice(0, -5)} ${plain.slice(-5)}`]) {
      expect((await joseVerdict(odd, secret, 'region', now)).ok, odd).toBe(true);
      expect(await oursVerdict(odd, key, 'region', now)).toEqual({ ok: false, reason: 'MALFORMED' });
    }
  });
});

const FAULTS = [
  'exp-edge',
  'iat-old',
  'iat-future',
  'nbf',
  'iss',
  'aud',
  'exp-missing',
  'iat-missing',
  'long-life',
  'rid',
  'idn',
  'extra',
  'alg',
  'typ',
  'kid',
  'crit',
  'b64',
  'header-json',
  'body-json',
  'body-utf8',
  'header-utf8',
] as const;
