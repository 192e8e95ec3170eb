/**
 * The distributed run's balancer over real sockets: round-robin per
 * connection, a refused connect retried on the next replica and that replica
 * skipped for a while, a connection no replica takes failed (not answered
 * empty), a replica dying mid-answer ending the client's connection, and the
 * counters the distributed tests read (open, awaiting, exchanges).
 */
import { Agent, createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Balancer } from './balancer.ts';
import type { Backend } from './balancer.ts';

const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** An HTTP server on a free port answering with `handler`; registered for closing. */
async function backend(id: string, handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<Backend & { server: Server }> {
  const server = createServer(handler ?? ((_req, res) => res.end(id)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  open.push({ close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) });
  return { id, host: '127.0.0.1', port: (server.address() as { port: number }).port, server };
}

/** A port nothing listens on (taken, then released). */
async function closedPort(id: string): Promise<Backend> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return { id, host: '127.0.0.1', port };
}

async function balancer(backends: Backend[], now?: () => number): Promise<{ balancer: Balancer; port: number }> {
  const b = new Balancer({ name: 'test', backends, ...(now ? { now } : {}) });
  open.push(b);
  return { balancer: b, port: await b.listen() };
}

/** GET / through the balancer; the body, or the error's code. */
function get(port: number, agent: Agent | false = false): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
      res.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    req.end();
  });
}

describe('the round-robin balancer', () => {
  it('hands each new connection to the next replica and keeps a keep-alive connection on its replica', async () => {
    const { balancer: b, port } = await balancer([await backend('a'), await backend('b')]);
    expect([await get(port), await get(port), await get(port), await get(port)]).toEqual(['a', 'b', 'a', 'b']);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    open.push({ close: () => agent.destroy() });
    const kept = [await get(port, agent), await get(port, agent), await get(port, agent)];
    expect(new Set(kept).size).toBe(1);
    const counters = b.counters();
    expect(counters.map((c) => [c.id, c.connections])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
    expect(counters.reduce((n, c) => n + c.exchanges, 0)).toBe(7);
    // The keep-alive connection is still open, idle: open but not awaiting an answer.
    expect(counters.map((c) => [c.open, c.awaiting])).toContainEqual([1, 0]);
  });

  it('retries a refused connect on the next replica and skips the refusing one for a while, then tries it again', async () => {
    let now = 1_000_000;
    const down = await closedPort('down');
    const { balancer: b, port } = await balancer([down, await backend('up')], () => now);
    expect(await get(port)).toBe('up'); // down refused, retried on up
    expect(await get(port)).toBe('up');
    expect(await get(port)).toBe('up');
    expect(b.counters()[0]).toMatchObject({ id: 'down', connections: 0, failedConnects: 1, skipped: true });
    now += 3_001;
    expect(b.counters()[0]!.skipped).toBe(false);
    // Two connections: one of them starts its round at the refusing replica again.
    expect([await get(port), await get(port)]).toEqual(['up', 'up']);
    expect(b.counters()[0]!.failedConnects).toBe(2);
  });

  it('fails a connection no replica accepts (the client sees an error, not an empty answer)', async () => {
    const { balancer: b, port } = await balancer([await closedPort('x'), await closedPort('y')]);
    expect(await get(port)).toMatch(/^error /);
    expect(b.rejectedConnections).toBe(1);
    expect(b.counters().map((c) => c.failedConnects)).toEqual([1, 1]);
  });

  it('counts a request in flight while the replica has not answered, and ends the client when the replica dies mid-answer', async () => {
    let answer: (() => void) | undefined;
    const slow = await backend('slow', (req, res) => {
      if (req.url === '/') {
        answer = () => res.end('late');
        return;
      }
      res.end();
    });
    const { balancer: b, port } = await balancer([slow]);
    const pending = get(port);
    await expect.poll(() => b.counters()[0]!.awaiting, { timeout: 2_000 }).toBe(1);
    answer!();
    expect(await pending).toBe('late');

    const dying = await backend('dying', (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      // The replica dies half-way through its answer.
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { balancer: b2, port: port2 } = await balancer([dying]);
    expect(await get(port2)).toMatch(/^error /);
    await expect.poll(() => b2.counters()[0]!.open, { timeout: 2_000 }).toBe(0);
  });
});
