import { describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import { InternalKey } from '../../contract/internalToken.ts';
import { ReadLogCursors } from './cursor.ts';

const PERSON = makeHetu('1980-05-01', 901);
const OTHER = makeHetu('1990-02-02', 907);
const cursors = new ReadLogCursors(InternalKey.generate());
const P = { atMicros: 1_749_978_000_123_000n, id: 42n };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const text = (c: string) => Buffer.from(c, 'base64url').toString('utf8');

describe('read log cursors', () => {
  it('round-trip a position; the text holds the sort key and a check, no personal data', () => {
    const c = cursors.encode(PERSON, P);
    expect(c).toMatch(/^[A-Za-z0-9_-]{40,100}$/);
    expect(text(c)).toMatch(/^r1\.1749978000123000\.42\.[A-Za-z0-9_-]{16}$/);
    expect(text(c)).not.toContain(PERSON.slice(0, 6));
    expect(cursors.decode(PERSON, c)).toEqual(P);
    expect(cursors.decode(PERSON, cursors.encode(PERSON, { atMicros: 0n, id: 1n }))).toEqual({ atMicros: 0n, id: 1n });
  });

  it('refuse a cursor that is malformed, edited, truncated, of another person’s log or of another key', () => {
    const good = cursors.encode(PERSON, P);
    const [, us, id, check] = text(good).split('.') as [string, string, string, string];
    for (const bad of [
      '',
      'not a cursor',
      good.slice(0, -2),
      `${good}A`,
      b64(`r1.${us}.${id}`),
      b64(`r1.${us}.43.${check}`), // another id, same check: tampered
      b64(`r1.${BigInt(us) - 1n}.${id}.${check}`),
      b64(`r2.${us}.${id}.${check}`),
      b64(`r1.0${us}.${id}.${check}`),
      b64(`r1.-5.${id}.${check}`),
      b64(`r1.${'9'.repeat(18)}.${id}.${check}`),
      b64(`r1.${us}.${id}.${check} ${PERSON}`),
      'A'.repeat(200),
    ]) {
      expect(cursors.decode(PERSON, bad), bad).toBeNull();
    }
    expect(cursors.decode(OTHER, good)).toBeNull();
    expect(new ReadLogCursors(InternalKey.generate()).decode(PERSON, good)).toBeNull();
  });
});
