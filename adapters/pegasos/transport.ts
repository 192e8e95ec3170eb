/**
 * A pooled MLLP client: a few TCP connections reused across requests, one
 * outstanding request per connection (MLLP has no request ids). A request
 * that times out, is aborted or meets a dropped connection fails with
 * SOURCE_UNAVAILABLE and its connection is discarded (a late answer on it
 * would otherwise be read as the next request's); the next request connects
 * anew. A framing error fails the request with MALFORMED_RESPONSE.
 */
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { TlsSettings } from '../wire/adapterConfig.ts';
import { tlsClientOptions, tlsFailureReason } from '../wire/tls.ts';
import { AdapterError, type InstanceId } from '../../domain/index.ts';
import { DEFAULT_ANSWER_LIMITS } from '../wire/answerLimits.ts';
import { decodeWire, frame } from './format.ts';
import { MllpDecoder } from './mllp.ts';

export interface MllpClientOptions {
  readonly instance: InstanceId;
  /** `host:port` or `mllp://host:port` (plain TCP), `mllps://host:port` (MLLP over TLS). */
  readonly address: string;
  /** TLS settings for an `mllps://` address (CA bundle, client certificate and key). */
  readonly tls?: TlsSettings;
  readonly timeoutMs: number;
  /** Connections at most (default 4). */
  readonly poolSize?: number;
  /** Largest answer frame accepted; the connection is closed as soon as a frame passes it (default: Pegasos's answer limit, answerLimits.ts). */
  readonly maxFrameBytes?: number;
}

interface Pending {
  resolve(text: string): void;
  reject(err: Error): void;
}

/** One pooled connection. */
class Connection {
  readonly decoder: MllpDecoder;
  pending: Pending | undefined;
  closed = false;

  constructor(
    readonly socket: Socket,
    maxFrameBytes: number,
    private readonly onGone: (c: Connection) => void,
    private readonly instance: InstanceId,
  ) {
    this.decoder = new MllpDecoder(maxFrameBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.destroy(tlsFailureReason(err) ?? 'the connection failed'));
    socket.on('close', () => this.destroy('the source closed the connection'));
  }

  private onData(chunk: Buffer): void {
    for (const ev of this.decoder.push(chunk)) {
      const p = this.pending;
      this.pending = undefined;
      if (!p) {
        // Nothing was asked: the stream is out of step; never read it as a later answer.
        this.destroy('an unrequested frame arrived');
        return;
      }
      if (ev.type === 'frame') p.resolve(decodeWire(ev.payload));
      else {
        p.reject(new AdapterError('MALFORMED_RESPONSE', this.instance, `The answer's MLLP framing was broken: ${ev.reason}.`));
        this.destroy('broken framing');
        return;
      }
    }
  }

  /** Closes the socket and fails the request in flight, if any. */
  destroy(why: string): void {
    if (!this.closed) {
      this.closed = true;
      this.socket.destroy();
      this.onGone(this);
    }
    const p = this.pending;
    this.pending = undefined;
    p?.reject(new AdapterError('SOURCE_UNAVAILABLE', this.instance, `No answer from the source: ${why}.`));
  }
}

/** A small pool of MLLP connections to one source. */
export class MllpClient {
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  private readonly poolSize: number;
  private readonly maxFrameBytes: number;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private opening = 0;
  /** Requests waiting for a connection: handed an idle one, a slot to open one ('new'), or undefined once closed. */
  private readonly waiters: { resolve(c: Connection | 'new' | undefined): void }[] = [];
  private closed = false;

  constructor(private readonly options: MllpClientOptions) {
    const scheme = /^(mllps?):\/\//i.exec(options.address);
    this.secure = scheme?.[1]?.toLowerCase() === 'mllps';
    const m = /^(.*):(\d{1,5})\/?$/.exec(scheme ? options.address.slice(scheme[0].length) : options.address);
    if (!m) throw new RangeError('Expected the MLLP address as host:port, mllp://host:port or mllps://host:port.');
    this.host = m[1]!.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(m[2]);
    this.poolSize = options.poolSize ?? 4;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_ANSWER_LIMITS.pegasos.maxResponseBytes;
  }

  /**
   * Sends one message and resolves with the answer's text. The timeout runs
   * from connecting/sending to the whole answer (waiting for a free
   * connection in the pool does not count).
   */
  async request(message: string, signal?: AbortSignal): Promise<string> {
    const instance = this.options.instance;
    if (signal?.aborted) throw new AdapterError('SOURCE_UNAVAILABLE', instance, 'The request was aborted before it was sent.');
    const slot = await this.acquire();
    if (slot === undefined) throw new AdapterError('SOURCE_UNAVAILABLE', instance, 'The adapter was closed.');
    const deadline = Date.now() + this.options.timeoutMs;
    let conn: Connection;
    if (slot === 'new') {
      try {
        conn = await this.open(deadline, signal);
      } catch (err) {
        this.opening--;
        this.slotFreed();
        throw err;
      }
      this.opening--;
    } else conn = slot;
    try {
      return await this.exchange(conn, message, deadline, signal);
    } finally {
      this.release(conn);
    }
  }

  /** Closes every connection and fails waiting requests. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    for (const c of [...this.all]) c.destroy('the adapter was closed');
    this.idle.length = 0;
  }

  private acquire(): Promise<Connection | 'new' | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (!c.closed) return Promise.resolve(c);
    }
    if (this.all.size + this.opening < this.poolSize) {
      this.opening++;
      return Promise.resolve('new');
    }
    return new Promise((resolve) => this.waiters.push({ resolve }));
  }

  private release(conn: Connection): void {
    if (this.closed) {
      conn.destroy('the adapter was closed');
      return;
    }
    if (conn.closed) {
      this.slotFreed();
      return;
    }
    const w = this.waiters.shift();
    if (w) w.resolve(conn);
    else {
      conn.socket.unref();
      this.idle.push(conn);
    }
  }

  /** A connection slot came free: let a waiter open a new connection. */
  private slotFreed(): void {
    const w = this.waiters.shift();
    if (w) {
      this.opening++;
      w.resolve('new');
    }
  }

  private open(deadline: number, signal?: AbortSignal): Promise<Connection> {
    const instance = this.options.instance;
    return new Promise((resolve, reject) => {
      // Why a TLS socket waits for secureConnect: the pool must not hand out a connection whose handshake may still fail.
      const socket = this.secure
        ? connectTls({ host: this.host, port: this.port, ...tlsClientOptions(this.options.tls) })
        : connect({ host: this.host, port: this.port });
      const ready = this.secure ? 'secureConnect' : 'connect';
      socket.setNoDelay(true);
      const fail = (why: string) => {
        cleanup();
        socket.destroy();
        reject(new AdapterError('SOURCE_UNAVAILABLE', instance, `Could not connect to the source: ${why}.`));
      };
      const timer = setTimeout(() => fail(`no connection within ${this.options.timeoutMs} ms`), Math.max(0, deadline - Date.now()));
      const onError = (err: Error) => fail(tlsFailureReason(err) ?? (err as NodeJS.ErrnoException).code ?? 'connection error');
      const onAbort = () => fail('the request was aborted');
      const cleanup = () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off(ready, onConnect);
        signal?.removeEventListener('abort', onAbort);
      };
      const onConnect = () => {
        cleanup();
        const conn = new Connection(socket, this.maxFrameBytes, (c) => this.forget(c), instance);
        this.all.add(conn);
        resolve(conn);
      };
      socket.once('error', onError);
      socket.once(ready, onConnect);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private exchange(conn: Connection, message: string, deadline: number, signal?: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => conn.destroy(`no answer within ${this.options.timeoutMs} ms`), Math.max(0, deadline - Date.now()));
      const onAbort = () => conn.destroy('the request was aborted');
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      conn.pending = {
        resolve: (t) => {
          done();
          resolve(t);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (conn.closed) {
        conn.destroy('the source closed the connection');
        return;
      }
      conn.socket.ref();
      conn.socket.write(frame(message));
    });
  }

  private forget(conn: Connection): void {
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
