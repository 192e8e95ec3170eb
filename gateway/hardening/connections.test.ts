/**
 * Slow clients and connection floods, on real sockets (the point is the
 * socket): a body or headers trickled slower than the deadline are cut
 * within the deadline plus slack; connections beyond the caps are closed at
 * once while those already open are served. Small limits, so the suite is
 * quick; the defaults are in contract/serverLimits.ts.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../subgraphs/server/logger.ts';
import { createSubgraphServer } from '../../subgraphs/server/server.ts';
import { TEST_INTERNAL_KEY, gatewayHeaders } from '../../subgraphs/testSupport/fakes.ts';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from '../graphql.ts';
import { createGateway } from '../server.ts';
import { captureLogger, composeSupergraph } from '../testSupport.ts';
import type { TestSubgraph } from '../testSupport.ts';
import type { ServerLimits } from '../../contract/serverLimits.ts';
import { startCountingSubgraphs } from './testSupport.ts';

const REQUEST_TIMEOUT_MS = 800;
const HEADERS_TIMEOUT_MS = 400;
/** Node checks deadlines every quarter of the shorter one (100 ms here); the rest is this shared 2-core machine. */
const SLACK_MS = 700;

let subgraphs: TestSubgraph[];
const opened: Socket[] = [];

beforeAll(async () => {
  subgraphs = await startCountingSubgraphs();
});

afterEach(() => {
  for (const s of opened.splice(0)) s.destroy();
});

afterAll(async () => {
  await Promise.all((subgraphs ?? []).map((s) => s.close()));
});

async function listening(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function gateway(server: Partial<ServerLimits>): Promise<{ app: FastifyInstance; port: number }> {
  const app = await createGateway({ supergraphSdl: composeSupergraph(subgraphs), logger: captureLogger().logger, server });
  return { app, port: await listening(app) };
}

/** A socket to the port, once connected; what it receives, and when it closed. */
function open(port: number): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    opened.push(socket);
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
    socket.on('error', () => {});
    const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now())));
    socket.once('connect', () => resolve({ socket, received: () => out, closed }));
    socket.once('error', reject);
  });
}

/** Writes `text` one byte per `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

const BODY = JSON.stringify({ query: '{ person(id: "1") { name } }' });
const POST_HEAD = `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`;
const LIMITS = { requestTimeoutMs: REQUEST_TIMEOUT_MS, headersTimeoutMs: HEADERS_TIMEOUT_MS };

describe('a slow client', () => {
  it('trickling its body slower than the request deadline is answered 408 and cut within the deadline plus slack', async () => {
    const { app, port } = await gateway(LIMITS);
    try {
      const before = subgraphs.reduce((n, s) => n + s.requests.length, 0);
      const c = await open(port);
      const started = performance.now();
      c.socket.write(POST_HEAD);
      trickle(c.socket, BODY, 150);
      const closedAt = await c.closed;
      expect(closedAt - started).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(closedAt - started).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(subgraphs.reduce((n, s) => n + s.requests.length, 0)).toBe(before);
    } finally {
      await app.close();
    }
  });

  it('trickling its headers slower than the header deadline is cut within that deadline plus slack', async () => {
    const { app, port } = await gateway(LIMITS);
    try {
      const c = await open(port);
      const started = performance.now();
      trickle(c.socket, POST_HEAD, 100);
      const closedAt = await c.closed;
      expect(closedAt - started).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
      expect(c.received()).toMatch(/^(HTTP\/1\.1 408 |$)/);
    } finally {
      await app.close();
    }
  });

  it('sending its body within the deadline is answered', async () => {
    const { app, port } = await gateway(LIMITS);
    try {
      const c = await open(port);
      c.socket.write(POST_HEAD);
      // Slowly, but within the deadline: 4 pieces 100 ms apart.
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 100));
        c.socket.write(BODY.slice((i * BODY.length) / 4, ((i + 1) * BODY.length) / 4));
      }
      await expect.poll(() => c.received(), { timeout: 2_000 }).toContain('{"data":{"person":{"name":"Person 1"}}}');
    } finally {
      await app.close();
    }
  });

  it('holding a subgraph server with a trickled body is cut there too', async () => {
    const schema = buildSubgraphSchema({
      typeDefs: parse('type Query { ok: Boolean }'),
      resolvers: { Query: { ok: () => true } } as never,
    });
    const app = createSubgraphServer({
      name: 'slow',
      schema,
      logger: silentLogger,
      createLoaders: () => undefined,
      internalKey: TEST_INTERNAL_KEY,
      server: LIMITS,
    });
    try {
      const port = await listening(app);
      const c = await open(port);
      const started = performance.now();
      // With the gateway's internal token, so that the subgraph reads the body.
      const token = Object.entries(await gatewayHeaders(app))
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('');
      c.socket.write(POST_HEAD.replace('Host: x\r\n', `Host: x\r\n${token}`));
      trickle(c.socket, BODY, 150);
      const closedAt = await c.closed;
      expect(closedAt - started).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
      expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await app.close();
    }
  });
});

describe('connection caps', () => {
  const GET = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';

  /** Whether a connection is closed by the server (without a byte) within `ms`. */
  const closedWithin = (c: { closed: Promise<number> }, ms: number) =>
    Promise.race([c.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

  for (const [label, limits] of [
    ['in all (maxConnections)', { maxConnections: 3, maxConnectionsPerIp: 0 }],
    ['from one address (maxConnectionsPerIp)', { maxConnections: 100, maxConnectionsPerIp: 3 }],
  ] as const) {
    it(`${label}: one connection over is closed at once, the open ones are served, and a place freed is taken`, async () => {
      const { app, port } = await gateway(limits);
      try {
        const held = await Promise.all([open(port), open(port), open(port)]);
        const over = await open(port);
        expect(await closedWithin(over, 1_000)).toBe(true);
        expect(over.received()).toBe('');
        for (const c of held) c.socket.write(GET);
        for (const c of held) await expect.poll(() => c.received(), { timeout: 2_000 }).toContain('{"status":"ok"}');
        held[0]!.socket.destroy();
        await held[0]!.closed;
        // The server sees the close a moment later.
        await new Promise((r) => setTimeout(r, 100));
        const next = await open(port);
        next.socket.write(GET);
        await expect.poll(() => next.received(), { timeout: 2_000 }).toContain('{"status":"ok"}');
      } finally {
        await app.close();
      }
    });
  }
});
