import { describe, expect, it } from 'vitest';
import { corruptCheckCharacter, makeHetu } from '../../domain/hetu.ts';
import { decodeRecordsRef, encodeRecordsRef } from './recordsRef.ts';

const HETU = makeHetu('1970-01-01', 950);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('records reference ids', () => {
  it('round-trips, with instances sorted and deduplicated', () => {
    const id = encodeRecordsRef({
      hetu: HETU,
      municipality: '407',
      instances: ['proconsona-loviisa', 'pegasos-loviisa', 'pegasos-loviisa'],
    });
    expect(JSON.parse(Buffer.from(id, 'base64url').toString())).toEqual({
      h: HETU,
      m: '407',
      i: ['pegasos-loviisa', 'proconsona-loviisa'],
    });
    expect(decodeRecordsRef(id)).toEqual({ hetu: HETU, municipality: '407', instances: ['pegasos-loviisa', 'proconsona-loviisa'] });
  });

  it('refuses anything that is not one, without throwing', () => {
    for (const bad of [
      '',
      'not base64!',
      b64('text'),
      b64([HETU]),
      b64({ h: corruptCheckCharacter(HETU), m: '407', i: [] }),
      b64({ h: HETU, m: '091', i: [] }),
      b64({ h: HETU, m: '407', i: ['vtj'] }),
      b64({ h: HETU, m: '407', i: ['unknown-instance'] }),
      b64({ h: HETU, m: '407', i: 'pegasos-loviisa' }),
      b64({ h: HETU, m: '407', i: Array(20).fill('pegasos-loviisa') }),
      'A'.repeat(5000),
      Buffer.from('{"h":').toString('base64url'),
    ]) {
      expect(decodeRecordsRef(bad), bad.slice(0, 40)).toBeNull();
    }
  });
});
