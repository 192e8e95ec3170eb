/**
 * A small round-robin TCP balancer: what a Kubernetes Service does between
 * the gateways and a subgraph's replicas, in the distributed run's
 * supervisor (scripts/distributed/main.ts).
 *
 * Each accepted connection goes to the next replica in turn and stays with
 * it (bytes are copied both ways; HTTP keep-alive connections therefore stick
 * to one replica, as they do behind a Service). A connect that is refused or
 * fails is retried on the next replica: nothing has been sent yet, so that is
 * always safe. A replica whose connect failed is skipped for `skipMs`
 * (unless every replica is skipped: then each is tried anyway). When a
 * replica's connection ends (the replica died, or closed it), the client's
 * end is closed too.
 *
 * Per replica it counts connections, connections open now, failed connects,
 * and exchanges: a client sending after the replica last answered (or first)
 * starts one. For HTTP/1.1 without pipelining (the gateway's client) an
 * exchange is a request, and a connection whose client sent more recently
 * than the replica answered holds a request in flight.
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/** One replica behind the balancer. */
export interface Backend {
  /** A name for counters and logs, e.g. `region-2`. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface BalancerOptions {
  /** The service's name, e.g. `region` (logs). */
  readonly name: string;
  readonly backends: readonly Backend[];
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** Port to listen on; default 0 (a free one). */
  readonly port?: number;
  /** How long a replica whose connect failed is skipped, ms; default 3 000. */
  readonly skipMs?: number;
  /** Connect deadline per attempt, ms; default 1 000. */
  readonly connectTimeoutMs?: number;
  /** Told of each failed connect and each client connection no replica took (never data). */
  readonly onEvent?: (event: BalancerEvent) => void;
  /** "Now" in ms; default Date.now (tests pass a fake). */
  readonly now?: () => number;
}

export type BalancerEvent =
  | { readonly kind: 'connect-failed'; readonly backend: string; readonly code: string }
  | { readonly kind: 'no-backend'; readonly tried: number };

/** One replica's counters. */
export interface BackendCounters {
  readonly id: string;
  readonly port: number;
  /** Client connections handed to this replica since start. */
  readonly connections: number;
  /** Connections open to it now. */
  readonly open: number;
  /** Of those, connections whose client sent more recently than the replica answered: requests in flight. */
  readonly awaiting: number;
  /** Exchanges (requests, for HTTP/1.1) sent to it since start. */
  readonly exchanges: number;
  /** Connects to it that were refused, failed or timed out. */
  readonly failedConnects: number;
  /** Whether it is being skipped now after a failed connect. */
  readonly skipped: boolean;
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  /** True from a client's bytes until the replica's next bytes. */
  awaiting: boolean;
}

interface BackendState {
  readonly backend: Backend;
  readonly links: Set<Link>;
  connections: number;
  exchanges: number;
  failedConnects: number;
  skipUntil: number;
}

/** A running balancer; `listen()` first, `close()` at the end. */
export class Balancer {
  private readonly server: Server;
  private readonly states: BackendState[];
  private readonly skipMs: number;
  private readonly connectTimeoutMs: number;
  private readonly now: () => number;
  private readonly clients = new Set<Socket>();
  private cursor = 0;
  private rejected = 0;

  constructor(private readonly options: BalancerOptions) {
    if (options.backends.length === 0) throw new RangeError(`expected at least one backend for ${options.name}, received none`);
    this.states = options.backends.map((backend) => ({
      backend,
      links: new Set<Link>(),
      connections: 0,
      exchanges: 0,
      failedConnects: 0,
      skipUntil: 0,
    }));
    this.skipMs = options.skipMs ?? 3_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 1_000;
    this.now = options.now ?? Date.now;
    // Why pauseOnConnect: the client's first bytes must wait, unread, until a replica has accepted.
    this.server = createServer({ pauseOnConnect: true, noDelay: true }, (client) => this.accept(client));
  }

  /** Listens; resolves with the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (address === null || typeof address === 'string') reject(new Error('expected a TCP address, received none'));
        else resolve(address.port);
      });
    });
  }

  /** Every replica's counters, in the order given. */
  counters(): BackendCounters[] {
    const now = this.now();
    return this.states.map((s) => ({
      id: s.backend.id,
      port: s.backend.port,
      connections: s.connections,
      open: s.links.size,
      awaiting: [...s.links].filter((l) => l.awaiting).length,
      exchanges: s.exchanges,
      failedConnects: s.failedConnects,
      skipped: s.skipUntil > now,
    }));
  }

  /** Client connections closed because no replica accepted them. */
  get rejectedConnections(): number {
    return this.rejected;
  }

  /** Stops accepting and ends every connection at once. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.states) for (const link of s.links) link.upstream.destroy();
      for (const client of this.clients) client.destroy();
    });
  }

  private accept(client: Socket): void {
    this.clients.add(client);
    client.once('close', () => this.clients.delete(client));
    // A client that goes away while we connect: nothing to do but not crash.
    client.on('error', () => client.destroy());
    void this.connectSomewhere(client);
  }

  /** The replicas to try for one connection: round-robin order, those being skipped last. */
  private candidates(): BackendState[] {
    const n = this.states.length;
    const start = this.cursor;
    this.cursor = (this.cursor + 1) % n;
    const ordered = Array.from({ length: n }, (_, i) => this.states[(start + i) % n]!);
    const now = this.now();
    return [...ordered.filter((s) => s.skipUntil <= now), ...ordered.filter((s) => s.skipUntil > now)];
  }

  private async connectSomewhere(client: Socket): Promise<void> {
    const candidates = this.candidates();
    for (const state of candidates) {
      if (client.destroyed) return;
      const upstream = await this.connect(state);
      if (upstream === undefined) continue;
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      this.join(state, client, upstream);
      return;
    }
    this.rejected += 1;
    this.options.onEvent?.({ kind: 'no-backend', tried: candidates.length });
    // Why destroy (RST) rather than end: the client must see a failed connection, not an empty answer.
    client.destroy();
  }

  /** One connect attempt; undefined (the replica marked skipped) when it fails. */
  private connect(state: BackendState): Promise<Socket | undefined> {
    const { host, port } = state.backend;
    return new Promise((resolve) => {
      const upstream = createConnection({ host, port, noDelay: true });
      const fail = (code: string): void => {
        clearTimeout(timer);
        upstream.destroy();
        state.failedConnects += 1;
        state.skipUntil = this.now() + this.skipMs;
        this.options.onEvent?.({ kind: 'connect-failed', backend: state.backend.id, code });
        resolve(undefined);
      };
      const onError = (err: NodeJS.ErrnoException): void => fail(err.code ?? err.name);
      const timer = setTimeout(() => fail('ETIMEDOUT'), this.connectTimeoutMs);
      upstream.once('error', onError);
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.off('error', onError);
        resolve(upstream);
      });
    });
  }

  /** Copies bytes both ways until either side ends; counts the connection and its exchanges. */
  private join(state: BackendState, client: Socket, upstream: Socket): void {
    const link: Link = { client, upstream, awaiting: false };
    state.connections += 1;
    state.links.add(link);
    client.on('data', () => {
      if (!link.awaiting) state.exchanges += 1;
      link.awaiting = true;
    });
    upstream.on('data', () => {
      link.awaiting = false;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    // A replica's orderly end (FIN) is passed on by pipe once its bytes are flushed; a reset or error, and a
    // replica that died mid-answer, end the client's connection at once: it must not be left waiting.
    upstream.on('error', () => client.destroy());
    upstream.on('close', (hadError) => {
      state.links.delete(link);
      if (hadError || !client.writableEnded) client.destroy();
    });
    client.on('close', () => {
      state.links.delete(link);
      upstream.destroy();
    });
    client.resume();
  }
}
