/**
 * Installs test/interop's own package (Hive Gateway) when it is missing or
 * stale, so the main install stays lean: `npm test` runs this before vitest,
 * and the interop test calls it too (for `npx vitest run test/interop`).
 *
 * Stale means: node_modules/.interop-installed (written after a successful
 * install) is absent or holds another lockfile's hash. The install is
 * `npm ci` (the committed lockfile, exactly), with test/interop/.npmrc's
 * engine-strict on. The mechanics: scripts/ensureInstalled.ts (shared with bench/).
 */
import { fileURLToPath } from 'node:url';
import { ensureInstalled, isInstalled } from '../../scripts/ensureInstalled.ts';
import type { SidePackage } from '../../scripts/ensureInstalled.ts';

/** This package's directory (test/interop). */
export const INTEROP_DIR = fileURLToPath(new URL('.', import.meta.url));

const PACKAGE: SidePackage = { dir: INTEROP_DIR, stamp: '.interop-installed', label: 'test/interop', what: 'Hive Gateway' };

/** Whether node_modules was installed from the committed lockfile as it is now. */
export function interopInstalled(): Promise<boolean> {
  return isInstalled(PACKAGE);
}

/**
 * Runs `npm ci` in test/interop unless it is installed from the current
 * lockfile already; resolves with whether it installed.
 */
export function ensureInteropInstalled(): Promise<boolean> {
  return ensureInstalled(PACKAGE);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ensureInteropInstalled().catch((err: unknown) => {
    process.stderr.write(`test/interop: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
