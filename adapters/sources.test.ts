/** createSources checks each instance's answer limits once, before any adapter is made. */
import { describe, expect, it } from 'vitest';
import { createSources, sourceConfigs } from './sources.ts';

describe('createSources', () => {
  it('refuses an answer limit that is not a positive whole number, naming the instance and the setting', async () => {
    await expect(
      createSources({ addresses: { vtj: 'http://127.0.0.1:1' }, limits: { 'effica-porvoo': { maxResponseBytes: 0 } } }),
    ).rejects.toThrow(
      new RangeError('Limits of effica-porvoo: expected maxResponseBytes as a positive whole number of bytes, received 0.'),
    );
  });
});

describe('createSources with per-instance settings', () => {
  it('checks them in one place, naming the instance: a client certificate without its key', async () => {
    await expect(
      createSources({
        instances: {
          vtj: { address: 'https://127.0.0.1:1', tls: { cert: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' } },
        },
      }),
    ).rejects.toThrow(
      new RangeError('Expected tls.cert and tls.key together (a client certificate and its key) for vtj, received a certificate alone.'),
    );
  });

  it('lets the fields of an instance entry win over the short form (the rest still apply), and gives every setting to the adapter configuration', () => {
    const configs = sourceConfigs({
      addresses: { vtj: 'http://127.0.0.1:1', 'effica-porvoo': 'http://127.0.0.1:2' },
      timeoutMs: { 'effica-porvoo': 700 },
      instances: { 'effica-porvoo': { address: 'https://127.0.0.1:3', concurrency: 2, credentials: { username: 'u', password: 'p' } } },
    });
    const { clock: _clock, ...effica } = configs.get('effica-porvoo')!;
    expect(effica).toEqual({
      instance: 'effica-porvoo',
      address: 'https://127.0.0.1:3',
      timeoutMs: 700,
      concurrency: 2,
      credentials: { username: 'u', password: 'p' },
    });
    expect(configs.get('vtj')!.address).toBe('http://127.0.0.1:1');
    expect([...configs.keys()]).toEqual(['effica-porvoo', 'vtj']);
  });
});
