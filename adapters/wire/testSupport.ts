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
