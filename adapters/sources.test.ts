/** createSources checks each instance's answer limits once, before any adapter is made. */
import { describe, expect, it } from 'vitest';
import { createSources } from './sources.ts';

describe('createSources', () => {
  it('refuses an answer limit that is not a positive whole number, naming the instance and the setting', async () => {
    await expect(
      createSources({ addresses: { vtj: 'http://127.0.0.1:1' }, limits: { 'effica-porvoo': { maxResponseBytes: 0 } } }),
    ).rejects.toThrow(
      new RangeError('Limits of effica-porvoo: expected maxResponseBytes as a positive whole number of bytes, received 0.'),
    );
  });
});
