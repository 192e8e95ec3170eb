/**
 * What the bench's child processes share: listen on a free port of
 * 127.0.0.1, print the ready line the harness waits for, and stop cleanly on
 * SIGTERM/SIGINT.
 */
import type { Server } from 'node:http';

/** Listens on 127.0.0.1, port 0; resolves with the port. */
export function listenFree(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('expected a TCP address, received none'));
      else resolve(address.port);
    });
  });
}

/** Prints `{"ready":true,…extra}` as one line on stdout: what spawnService waits for. */
export function announceReady(extra: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ready: true, ...extra })}\n`);
}

/** Runs `stop` then exits 0 on SIGTERM/SIGINT (once). */
export function exitOnSignal(stop: () => Promise<void> | void): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    void Promise.resolve()
      .then(stop)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** The value of `--name VALUE` in argv, or throws. */
export function requiredArg(name: string, argv: readonly string[] = process.argv.slice(2)): string {
  const i = argv.indexOf(`--${name}`);
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (value === undefined) throw new Error(`expected --${name} VALUE, received none`);
  return value;
}
