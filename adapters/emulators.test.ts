/** Emulators started as the real sources would run: per-instance TLS, credentials and X-Road requirements. */
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeEmulators, startEmulator, startEmulators, type RegionEmulators } from './emulators.ts';
import { FIXTURES_DIR, makeTestPki, TEST_XROAD, type TestPki } from './wire/testSupport.ts';

let pki: TestPki;
let emulators: RegionEmulators;

beforeAll(async () => {
  pki = await makeTestPki();
  const tls = { cert: pki.server.cert, key: pki.server.key };
  emulators = await startEmulators({
    fixturesDir: FIXTURES_DIR,
    only: ['vtj', 'pegasos-loviisa', 'effica-phhyky'],
    instances: { vtj: { tls, requireXRoad: TEST_XROAD }, 'pegasos-loviisa': { tls } },
  });
});

afterAll(async () => {
  await closeEmulators(emulators);
});

describe('startEmulators with per-instance options', () => {
  it('serves each instance as told: https and mllps where TLS is asked, plain elsewhere', () => {
    expect(emulators.get('vtj')!.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.get('pegasos-loviisa')!.address).toMatch(/^mllps:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.get('effica-phhyky')!.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('VTJ told to require X-Road refuses a query without the headers with a security server fault', async () => {
    const agent = new Agent({ connect: { ca: pki.ca } });
    try {
      const res = await request(`${emulators.get('vtj')!.address}/vtj/HenkilotietoPalvelu`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '"urn:vtj:henkilotietokysely:1#TeeHenkilonTunnusKysely"' },
        body:
          '<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
          '<TeeHenkilonTunnusKysely xmlns="urn:vtj:henkilotietokysely:1"><Henkilotunnus>160578-970S</Henkilotunnus><Tuotekoodi>PERUSSANOMA1</Tuotekoodi></TeeHenkilonTunnusKysely>' +
          '</soap:Body></soap:Envelope>',
      });
      expect(res.statusCode).toBe(500);
      const body = (await res.body.text()).replace(
        /<faultDetail xmlns="">[0-9a-f-]{36}<\/faultDetail>/,
        '<faultDetail xmlns="">UUID</faultDetail>',
      );
      expect(body).toBe(
        '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault>' +
          '<faultcode>Client.MissingHeaderField</faultcode><faultstring>Required header field client is missing</faultstring>' +
          '<faultactor></faultactor><detail><faultDetail xmlns="">UUID</faultDetail></detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>',
      );
    } finally {
      await agent.close();
    }
  });

  it('refuses requirements a product cannot have: X-Road on another product, credentials on Pegasos', async () => {
    await expect(startEmulator('effica-porvoo', FIXTURES_DIR, '127.0.0.1', { requireXRoad: TEST_XROAD })).rejects.toThrow(
      'Expected requireXRoad for vtj only, received it for effica-porvoo.',
    );
    await expect(
      startEmulator('pegasos-loviisa', FIXTURES_DIR, '127.0.0.1', { credentials: { username: 'u', password: 'p' } }),
    ).rejects.toThrow('Expected no credentials for pegasos-loviisa (MLLP takes none), received some.');
  });
});
