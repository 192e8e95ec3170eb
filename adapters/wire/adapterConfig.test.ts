/** The one place sources' settings are checked: each wrong setting named with its instance, secrets never echoed. */
import { describe, expect, it } from 'vitest';
import { adapterConfigProblem, addressSelectsTls, type AdapterSettings } from './adapterConfig.ts';
import type { InstanceId } from '../../domain/region.ts';
import { holdsIdentityCode, parseXRoadClient, parseXRoadService, xroadUserId } from './xroad.ts';
import { TEST_XROAD } from './testSupport.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n';

const problem = (instance: InstanceId, settings: Partial<AdapterSettings>) =>
  adapterConfigProblem({ instance, address: 'https://source.example', timeoutMs: 5_000, ...settings });

describe('adapterConfigProblem', () => {
  it('accepts every product with its own address form and TLS', () => {
    expect(
      problem('vtj', { tls: { ca: PEM, cert: PEM, key: KEY }, credentials: { username: 'u', password: 'p' }, xroad: TEST_XROAD }),
    ).toBeUndefined();
    expect(problem('pegasos-loviisa', { address: 'mllps://hl7.example:2575', tls: { ca: PEM } })).toBeUndefined();
    expect(problem('pegasos-loviisa', { address: '127.0.0.1:2575' })).toBeUndefined();
    expect(
      problem('proconsona-sipoo', {
        address: 'postgres://db.example/pro?sslmode=verify-full',
        tls: { ca: PEM },
        credentials: { username: 'u', password: 'p' },
      }),
    ).toBeUndefined();
    expect(problem('effica-porvoo', { concurrency: 12 })).toBeUndefined();
  });

  it('names the instance when a client certificate comes without its key, or the key alone', () => {
    expect(problem('lifecare-porvoo', { tls: { cert: PEM } })).toBe(
      'expected tls.cert and tls.key together (a client certificate and its key) for lifecare-porvoo, received a certificate alone',
    );
    expect(problem('mediatri-sipoo', { tls: { key: KEY } })).toMatch(/for mediatri-sipoo, received a key alone$/);
  });

  it('refuses TLS settings on an address without TLS, and text that is no PEM (a file path by mistake)', () => {
    expect(problem('effica-porvoo', { address: 'http://effica.example', tls: { ca: PEM } })).toMatch(
      /^expected an address that selects TLS .* for effica-porvoo, received one without TLS$/,
    );
    expect(problem('pegasos-loviisa', { address: 'hl7.example:2575', tls: { ca: PEM } })).toMatch(
      /for pegasos-loviisa, received one without TLS$/,
    );
    expect(problem('vtj', { tls: { ca: '/etc/ssl/ca.pem' } })).toBe(
      'expected tls.ca as PEM text for vtj, received text without a PEM header',
    );
  });

  it('never sends a password in the clear, takes none for Pegasos, and never echoes one', () => {
    const secret = 'TopSecret-42';
    expect(problem('lifecare-askola', { address: 'http://lifecare.example', credentials: { username: 'u', password: secret } })).toBe(
      'expected an https:// address with credentials (a password is never sent in the clear) for lifecare-askola, received an http:// address',
    );
    expect(problem('pegasos-loviisa', { address: 'mllps://h:1', credentials: { username: 'u', password: secret } })).toMatch(
      /^expected no credentials/,
    );
    expect(problem('vtj', { credentials: { username: 'u', password: '' } })).toBe(
      'expected credentials with both a user name and a password for vtj, received one of them empty',
    );
  });

  it('refuses a ProConsona sslmode that could end unverified, and X-Road settings on another product', () => {
    expect(problem('proconsona-askola', { address: 'postgres://db/pro?sslmode=no-verify' })).toMatch(
      /^expected sslmode disable, require, verify-ca or verify-full/,
    );
    expect(problem('proconsona-askola', { address: 'postgres://db/pro?sslmode=prefer' })).toMatch(/verification is never turned off/);
    expect(problem('effica-porvoo', { xroad: TEST_XROAD })).toMatch(/^expected no X-Road settings/);
  });

  it('refuses bad numbers, bad addresses and an identity code as the system user id', () => {
    expect(problem('vtj', { concurrency: 0 })).toBe('expected concurrency as a whole number from 1 to 256 for vtj, received 0');
    expect(problem('vtj', { timeoutMs: -1 })).toMatch(/^expected timeoutMs/);
    expect(problem('vtj', { address: 'ftp://x' })).toBe('expected an http:// or https:// URL for vtj, received "ftp://x"');
    expect(problem('vtj', { xroad: { ...TEST_XROAD, systemUserId: 'FI010101-900X' } })).toBe(
      'X-Road settings of vtj: expected systemUserId without an identity code, received one holding one',
    );
    expect(problem('vtj', { xroad: { ...TEST_XROAD, protocolVersion: '3.1' } })).toBe(
      'X-Road settings of vtj: expected protocolVersion 4.x, received "3.1"',
    );
  });

  it('tells which addresses select TLS', () => {
    expect(
      ['https://a', 'mllps://a:1', 'postgres://a/b?sslmode=require', 'postgres://a/b?sslmode=verify-full'].map(addressSelectsTls),
    ).toEqual([true, true, true, true]);
    expect(['http://a', 'a:1', 'mllp://a:1', 'postgres://a/b', 'postgres://a/b?sslmode=disable'].map(addressSelectsTls)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('X-Road identifiers and the user id', () => {
  it('reads the identifiers as the deployment settings write them', () => {
    expect(parseXRoadClient('FI/GOV/0245437-2/regiongraph')).toEqual(TEST_XROAD.client);
    expect(parseXRoadService('FI/GOV/0245439-9/VTJkysely/HenkilotunnuskyselyV1/v1')).toEqual(TEST_XROAD.service);
    expect(parseXRoadService('FI/GOV/0245439-9/HenkilotunnuskyselyV1')).toEqual({
      xRoadInstance: 'FI',
      memberClass: 'GOV',
      memberCode: '0245439-9',
      serviceCode: 'HenkilotunnuskyselyV1',
    });
    expect(parseXRoadClient('FI/GOV/0245437-2')).toBeUndefined();
  });

  it('never uses an identity code, in any form, as the user id', () => {
    for (const code of ['010101-900X', '010101A900X', '010101a900x', '010101 900X', 'EE010101900X', 'fi:010101Y900X'])
      expect([holdsIdentityCode(code), xroadUserId(TEST_XROAD, { userId: code })]).toEqual([true, 'regiongraph-system']);
    expect(xroadUserId(TEST_XROAD, { userId: 'professional-7f3a' })).toBe('professional-7f3a');
    expect(xroadUserId({ ...TEST_XROAD, systemUserId: 'index' }, undefined)).toBe('index');
  });
});
