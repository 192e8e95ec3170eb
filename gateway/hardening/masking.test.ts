import { describe, expect, it } from 'vitest';
import { maskFormattedError, maskResponseErrors, scrubMessage } from '../errors.ts';

describe('scrubMessage', () => {
  it('cuts stack frames and replaces URLs and IP addresses', () => {
    expect(
      scrubMessage(
        'request to http://lists.internal:4002/graphql failed, reason: connect ECONNREFUSED 10.0.0.7:4002\n    at ClientRequest.<anonymous> (/srv/node_modules/x.js:1:1)',
      ),
    ).toBe('request to a URL failed, reason: connect ECONNREFUSED an address');
    expect(scrubMessage('Source effica-porvoo could not be read.')).toBe('Source effica-porvoo could not be read.');
  });

  it('is linear on a long word quoted from a hostile query', () => {
    const long = `Cannot query field "${'a'.repeat(200_000)}" on type "Query".`;
    const started = performance.now();
    expect(scrubMessage(long)).toBe(long);
    expect(scrubMessage(`${'a'.repeat(200_000)}://x`)).toMatch(/a URL$/);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('maskFormattedError', () => {
  it('drops extensions that carry internals and keeps the rest', () => {
    const masked = maskFormattedError(
      {
        message: 'x',
        extensions: {
          code: 'SOURCE_UNAVAILABLE',
          instance: 'effica-porvoo',
          stacktrace: ['at x'],
          response: { url: 'http://x', body: '<html>' },
          exception: {},
        },
      },
      { production: true },
    );
    expect(masked).toEqual({ message: 'x', extensions: { code: 'SOURCE_UNAVAILABLE', instance: 'effica-porvoo' } });
  });

  it("removes the value a variable error quotes, and in production the suggestions and unexpected errors' messages", () => {
    const variable = {
      message: 'Variable "$n" got invalid value "010150-999K"; Int cannot represent non-integer value: "010150-999K"',
      extensions: { code: 'BAD_USER_INPUT' },
    };
    expect(maskFormattedError(variable, { production: false }).message).toBe('Variable "$n" got a value that is not of its type.');
    const typo = {
      message: 'Cannot query field "nme" on type "Person". Did you mean "name" or "names"?',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    };
    expect(maskFormattedError(typo, { production: true }).message).toBe('Cannot query field "nme" on type "Person".');
    expect(maskFormattedError(typo, { production: false }).message).toBe(typo.message);
    for (const code of ['INTERNAL_SERVER_ERROR', 'DOWNSTREAM_SERVICE_ERROR', undefined]) {
      const error = { message: 'relation "person_index" does not exist', ...(code ? { extensions: { code } } : {}) };
      expect(maskFormattedError(error, { production: true }).message, String(code)).toBe('Internal server error.');
      expect(maskFormattedError(error, { production: false }).message, String(code)).toBe(error.message);
    }
  });
});

describe('maskResponseErrors', () => {
  it('masks every error of a GraphQL body, keeps data, and leaves other payloads alone', () => {
    const body = { data: { a: 1 }, errors: [{ message: 'at http://x/y', extensions: { code: 'FORBIDDEN', reason: 'NO_CARE_RELATION' } }] };
    expect(maskResponseErrors(body, { production: true })).toEqual({
      data: { a: 1 },
      errors: [{ message: 'at a URL', extensions: { code: 'FORBIDDEN', reason: 'NO_CARE_RELATION' } }],
    });
    expect(body.errors[0]!.message).toBe('at http://x/y');
    expect(maskResponseErrors('text', { production: true })).toBe('text');
    expect(maskResponseErrors({ status: 'ok' }, { production: true })).toEqual({ status: 'ok' });
  });
});
