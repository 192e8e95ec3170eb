/**
 * The Pegasos emulator: a TCP server speaking HL7 v2.5 over MLLP in
 * ISO-8859-1, answering `QBP^Q11` queries from one instance's fixture files.
 * Faults (pegasos.md has no words for them, so in HL7 terms): overload and
 * maintenance → `MSA|AR` with an ERR; drop → the socket is destroyed;
 * malformed → a frame of garbage or one without MSH; latency before answers.
 */
import { createServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { EmulatorSecurity } from '../emulator/httpEmulator.ts';
import { tlsServerOptions } from '../wire/tls.ts';
import { join } from 'node:path';
import { systemClock, type Clock, type InstanceId } from '../../domain/index.ts';
import { delay, Faults, type RunningEmulator } from '../emulator/faults.ts';
import { decodeWire, ERR, frame } from './format.ts';
import { parseHl7 } from './hl7.ts';
import { MllpDecoder } from './mllp.ts';
import { PegasosStore, reply } from './store.ts';

/** `tls`: MLLP over TLS (the address is then `mllps://host:port`); with `tls.ca`, a client certificate is required. */
export interface PegasosEmulatorOptions extends Pick<EmulatorSecurity, 'tls'> {
  readonly instance: InstanceId;
  /** The region directory: the files are read from `{fixturesDir}/{instance}/`. */
  readonly fixturesDir: string;
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Time written in MSH-7 (default: the system clock). */
  readonly clock?: Clock;
}

/** Largest request frame the emulator reads; larger ones are discarded. */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** Starts the emulator; resolves once it listens. */
export async function startPegasosEmulator(options: PegasosEmulatorOptions): Promise<RunningEmulator> {
  const store = PegasosStore.load(join(options.fixturesDir, options.instance));
  const faults = new Faults();
  const clock = options.clock ?? systemClock;
  const sockets = new Set<Socket>();
  let sequence = 0;

  const handle = async (socket: Socket, payload: Buffer): Promise<void> => {
    const fault = faults.next();
    if (fault.latencyMs > 0) await delay(fault.latencyMs);
    if (socket.destroyed) return;
    const text = decodeWire(payload);
    const ctx = { controlId: `PEG${++sequence}`, now: clock.now().getTime() };
    if (fault.mode === 'drop') {
      socket.destroy();
      return;
    }
    if (fault.mode === 'malformed') {
      // Alternate between bytes that are no HL7 at all and a body without its MSH.
      const body =
        faults.requests % 2 === 0
          ? Buffer.from('\u0000\u00ff<html>503</html>\u001a', 'latin1')
          : Buffer.from('MSA|AA|x\rQAK|x|OK\r', 'latin1');
      socket.write(Buffer.concat([Buffer.of(0x0b), body, Buffer.of(0x1c, 0x0d)]));
      return;
    }
    let answer: string;
    if (fault.mode === 'overload' || fault.mode === 'maintenance') {
      const parsed = parseHl7(text);
      const controlId = parsed.ok ? (parsed.message.segment('MSH')?.get(10) ?? '') : '';
      const code = fault.mode === 'overload' ? '207^Palvelu ylikuormittunut' : '207^Huoltokatko';
      answer = reply(ctx, controlId, 'AR', { code });
    } else {
      try {
        answer = store.answer(text, ctx);
      } catch {
        // Never let one request take the server down.
        answer = reply(ctx, '', 'AE', { code: ERR.internal });
      }
    }
    if (!socket.destroyed) socket.write(frame(answer));
  };

  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new MllpDecoder(MAX_REQUEST_BYTES);
    // Requests on one connection are answered in order.
    let queue: Promise<void> = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      for (const ev of decoder.push(chunk)) {
        // A broken frame gets no answer: there is no request to answer.
        if (ev.type !== 'frame') continue;
        queue = queue
          .then(() => handle(socket, ev.payload))
          .catch(() => {
            socket.destroy();
          });
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  };
  const server = options.tls ? createTlsServer(tlsServerOptions(options.tls), onSocket) : createServer(onSocket);
  // A client refused in the handshake (no or a wrong certificate) must not take the server down.
  server.on('tlsClientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';

  return {
    address: `${options.tls ? 'mllps://' : ''}${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
