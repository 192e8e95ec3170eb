/**
 * Installs test/interop's own package (Hive Gateway) when it is missing or
 * stale, so the main install stays lean: `npm test` runs this before vitest,
 * and the interop test calls it too (for `npx vitest run test/interop`).
 *
 * Stale means: node_modules/.interop-installed (written after a successful
 * install) is absent or holds another lockfile's hash. The install is
 * `npm ci` (the committed lockfile, exactly), with test/interop/.npmrc's
 * engine-strict on.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's directory (test/interop). */
export const INTEROP_DIR = fileURLToPath(new URL('.', import.meta.url));

const STAMP = join(INTEROP_DIR, 'node_modules', '.interop-installed');

async function lockHash(): Promise<string> {
  return createHash('sha256')
    .update(await readFile(join(INTEROP_DIR, 'package-lock.json')))
    .digest('hex');
}

/** Whether node_modules was installed from the committed lockfile as it is now. */
export async function interopInstalled(): Promise<boolean> {
  try {
    return (await readFile(STAMP, 'utf8')).trim() === (await lockHash());
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout to stderr: `npm test`'s own output stays the test runner's.
    const child = spawn(command, args, { cwd: INTEROP_DIR, stdio: ['ignore', process.stderr, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`expected ${command} ${args.join(' ')} to exit 0, received ${signal ?? code}`)),
    );
  });
}

/**
 * Runs `npm ci` in test/interop unless it is installed from the current
 * lockfile already; resolves with whether it installed. Uses the npm that
 * runs this script when there is one (`npm test`), else `npm` on the PATH.
 */
export async function ensureInteropInstalled(): Promise<boolean> {
  if (await interopInstalled()) return false;
  const npmCli = process.env.npm_execpath;
  const started = Date.now();
  process.stderr.write('test/interop: installing Hive Gateway (its own package, not in the main install)…\n');
  if (npmCli && /npm-cli\.js$/.test(npmCli)) await run(process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund']);
  else await run('npm', ['ci', '--no-audit', '--no-fund']);
  await writeFile(STAMP, `${await lockHash()}\n`);
  process.stderr.write(`test/interop: installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureInteropInstalled().catch((err: unknown) => {
    process.stderr.write(`test/interop: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
