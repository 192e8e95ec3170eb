/**
 * `npm run emulators [-- --fixtures DIR]`: every instance's emulator on a
 * fixtures directory, each on a free port; prints where each answers.
 * Ctrl-C (SIGINT) or SIGTERM stops them.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeEmulators, startEmulators } from '../adapters/emulators.ts';
import { Lifecycle } from './lifecycle.ts';
import { createRootLogger } from './logger.ts';
import { DEFAULT_FIXTURES_DIR } from './startConfig.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { fixtures: { type: 'string' } }, strict: true });
  const fixturesDir = values.fixtures ? resolve(values.fixtures) : DEFAULT_FIXTURES_DIR;
  if (!existsSync(fixturesDir) || !statSync(fixturesDir).isDirectory()) {
    process.stderr.write(`npm run emulators: expected --fixtures as a directory, received ${fixturesDir}\n`);
    process.exit(2);
  }
  const logger = createRootLogger('info');
  const lifecycle = new Lifecycle({ logger });
  lifecycle.handleSignals();
  try {
    const emulators = lifecycle.add('emulators', await startEmulators({ fixturesDir }), closeEmulators);
    const width = Math.max(...[...emulators.keys()].map((id) => id.length));
    const lines = [...emulators].map(([id, e]) => `  ${id.padEnd(width)}  ${e.address}`);
    process.stdout.write(`\n${lines.join('\n')}\n\n  Ctrl-C stops them.\n\n`);
  } catch (err) {
    process.stderr.write(`npm run emulators: the emulators did not start: ${err instanceof Error ? err.message : String(err)}\n`);
    await lifecycle.stop('start failed', 1);
  }
}

void main();
