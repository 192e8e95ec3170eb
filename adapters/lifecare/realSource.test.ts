/**
 * Lifecare as a real source: SOAP over TLS (the shared TLS tests) and a
 * WS-Security UsernameToken (the header asserted as exact text, a wrong one
 * refused).
 */
import { describe, expect, it } from 'vitest';
import type { AdapterError } from '../../domain/index.ts';
import { describeRealSource, FIXTURES_DIR, personOf } from '../wire/testSupport.ts';
import { createLifecareAdapter } from './adapter.ts';
import { startLifecareEmulator } from './emulator.ts';

const INSTANCE = 'lifecare-phhyky';
const KNOWN = '170268-9581';
let bodies: string[] = [];

const source = describeRealSource('Lifecare', {
  instance: INSTANCE,
  known: KNOWN,
  secureAddress: /^https:\/\/127\.0\.0\.1:\d+$/,
  unknownCa: /^WSDL: expected an answer, the TLS handshake failed \(/,
  start: (options) => {
    bodies = [];
    return startLifecareEmulator({ instance: INSTANCE, fixturesDir: FIXTURES_DIR, onRequest: (b) => bodies.push(b), ...options });
  },
  create: (config) => createLifecareAdapter(config),
  readOptions: { feeYears: [2025] },
});

describe('Lifecare with a WS-Security UsernameToken', () => {
  const credentials = { username: 'regiongraph', password: 'P4ss"word' };

  it('sends the token in the SOAP header of every call and is served', async () => {
    await source.start({ credentials });
    expect(personOf(await source.read({ credentials }))).toBe(KNOWN);
    const potilas = bodies.find((b) => b.includes('HaePotilasPyynto'));
    expect(potilas).toBe(
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
        '<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" soap:mustUnderstand="1">' +
        '<wsse:UsernameToken><wsse:Username>regiongraph</wsse:Username>' +
        '<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">P4ss&quot;word</wsse:Password>' +
        '</wsse:UsernameToken></wsse:Security></soap:Header>' +
        '<soap:Body><HaePotilasPyynto xmlns="urn:lifecare:mr2020:potilaspalvelu"><Hetu>170268-9581</Hetu></HaePotilasPyynto></soap:Body></soap:Envelope>',
    );
    expect(bodies.every((b) => b.includes('<wsse:Username>regiongraph</wsse:Username>'))).toBe(true);
  });

  it('is refused with a wrong password, and without a token: SOURCE_ERROR naming the WS-Security fault', async () => {
    await source.start({ credentials });
    for (const config of [{ credentials: { username: 'regiongraph', password: 'wrong' } }, {}]) {
      const slot = await source.read(config);
      expect((slot as AdapterError).code).toBe('SOURCE_ERROR');
      expect((slot as AdapterError).message).toBe('HaePotilas: the source refused the WS-Security credentials (wsse:FailedAuthentication)');
    }
  });
});
