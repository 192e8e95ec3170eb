/**
 * A small TCP proxy in front of the database that speaks just enough of the
 * PostgreSQL protocol to inject faults per query and to keep queries of
 * different connections from interleaving.
 *
 * Why it exists: pglite-socket (0.2) accepts several connections (its
 * `maxConnections` defaults to 1) but queues single protocol *messages*
 * from all of them into the one PGlite backend, so the Parse/Bind/Execute/
 * Sync of two clients' extended-protocol queries could interleave and bind
 * each other's unnamed statement. The proxy forwards one query unit (up to
 * Sync, or one simple Query) at a time and waits for its ReadyForQuery
 * before letting the next connection's unit through. A unit is also what
 * `faults.requests` counts.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createSecureContext, type SecureContext } from 'node:tls';
import type { Credentials } from '../wire/adapterConfig.ts';
import { samePassword } from '../wire/soapHeaders.ts';
import { tlsServerOptions, type EmulatorTls } from '../wire/tls.ts';
import { delay, type Faults } from '../emulator/faults.ts';
import {
  BIND_COMPLETE,
  CANCEL_REQUEST,
  commandComplete,
  dataRow,
  errorResponse,
  FRONTEND,
  FrameReader,
  GSSENC_REQUEST,
  PARSE_COMPLETE,
  PROTOCOL_V3,
  READY_FOR_QUERY,
  readyForQuery,
  rowDescription,
  SSL_REQUEST,
  type Frame,
} from './wire.ts';

export interface FaultProxyOptions {
  readonly upstream: { readonly host: string; readonly port: number };
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  readonly faults: Faults;
  /** Forward one query unit at a time across all connections (needed for PGlite). */
  readonly serialize: boolean;
  /** More connections are refused with 53300 too_many_connections. */
  readonly maxConnections: number;
  /** Require TLS (answer an SSLRequest with `S` and terminate TLS here); with `ca`, a client certificate too. */
  readonly tls?: EmulatorTls;
  /** Ask every client for this user's password (cleartext, over TLS when `tls` is set) before connecting upstream. */
  readonly credentials?: Credentials;
  /** Replace the startup packet's user and database with these when forwarding (PGlite knows only its own). */
  readonly upstreamStartup?: { readonly user: string; readonly database: string };
}

export interface FaultProxy {
  readonly port: number;
  close(): Promise<void>;
}

/** Opens the proxy; resolves once it listens. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const sessions = new Set<Session>();
  const lock = new Mutex();
  const secureContext = options.tls ? createSecureContext(tlsServerOptions(options.tls)) : undefined;
  const server: Server = createServer((socket) => {
    const session = new Session(
      socket,
      options,
      secureContext,
      lock,
      () => sessions.size,
      () => sessions.delete(session),
    );
    sessions.add(session);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    async close() {
      for (const s of sessions) s.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A FIFO lock. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

type Phase = 'startup' | 'password' | 'auth' | 'ready' | 'closed';

/** One client connection and its upstream connection. */
class Session {
  private phase: Phase = 'startup';
  private upstream: Socket | undefined;
  private readonly fromClient = new FrameReader();
  private readonly fromUpstream = new FrameReader();
  private unit: Frame[] = [];
  private readonly units: Frame[][] = [];
  private busy = false;
  /** Set while a forwarded unit waits for its ReadyForQuery. */
  private inFlight: (() => void) | undefined;
  /** Whether the client connection runs over TLS (after an SSLRequest). */
  private secured = false;
  /** The startup packet held back while the client's password is asked. */
  private startup: { readonly packet: Buffer; readonly user: string } | undefined;

  constructor(
    private client: Socket,
    private readonly options: FaultProxyOptions,
    private readonly secureContext: SecureContext | undefined,
    private readonly lock: Mutex,
    private readonly connections: () => number,
    private readonly onClose: () => void,
  ) {
    client.setNoDelay(true);
    client.on('data', (chunk) => this.onClientData(chunk));
    client.on('error', () => this.close());
    client.on('close', () => this.close());
  }

  close(): void {
    this.closeWith();
  }

  /** Closes both sides; with a last message, ends the client after writing it. */
  private closeWith(last?: Buffer): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    if (last) {
      this.client.end(last);
      setTimeout(() => this.client.destroy(), 1000).unref();
    } else this.client.destroy();
    this.upstream?.destroy();
    this.finishUnit();
    this.onClose();
  }

  private onClientData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.fromClient.push(chunk);
    try {
      for (;;) {
        const typed = this.phase !== 'startup';
        const frame = this.fromClient.next(typed);
        if (!frame) break;
        if (this.phase === 'startup') this.onStartupPacket(frame);
        else if (this.phase === 'password') this.onPassword(frame);
        else if (this.phase === 'auth') this.upstream?.write(frame.bytes);
        else this.onClientMessage(frame);
        if ((this.phase as Phase) === 'closed') return;
      }
    } catch {
      this.close();
    }
  }

  private onStartupPacket(frame: Frame): void {
    const code = frame.bytes.length >= 8 ? frame.bytes.readInt32BE(4) : -1;
    if (code === SSL_REQUEST && this.secureContext && !this.secured) {
      this.startTls();
      return;
    }
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.client.write('N');
      return;
    }
    if (code !== PROTOCOL_V3) {
      // Cancel requests (PGlite has no backend to cancel) and unknown protocols.
      this.closeWith(code === CANCEL_REQUEST ? Buffer.alloc(0) : errorResponse('FATAL', '08P01', 'unsupported frontend protocol'));
      return;
    }
    if (this.connections() > this.options.maxConnections) {
      this.closeWith(errorResponse('FATAL', '53300', 'sorry, too many clients already'));
      return;
    }
    if (this.secureContext && !this.secured) {
      // As a server whose pg_hba.conf has only hostssl lines answers.
      this.closeWith(errorResponse('FATAL', '28000', 'no pg_hba.conf entry for this connection: TLS is required'));
      return;
    }
    const params = startupParameters(frame.bytes);
    if (this.options.credentials) {
      this.startup = { packet: frame.bytes, user: params.get('user') ?? '' };
      this.phase = 'password';
      // AuthenticationCleartextPassword.
      this.client.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
      return;
    }
    this.connectUpstream(frame.bytes);
  }

  /** Checks the PasswordMessage against the configured user and password, then connects upstream. */
  private onPassword(frame: Frame): void {
    const expected = this.options.credentials!;
    const password = frame.type === 0x70 ? frame.bytes.subarray(5, frame.bytes.length - 1).toString('utf8') : undefined;
    const user = this.startup?.user ?? '';
    if (password === undefined || user !== expected.username || !samePassword(password, expected.password)) {
      this.closeWith(errorResponse('FATAL', '28P01', `password authentication failed for user "${user.slice(0, 63)}"`));
      return;
    }
    this.connectUpstream(this.startup!.packet);
  }

  /** Answers `S` to an SSLRequest and continues the session over TLS on the same socket. */
  private startTls(): void {
    const raw = this.client;
    raw.removeAllListeners('data');
    raw.write('S');
    const tls = this.options.tls!;
    const secure = new TLSSocket(raw, {
      isServer: true,
      secureContext: this.secureContext!,
      ...(tls.ca !== undefined && { requestCert: true, rejectUnauthorized: true }),
    });
    this.client = secure;
    this.secured = true;
    secure.on('data', (chunk: Buffer) => this.onClientData(chunk));
    secure.on('error', () => this.close());
    secure.on('close', () => this.close());
  }

  /** Opens the upstream connection and sends it the client's startup packet (user and database rewritten when asked). */
  private connectUpstream(packet: Buffer): void {
    const rewrite = this.options.upstreamStartup;
    this.phase = 'auth';
    const upstream = createConnection(this.options.upstream);
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.on('data', (c) => this.onUpstreamData(c));
    upstream.on('error', () => this.close());
    upstream.on('close', () => this.close());
    upstream.write(rewrite ? startupPacket(rewrite.user, rewrite.database) : packet);
  }

  private onClientMessage(frame: Frame): void {
    if (frame.type === FRONTEND.TERMINATE) {
      this.close();
      return;
    }
    // COPY sub-protocol data belongs to the unit already in flight.
    if (this.inFlight && (frame.type === 0x64 || frame.type === 0x63 || frame.type === 0x66)) {
      this.upstream?.write(frame.bytes);
      return;
    }
    this.unit.push(frame);
    if (frame.type === FRONTEND.SYNC || frame.type === FRONTEND.QUERY) {
      this.units.push(this.unit);
      this.unit = [];
      void this.pump();
    }
  }

  private onUpstreamData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.fromUpstream.push(chunk);
    const out: Buffer[] = [];
    let ready = false;
    try {
      for (let f = this.fromUpstream.next(true); f; f = this.fromUpstream.next(true)) {
        out.push(f.bytes);
        if (f.type === READY_FOR_QUERY) {
          if (this.phase === 'auth') this.phase = 'ready';
          else ready = true;
        }
      }
    } catch {
      this.close();
      return;
    }
    if (out.length) this.client.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (ready) this.finishUnit();
  }

  private finishUnit(): void {
    const done = this.inFlight;
    this.inFlight = undefined;
    done?.();
  }

  /** Answers the queued units of this connection one after another. */
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.units.length > 0 && this.phase === 'ready') {
        const unit = this.units.shift()!;
        const fault = this.options.faults.next();
        if (fault.latencyMs > 0) await delay(fault.latencyMs);
        if (this.phase !== 'ready') return;
        switch (fault.mode) {
          case 'overload':
            this.closeWith(errorResponse('FATAL', '53300', 'sorry, too many clients already'));
            return;
          case 'maintenance':
            this.client.write(
              Buffer.concat([errorResponse('ERROR', '57P03', 'the database system is in maintenance mode'), readyForQuery()]),
            );
            break;
          case 'drop':
            this.close();
            return;
          case 'malformed':
            this.client.write(malformedAnswer(unit));
            break;
          default:
            await this.forward(unit);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async forward(unit: Frame[]): Promise<void> {
    const release = this.options.serialize ? await this.lock.acquire() : () => {};
    try {
      if (this.phase !== 'ready' || !this.upstream) return;
      const answered = new Promise<void>((resolve) => (this.inFlight = resolve));
      this.upstream.write(Buffer.concat(unit.map((f) => f.bytes)));
      await answered;
    } finally {
      release();
    }
  }
}

/** The name/value parameters of a v3 StartupMessage. */
function startupParameters(packet: Buffer): Map<string, string> {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params.set(parts[i]!, parts[i + 1]!);
  return params;
}

/** A v3 StartupMessage with just a user and a database. */
function startupPacket(user: string, database: string): Buffer {
  const body = Buffer.from(`user\0${user}\0database\0${database}\0\0`, 'utf8');
  const head = Buffer.alloc(8);
  head.writeInt32BE(body.length + 8, 0);
  head.writeInt32BE(PROTOCOL_V3, 4);
  return Buffer.concat([head, body]);
}

/**
 * A well-framed answer whose result set is garbage: one column `?column?`
 * of type integer holding a non-number, instead of the view's columns.
 */
function malformedAnswer(unit: readonly Frame[]): Buffer {
  const out: Buffer[] = [];
  const description = rowDescription([{ name: '?column?', typeOid: 23 }]);
  const rows = [dataRow(['garbage\u0001']), commandComplete('SELECT 1')];
  for (const f of unit) {
    if (f.type === FRONTEND.PARSE) out.push(PARSE_COMPLETE);
    else if (f.type === FRONTEND.BIND) out.push(BIND_COMPLETE);
    else if (f.type === FRONTEND.DESCRIBE) {
      if (f.bytes[5] === 0x53) out.push(Buffer.from([0x74, 0, 0, 0, 6, 0, 0])); // ParameterDescription, no parameters
      out.push(description);
    } else if (f.type === FRONTEND.EXECUTE) out.push(...rows);
    else if (f.type === FRONTEND.QUERY) out.push(description, ...rows);
  }
  out.push(readyForQuery());
  return Buffer.concat(out);
}
