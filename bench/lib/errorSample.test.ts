import { describe, expect, it } from 'vitest';
import { errorSample } from './errorSample.ts';

describe('errorSample', () => {
  it('keeps status, codes, messages and paths, never the data', () => {
    const body = JSON.stringify({
      data: { customer: { hetu: '010101-950B' } },
      errors: [{ message: 'Source unavailable.', path: ['customer', 'fees'], extensions: { code: 'SOURCE_UNAVAILABLE' } }],
    });
    const sample = errorSample(200, body);
    expect(sample).toEqual({
      status: 200,
      errors: [{ code: 'SOURCE_UNAVAILABLE', message: 'Source unavailable.', path: ['customer', 'fees'] }],
    });
    expect(JSON.stringify(sample)).not.toContain('010101');
  });
  it('says so for a body that is not JSON', () => {
    expect(errorSample(502, '<html>')).toEqual({ status: 502, errors: [{ message: 'the body is not JSON' }] });
  });
});
