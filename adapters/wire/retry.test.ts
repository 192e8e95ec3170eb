import { describe, expect, it } from 'vitest';
import { isConnectionReset, retryOnReset } from './retry.ts';

const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('retryOnReset', () => {
  it('retries a read once when the reused connection was reset, and returns the second answer', async () => {
    let calls = 0;
    const answer = await retryOnReset(async () => {
      calls++;
      if (calls === 1) throw new Error('fetch failed', { cause: reset });
      return 'data';
    });
    expect(answer).toBe('data');
    expect(calls).toBe(2);
  });

  it('does not retry a refusal, a timeout or a second reset', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    await expect(
      retryOnReset(async () => {
        calls++;
        throw refused;
      }),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryOnReset(async () => {
        calls++;
        throw reset;
      }),
    ).rejects.toBe(reset);
    expect(calls).toBe(2);
  });

  it('does not retry when the caller has given up', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    await expect(
      retryOnReset(async () => {
        calls++;
        throw reset;
      }, controller.signal),
    ).rejects.toBe(reset);
    expect(calls).toBe(1);
  });

  it('recognises undici socket errors through their causes', () => {
    expect(isConnectionReset(new Error('x', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }))).toBe(
      true,
    );
    expect(isConnectionReset(new Error('plain'))).toBe(false);
  });
});
