/**
 * Time and connection limits of an HTTP server (the gateway's and each
 * subgraph's), so that no client can hold the server with a slow request:
 * headers must arrive within headersTimeoutMs, the whole request (body
 * included) within requestTimeoutMs (else 408 and the connection closed), an
 * idle keep-alive connection is closed after keepAliveTimeoutMs, a
 * connection with no traffic at all after idleTimeoutMs, and connections
 * beyond maxConnections (in all) or maxConnectionsPerIp (from one address)
 * are closed as soon as they are accepted, while those already open go on.
 *
 * Why here: Fastify turns Node's own request timeout off (0) and keeps idle
 * connections 72 s; a body trickled at one byte per 5 s was never cut.
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';

export interface ServerLimits {
  /** The whole request, headers and body, must arrive within this many ms (408, connection closed). */
  readonly requestTimeoutMs: number;
  /** The request's headers must arrive within this many ms; at most requestTimeoutMs. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this many ms. */
  readonly keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this many ms is closed; also the longest an answer may take. */
  readonly idleTimeoutMs: number;
  /** Most open connections in all; one more is closed as soon as it is accepted. */
  readonly maxConnections: number;
  /** Most open connections from one address; 0: no such cap (e.g. behind a proxy, where every client has its address). */
  readonly maxConnectionsPerIp: number;
}

/** The gateway's defaults. */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
  maxConnections: 1_000,
  maxConnectionsPerIp: 128,
});

/**
 * The subgraph servers' defaults: the gateway's timeouts, but idle
 * keep-alive connections kept 72 s (longer than the gateway's pool keeps
 * them, 30 s, so the gateway never reuses a connection the subgraph is
 * closing) and no per-address cap (every call comes from the gateway's one
 * address, up to 128 connections per subgraph and gateway process).
 */
export const SUBGRAPH_SERVER_LIMITS: ServerLimits = Object.freeze({
  ...DEFAULT_SERVER_LIMITS,
  keepAliveTimeoutMs: 72_000,
  idleTimeoutMs: 120_000,
  maxConnections: 2_000,
  maxConnectionsPerIp: 0,
});

/** Limits with every unset one at its default. */
export function resolveServerLimits(
  given: Partial<ServerLimits> | undefined,
  defaults: ServerLimits = DEFAULT_SERVER_LIMITS,
): ServerLimits {
  const out: Record<string, number> = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {})) if (value !== undefined) out[key] = value;
  return out as unknown as ServerLimits;
}

/** Fastify factory options (an HTTP/1 server's). */
export interface ServerTimeoutOptions extends Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout'> {
  readonly http: ServerOptions;
}

/** The Fastify factory options that apply the timeouts (Node's http server options included). */
export function serverTimeoutOptions(limits: ServerLimits): ServerTimeoutOptions {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the header and request deadlines on this interval (default 30 s, which would let a
      // slow request run up to 30 s past its deadline): at most a quarter of the shorter deadline, at most 1 s.
      connectionsCheckingInterval: Math.max(
        25,
        Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
    },
  };
}

/**
 * Applies the connection caps to a server: Node's maxConnections, and a
 * count per remote address (a Map entry per address with open connections,
 * so at most maxConnections entries). Call once, before it listens.
 */
export function capConnections(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
  const perIp = limits.maxConnectionsPerIp;
  if (perIp <= 0) return;
  const open = new Map<string, number>();
  // Prepended: an excess connection is closed before the HTTP parser is attached to it.
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = open.get(address) ?? 0;
    if (count >= perIp) {
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
