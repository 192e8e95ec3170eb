/**
 * Test support: a tiny HTTP server that answers with an oversize body, sent
 * in chunks (no Content-Length) until its size is reached or the client
 * goes away, and counts the bytes it managed to send. Adapter tests point
 * an adapter at it to show a reader stops at its limit instead of
 * buffering the whole answer. Also a PKI made at test time (`makeTestPki`)
 * and the tests every product passes as a real source (`describeRealSource`).
 */
// @peculiar/x509's dependency injection (tsyringe) needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError } from '../../domain/errors.ts';
import type { InstanceId } from '../../domain/region.ts';
import type { PersonSlot, ReadOptions, SourceAdapter } from '../../domain/sourceAdapter.ts';
import { systemClock } from '../../domain/time.ts';
import type { RunningEmulator } from '../emulator/faults.ts';
import type { EmulatorSecurity } from '../emulator/httpEmulator.ts';
import type { AdapterConfig } from './adapterConfig.ts';
import type { XRoadConfig } from './xroad.ts';

export interface FloodOptions {
  /** Content type of the flood. */
  readonly contentType: string;
  /** Text sent first (a declaration and opening tags). */
  readonly head: string;
  /** Text repeated after it. */
  readonly chunk: string;
  /** Bytes to send in each flood answer, unless the client closes first. */
  readonly totalBytes: number;
  /** A plain answer for a request (a WSDL, say); undefined floods. */
  readonly answer?: (
    method: string,
    url: string,
  ) => { readonly status: number; readonly contentType: string; readonly body: string } | undefined;
}

/** Resolves when the response can take more or is closed (the client resets the connection at its limit): never rejects. */
function roomOrEnd(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}

export interface FloodServer {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  /** Bytes of all flood bodies handed to the sockets so far (kernel buffers included). */
  sentBytes(): number;
  /** Flood answers begun so far. */
  floods(): number;
  close(): Promise<void>;
}

/** Starts the server on a free local port. */
export async function startFloodServer(options: FloodOptions): Promise<FloodServer> {
  let sent = 0;
  let floods = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const plain = options.answer?.(req.method ?? 'GET', req.url ?? '/');
      if (plain) return void res.writeHead(plain.status, { 'content-type': plain.contentType }).end(plain.body);
      void flood(res);
    });
  });

  async function flood(res: ServerResponse): Promise<void> {
    floods++;
    res.writeHead(200, { 'content-type': options.contentType });
    const block = Buffer.from(options.chunk.repeat(Math.max(1, Math.floor(65_536 / Buffer.byteLength(options.chunk)))));
    let gone = false;
    res.on('close', () => (gone = true));
    let mine = Buffer.byteLength(options.head);
    res.write(options.head);
    sent += mine;
    while (!gone && mine < options.totalBytes) {
      mine += block.length;
      sent += block.length;
      if (!res.write(block)) await roomOrEnd(res);
    }
    if (!gone) res.end();
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sentBytes: () => sent,
    floods: () => floods,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** PEM texts of a test PKI made at test time: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate. */
export interface TestPki {
  readonly ca: string;
  readonly server: { readonly cert: string; readonly key: string };
  readonly client: { readonly cert: string; readonly key: string };
}

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A private key as PKCS#8 PEM. */
async function keyPem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/**
 * Makes a fresh PKI (ECDSA P-256, valid from an hour ago for a day) with
 * `@peculiar/x509` on node:crypto's WebCrypto: fast (milliseconds), so each
 * test file makes its own. Two calls give two unrelated CAs (one stands for
 * "an unknown CA").
 */
export async function makeTestPki(name = 'Region Graph Test'): Promise<TestPki> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(Date.now() + 86_400_000);
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name} CA`,
    notBefore,
    notAfter,
    signingAlgorithm: EC,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const issue = async (serialNumber: string, subject: string, usage: string, names: x509.JsonGeneralName[]) => {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      signingAlgorithm: EC,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ],
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  };
  const server = await issue('02', 'CN=localhost', x509.ExtendedKeyUsage.serverAuth, [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
  ]);
  const client = await issue('03', 'CN=region-graph', x509.ExtendedKeyUsage.clientAuth, []);
  return { ca: caCert.toString('pem'), server, client };
}

/** The region's fixtures, which every emulator can serve. */
export const FIXTURES_DIR = join(import.meta.dirname, '../../fixtures');

/** X-Road identifiers of the tests (the deployment example's). */
export const TEST_XROAD: XRoadConfig = {
  client: { xRoadInstance: 'FI', memberClass: 'GOV', memberCode: '0245437-2', subsystemCode: 'regiongraph' },
  service: {
    xRoadInstance: 'FI',
    memberClass: 'GOV',
    memberCode: '0245439-9',
    subsystemCode: 'VTJkysely',
    serviceCode: 'HenkilotunnuskyselyV1',
    serviceVersion: 'v1',
  },
};

/** One record product as a real source: how to start its emulator and make its adapter. */
export interface RealSourceCase {
  readonly instance: InstanceId;
  /** A person of the instance's fixtures. */
  readonly known: string;
  /** The emulator's address when it speaks TLS. */
  readonly secureAddress: RegExp;
  /** The message of a read refused for a server certificate from an unknown CA. */
  readonly unknownCa: RegExp;
  start(options: EmulatorSecurity): Promise<RunningEmulator>;
  create(config: AdapterConfig): SourceAdapter | Promise<SourceAdapter>;
  readonly readOptions?: ReadOptions;
}

/** What a product's own tests use beside the shared ones. */
export interface RealSourceHarness {
  readonly pki: () => TestPki;
  /** Starts the emulator with the test server certificate, plus `extra` (credentials, another `tls`). */
  start(extra?: EmulatorSecurity): Promise<RunningEmulator>;
  /** Reads the known person through a fresh adapter trusting the test CA, plus `config`. */
  read(config?: Partial<AdapterConfig>): Promise<PersonSlot>;
}

/** The identity code of a read's person record; throws for an error slot. */
export function personOf(slot: PersonSlot): string | undefined {
  if (slot instanceof AdapterError) throw new Error(`expected a read, received ${slot.code}: ${slot.message}`);
  return slot.records.person?.hetu;
}

/**
 * Registers the tests every product passes as a real source (read over TLS,
 * a server certificate from an unknown CA refused with SOURCE_UNAVAILABLE
 * naming the instance, mutual TLS refused without a client certificate and
 * served with one) and returns the harness for the product's own tests.
 */
export function describeRealSource(name: string, c: RealSourceCase): RealSourceHarness {
  let pki: TestPki | undefined;
  let stranger: TestPki | undefined;
  let emulator: RunningEmulator | undefined;
  const adapters: SourceAdapter[] = [];
  beforeAll(async () => {
    [pki, stranger] = await Promise.all([makeTestPki(), makeTestPki('Unknown')]);
  });
  afterEach(async () => {
    await Promise.all(adapters.splice(0).map((a) => a.close()));
    await emulator?.close();
    emulator = undefined;
  });
  const harness: RealSourceHarness = {
    pki: () => pki!,
    async start(extra = {}) {
      emulator = await c.start({ tls: { cert: pki!.server.cert, key: pki!.server.key }, ...extra });
      return emulator;
    },
    async read(config = {}) {
      const adapter = await c.create({
        instance: c.instance,
        address: emulator!.address,
        timeoutMs: 3_000,
        clock: systemClock,
        tls: { ca: pki!.ca },
        ...config,
      });
      adapters.push(adapter);
      return (await adapter.readPersons([c.known], c.readOptions))[0]!;
    },
  };
  describe(`${name} over TLS`, () => {
    it('reads a person from an emulator whose certificate the configured CA issued', async () => {
      expect((await harness.start()).address).toMatch(c.secureAddress);
      expect(personOf(await harness.read())).toBe(c.known);
    });

    it('refuses a server certificate from an unknown CA: SOURCE_UNAVAILABLE naming the instance', async () => {
      await harness.start();
      const slot = (await harness.read({ tls: { ca: stranger!.ca } })) as AdapterError;
      expect([slot.code, slot.source]).toEqual(['SOURCE_UNAVAILABLE', c.instance]);
      expect(slot.message).toMatch(c.unknownCa);
    });

    it('mutual TLS: refused without a client certificate, served with one', async () => {
      await harness.start({ tls: { cert: pki!.server.cert, key: pki!.server.key, ca: pki!.ca } });
      const refused = (await harness.read()) as AdapterError;
      expect([refused.code, refused.source]).toEqual(['SOURCE_UNAVAILABLE', c.instance]);
      expect(personOf(await harness.read({ tls: { ca: pki!.ca, cert: pki!.client.cert, key: pki!.client.key } }))).toBe(c.known);
    });
  });
  return harness;
}
