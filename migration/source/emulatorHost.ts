/**
 * Child process that runs the emulators of some instances on a fixtures
 * directory, so that the sources do their work on the other core while the
 * CLI reads them (and, as in production, the sources live in another
 * process than their reader).
 *
 * Usage: `node --import tsx emulatorHost.ts DIR INSTANCE…`. Prints one JSON
 * line on stdout, `{"addresses":{…},"controlUrl":"…"}` or `{"error":"…"}`,
 * then serves until its stdin closes (the parent ended or is done) or
 * SIGTERM. `GET {controlUrl}/requests` answers `{"byInstance":{id:n}}`, the
 * wire requests each emulator has served (the benchmark's legacy calls).
 */
import { createServer, type Server } from 'node:http';
import type { RegionEmulators } from '../../adapters/emulators.ts';
import { instance as instanceOf, isInstanceId, type InstanceId } from '../../domain/index.ts';
import { type RunningEmulator } from '../../adapters/emulator/faults.ts';

let emulators: RegionEmulators | undefined;
let control: Server | undefined;
let stopping = false;

/** Stops at once if still starting (nothing to hand over), else after closing the emulators. */
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  control?.close();
  if (emulators) await closeEmulators(emulators);
  process.exit(0);
}

// Listen from the start: a parent that dies while the fixtures load must not leave this process behind.
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());

/**
 * Starts one instance's emulator, loading only its product's module. Why
 * not adapters/emulators.ts: it loads every product (PGlite included),
 * tens of MB in a process that a `check` of one instance keeps for minutes.
 */
async function startOne(id: InstanceId, fixturesDir: string): Promise<RunningEmulator> {
  const product = instanceOf(id).product;
  switch (product) {
    case 'lifecare':
      return (await import('../../adapters/lifecare/index.ts')).startLifecareEmulator({ instance: id, fixturesDir });
    case 'vtj':
      return (await import('../../adapters/vtj/index.ts')).startVtjEmulator({ fixturesDir });
    default:
      return (await import('../../adapters/emulators.ts')).startEmulator(id, fixturesDir);
  }
}

/** Starts the instances' emulators one after another (loading is CPU work on this one thread); closes those started if one fails. */
async function startEmulators(ids: readonly InstanceId[], fixturesDir: string): Promise<RegionEmulators> {
  const running: RegionEmulators = new Map();
  try {
    for (const id of ids) running.set(id, await startOne(id, fixturesDir));
  } catch (err) {
    await closeEmulators(running);
    throw err;
  }
  return running;
}

async function closeEmulators(emulators: RegionEmulators): Promise<void> {
  await Promise.allSettled([...emulators.values()].map((e) => e.close()));
}

async function main(): Promise<void> {
  const [dir, ...names] = process.argv.slice(2);
  const ids = names.filter(isInstanceId) as InstanceId[];
  if (!dir || ids.length !== names.length || ids.length === 0) {
    process.stdout.write(`${JSON.stringify({ error: 'expected a fixtures directory and instance ids' })}\n`);
    process.exit(1);
  }
  try {
    emulators = await startEmulators(ids, dir);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
    process.exit(1);
  }
  if (stopping) {
    await closeEmulators(emulators);
    process.exit(0);
  }
  const addresses = Object.fromEntries([...emulators].map(([id, e]) => [id, e.address]));
  const controlUrl = await listenControl(emulators);
  process.stdout.write(`${JSON.stringify({ addresses, controlUrl })}\n`);
}

/** `GET /requests` on 127.0.0.1 (a free port): the requests each emulator served. */
async function listenControl(running: RegionEmulators): Promise<string> {
  control = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/requests') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"expected GET /requests"}');
      return;
    }
    const byInstance = Object.fromEntries([...running].map(([id, e]) => [id, e.faults.requests]));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({ byInstance }));
  });
  const server = control;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
}

void main();
