/**
 * Starting and stopping an HTTP emulator (Lifecare, VTJ, Effica, Mediatri):
 * listen on a port (0: a free one), report the base URL, and close with every
 * open keep-alive connection, so a test or `npm start` stops at once.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults, RunningEmulator } from './faults.ts';

/** Listens and returns the running emulator; rejects when the port cannot be had. */
export async function listenEmulator(server: Server, faults: Faults, port = 0, host = '127.0.0.1'): Promise<RunningEmulator> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    address: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
