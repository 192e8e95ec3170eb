/**
 * `npm run emulators [-- --fixtures DIR]`: starts every legacy system's
 * emulator on a fixtures directory and prints where each one answers, for
 * trying the adapters or a legacy client by hand. Ctrl-C stops them.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeEmulators, startEmulators } from '../adapters/emulators.ts';

const { values } = parseArgs({ options: { fixtures: { type: 'string', default: 'fixtures' } } });
const fixturesDir = resolve(values.fixtures!);
const emulators = await startEmulators({ fixturesDir });
for (const [instance, e] of emulators) process.stdout.write(`${instance.padEnd(20)} ${e.address}\n`);
process.stdout.write(`Serving ${fixturesDir}. Ctrl-C stops.\n`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  const deadline = setTimeout(() => process.exit(1), 5_000);
  await closeEmulators(emulators);
  clearTimeout(deadline);
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
