/**
 * Test support: a tiny HTTP server that answers with an oversize body, sent
 * in chunks (no Content-Length) until its size is reached or the client
 * goes away, and counts the bytes it managed to send. Adapter tests point
 * an adapter at it to show a reader stops at its limit instead of
 * buffering the whole answer.
 */
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FloodOptions {
  /** Content type of the flood. */
  readonly contentType: string;
  /** Text sent first (a declaration and opening tags). */
  readonly head: string;
  /** Text repeated after it. */
  readonly chunk: string;
  /** Bytes to send in all, unless the client closes first. */
  readonly totalBytes: number;
  /** A plain answer for a request (a WSDL, say); undefined floods. */
  readonly answer?: (method: string, url: string) => { readonly status: number; readonly contentType: string; readonly body: string } | undefined;
}

export interface FloodServer {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  /** Bytes of flood bodies handed to the socket so far (kernel buffers included). */
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
    res.write(options.head);
    sent += Buffer.byteLength(options.head);
    while (!gone && sent < options.totalBytes) {
      sent += block.length;
      // Room again, or the client went away (it resets the connection at its limit): never a rejection.
      if (!res.write(block)) await new Promise((r) => res.once('drain', r).once('close', r));
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
