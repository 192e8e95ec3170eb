/**
 * Starting and stopping an HTTP emulator (Lifecare, VTJ, Effica, Mediatri):
 * an HTTP or (with `tls`) HTTPS server, listening on a port (0: a free one),
 * reporting the base URL, and closing with every open keep-alive
 * connection, so a test or `npm start` stops at once.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../wire/adapterConfig.ts';
import { tlsServerOptions, type EmulatorTls } from '../wire/tls.ts';
import type { XRoadConfig } from '../wire/xroad.ts';
import { samePassword } from '../wire/soapHeaders.ts';
import type { Faults, RunningEmulator } from './faults.ts';

/** What an emulator can be told to require of its clients, as the real source would. */
export interface EmulatorSecurity {
  /** Serve over TLS with this certificate and key; with `ca`, require a client certificate from it. */
  readonly tls?: EmulatorTls;
  /** Refuse a call without these credentials (UsernameToken, HTTP Basic, database password by product). */
  readonly credentials?: Credentials;
  /** VTJ only: refuse a call whose X-Road headers are missing or name another client or service. */
  readonly requireXRoad?: XRoadConfig;
}

/** An HTTP server, or an HTTPS one when `tls` is given. */
export function createEmulatorServer(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: EmulatorTls): Server {
  // https.Server is an http.Server for everything the emulators use (listen, close, closeAllConnections).
  return tls ? (createHttpsServer(tlsServerOptions(tls), handler) as unknown as Server) : createHttpServer(handler);
}

/** Listens and returns the running emulator; rejects when the port cannot be had. `secure`: the base URL is https://. */
export async function listenEmulator(
  server: Server,
  faults: Faults,
  port = 0,
  host = '127.0.0.1',
  secure = false,
): Promise<RunningEmulator> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    address: `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Whether a request's `Authorization: Basic` header holds exactly these credentials. */
export function basicAuthMatches(req: IncomingMessage, expected: Credentials): boolean {
  const header = req.headers.authorization;
  const m = header ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header) : null;
  if (!m) return false;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i > 0 && decoded.slice(0, i) === expected.username && samePassword(decoded.slice(i + 1), expected.password);
}
