/**
 * Installs a side package of the repository (its own package.json and
 * committed package-lock.json, e.g. test/interop or bench) when it is missing
 * or stale, so the main install stays lean.
 *
 * Stale means: node_modules/{stamp} (written after a successful install) is
 * absent or holds another lockfile's hash. The install is `npm ci` (the
 * committed lockfile, exactly), with the package's own .npmrc (engine-strict).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SidePackage {
  /** The package's directory (holds package.json and package-lock.json). */
  readonly dir: string;
  /** The stamp's file name inside node_modules, e.g. `.interop-installed`. */
  readonly stamp: string;
  /** How progress lines begin, e.g. `test/interop`. */
  readonly label: string;
  /** What is installed, for the progress line, e.g. `Hive Gateway`. */
  readonly what: string;
}

async function lockHash(dir: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(join(dir, 'package-lock.json')))
    .digest('hex');
}

/** Whether the package's node_modules was installed from its committed lockfile as it is now. */
export async function isInstalled(pkg: SidePackage): Promise<boolean> {
  try {
    return (await readFile(join(pkg.dir, 'node_modules', pkg.stamp), 'utf8')).trim() === (await lockHash(pkg.dir));
  } catch {
    return false;
  }
}

function run(cwd: string, command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout to stderr: the caller's own stdout (a test runner, a JSON ready line) stays its own.
    const child = spawn(command, args, { cwd, stdio: ['ignore', process.stderr, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`expected ${command} ${args.join(' ')} to exit 0, received ${signal ?? code}`)),
    );
  });
}

/**
 * Runs `npm ci` in the package's directory unless it is installed from the
 * current lockfile already; resolves with whether it installed. Uses the npm
 * that runs this process when there is one (`npm test`, `npm run …`), else
 * `npm` on the PATH.
 */
export async function ensureInstalled(pkg: SidePackage): Promise<boolean> {
  if (await isInstalled(pkg)) return false;
  const npmCli = process.env.npm_execpath;
  const started = Date.now();
  process.stderr.write(`${pkg.label}: installing ${pkg.what} (its own package, not in the main install)…\n`);
  if (npmCli && /npm-cli\.js$/.test(npmCli)) await run(pkg.dir, process.execPath, [npmCli, 'ci', '--no-audit', '--no-fund']);
  else await run(pkg.dir, 'npm', ['ci', '--no-audit', '--no-fund']);
  await writeFile(join(pkg.dir, 'node_modules', pkg.stamp), `${await lockHash(pkg.dir)}\n`);
  process.stderr.write(`${pkg.label}: installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return true;
}
