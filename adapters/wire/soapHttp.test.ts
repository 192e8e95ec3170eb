/** The SOAP HTTP client's failure kinds over a real socket, and the emulators' literal request reader. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFloodServer } from './testSupport.ts';
import { SoapHttpClient, SoapHttpFailure } from './soapHttp.ts';
import { readLiteralRequest } from '../emulator/soapRequest.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url === '/hang') return; // never answers
      if (req.url === '/big') return void res.writeHead(200, { 'content-type': 'text/xml' }).end('x'.repeat(5000));
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(`<ok action=${JSON.stringify(req.headers.soapaction ?? '')}/>`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('SoapHttpClient', () => {
  const client = () => new SoapHttpClient({ timeoutMs: 300, connections: 4, maxResponseBytes: 1000, maxReferences: 10 });

  it('posts with the SOAPAction and hands back status, content type and bytes', async () => {
    const c = client();
    const a = await c.post(`${base}/ok`, '"urn:x#Op"', '<e/>');
    await c.close();
    expect(a).toEqual({ status: 200, contentType: 'text/xml; charset=utf-8', body: Buffer.from('<ok action="\\"urn:x#Op\\""/>') });
  });

  it('no answer within the deadline → timeout, on time', async () => {
    const c = client();
    const t0 = Date.now();
    const a = await c.post(`${base}/hang`, '""', '<e/>');
    c.destroy();
    expect(a).toBeInstanceOf(SoapHttpFailure);
    expect((a as SoapHttpFailure).kind).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(290 + 250);
  });

  it("the caller's abort → cancelled at once, for every request under that signal", async () => {
    const c = client();
    const controller = new AbortController();
    const pending = [c.post(`${base}/hang`, '""', '<e/>', controller.signal), c.get(`${base}/hang`, controller.signal)];
    setTimeout(() => controller.abort(), 30);
    const t0 = Date.now();
    const answers = await Promise.all(pending);
    c.destroy();
    expect(answers.map((a) => (a as SoapHttpFailure).kind)).toEqual(['cancelled', 'cancelled']);
    expect(Date.now() - t0).toBeLessThan(250);
  });

  it('a body over the limit → tooLarge; a refused connection → refused', async () => {
    const c = client();
    expect(((await c.get(`${base}/big`)) as SoapHttpFailure).kind).toBe('tooLarge');
    expect(((await c.get('http://127.0.0.1:1/x')) as SoapHttpFailure).kind).toBe('refused');
    await c.close();
  });
});

describe('readLiteralRequest', () => {
  const env = (inner: string, decl = '<?xml version="1.0" encoding="utf-8"?>') =>
    `${decl}<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${inner}</soap:Body></soap:Envelope>`;

  it('reads the plain form: element, its namespace, simple children', () => {
    expect(
      readLiteralRequest(
        env('<HaeMaksutPyynto xmlns="urn:x"><Hetu>131052-9085</Hetu><Vuosi>2026</Vuosi><Tyhja></Tyhja></HaeMaksutPyynto>'),
      ),
    ).toEqual({
      element: 'HaeMaksutPyynto',
      namespace: 'urn:x',
      fields: { Hetu: '131052-9085', Vuosi: '2026', Tyhja: '' },
    });
    expect(readLiteralRequest(env('<Q xmlns="urn:x"></Q>', ''))).toEqual({ element: 'Q', namespace: 'urn:x', fields: {} });
  });

  it.each([
    ['a repeated child', env('<Q xmlns="urn:x"><Hetu>1</Hetu><Hetu>2</Hetu></Q>')],
    ['an entity', env('<Q xmlns="urn:x"><Hetu>&amp;</Hetu></Q>')],
    ['space around text', env('<Q xmlns="urn:x"><Hetu> 1</Hetu></Q>')],
    ['a reserved name', env('<Q xmlns="urn:x"><constructor>1</constructor></Q>')],
    ['a prefixed payload', env('<t:Q xmlns:t="urn:x"><t:Hetu>1</t:Hetu></t:Q>')],
    ['a comment', env('<Q xmlns="urn:x"><!-- c --><Hetu>1</Hetu></Q>')],
    ['a DOCTYPE', `<!DOCTYPE e [<!ENTITY x "y">]>${env('<Q xmlns="urn:x"><Hetu>1</Hetu></Q>', '')}`],
    ['a mismatched tag', env('<Q xmlns="urn:x"><Hetu>1</Vuosi></Q>')],
    [
      'a declaration twice',
      env('<Q xmlns="urn:x"></Q>').replace('xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"', 'xmlns:soap="a" xmlns:soap="b"'),
    ],
  ])('leaves %s to the parser', (_, body) => {
    expect(readLiteralRequest(body)).toBeUndefined();
  });
});

describe('SoapHttpClient answer limits', () => {
  const MIB = 1024 * 1024;

  it('stops reading a 60 MB answer as soon as it passes the byte limit (tooLarge), sending little more than the limit', async () => {
    const flood = await startFloodServer({ contentType: 'text/xml', head: '<a>', chunk: '<b>xxxxxxxxxxxxxxxx</b>', totalBytes: 60 * MIB });
    const c = new SoapHttpClient({ timeoutMs: 5_000, connections: 1, maxResponseBytes: 1 * MIB, maxReferences: 100 });
    const t0 = Date.now();
    const a = await c.post(`${flood.url}/svc`, '""', '<e/>');
    const ms = Date.now() - t0;
    await c.close();
    await flood.close();
    expect((a as SoapHttpFailure).kind).toBe('tooLarge');
    expect(ms).toBeLessThan(1_000);
    // What left the server: the limit plus socket buffers, far from 60 MB.
    expect(flood.sentBytes()).toBeLessThan(12 * MIB);
  });

  it('stops at the reference budget (tooManyReferences), well under the byte limit', async () => {
    const flood = await startFloodServer({ contentType: 'text/xml', head: '<a>', chunk: '&#65;', totalBytes: 8 * MIB });
    const c = new SoapHttpClient({ timeoutMs: 5_000, connections: 1, maxResponseBytes: 8 * MIB, maxReferences: 1_000 });
    const a = await c.post(`${flood.url}/svc`, '""', '<e/>');
    await c.close();
    await flood.close();
    expect((a as SoapHttpFailure).kind).toBe('tooManyReferences');
    expect(((a as SoapHttpFailure).cause as Error).message).toBe(
      'expected at most 1000 entity or character references in the answer, received more',
    );
    expect(flood.sentBytes()).toBeLessThan(8 * MIB);
  });

  it('reads an answer exactly at the limits', async () => {
    const body = `<a>${'&amp;'.repeat(10)}</a>`;
    const flood = await startFloodServer({
      contentType: 'text/xml',
      head: '',
      chunk: '',
      totalBytes: 0,
      answer: () => ({ status: 200, contentType: 'text/xml', body }),
    });
    const c = new SoapHttpClient({ timeoutMs: 5_000, connections: 1, maxResponseBytes: body.length, maxReferences: 10 });
    const a = await c.post(`${flood.url}/svc`, '""', '<e/>');
    await c.close();
    await flood.close();
    expect((a as { body: Buffer }).body.toString()).toBe(body);
  });
});
