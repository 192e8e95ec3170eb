import { describe, expect, it } from 'vitest';
import { ADAPTER_ERROR_CODES, AdapterError, issue } from './errors.ts';
import { emptyRecords } from './model.ts';

describe('AdapterError', () => {
  it('is an Error carrying code, source, message and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const e = new AdapterError('SOURCE_UNAVAILABLE', 'lifecare-porvoo', 'expected an answer within 2000 ms, received none', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('AdapterError');
    expect(e.code).toBe('SOURCE_UNAVAILABLE');
    expect(e.source).toBe('lifecare-porvoo');
    expect(e.message).toBe('expected an answer within 2000 ms, received none');
    expect(e.cause).toBe(cause);
  });

  it('has a description for every code', () => {
    for (const [code, text] of Object.entries(ADAPTER_ERROR_CODES)) expect(text.length, code).toBeGreaterThan(10);
  });
});

describe('issue and emptyRecords', () => {
  it('builds a record issue', () => {
    expect(issue('MALFORMED_RECORD', 'mediatri-sipoo', 'ajanvaraus.csv line 14', 'expected a date, received text')).toEqual({
      code: 'MALFORMED_RECORD',
      source: 'mediatri-sipoo',
      position: 'ajanvaraus.csv line 14',
      reason: 'expected a date, received text',
    });
  });

  it('gives empty lists for a person a source does not know', () => {
    const r = emptyRecords('010594Y9021', 'effica-porvoo');
    expect(r).toEqual({
      hetu: '010594Y9021',
      instance: 'effica-porvoo',
      customerships: [],
      decisions: [],
      plans: [],
      appointments: [],
      fees: [],
      consents: [],
    });
    // separate lists each call, so one slot's records cannot leak into another's
    expect(emptyRecords('010594Y9021', 'effica-porvoo').fees).not.toBe(r.fees);
  });
});
