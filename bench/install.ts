/**
 * Installs bench/'s own packages when they are missing or stale (a stamp in
 * node_modules holds the lockfile's hash), kept out of the main install:
 * - bench/load: autocannon, the driver's load generator (small; every run needs it);
 * - bench: the comparison gateways (@apollo/server with stock @apollo/gateway,
 *   Hive Gateway) and Hive Router's Rust query planner (the planning
 *   scenario), installed only when a run measures them.
 * `npm run bench` calls these before it starts anything that needs them.
 */
import { fileURLToPath } from 'node:url';
import { ensureInstalled, isInstalled } from '../scripts/ensureInstalled.ts';
import type { SidePackage } from '../scripts/ensureInstalled.ts';

/** bench/, the comparison gateways' package. */
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
/** bench/load/, the load generator's package. */
export const LOAD_DIR = fileURLToPath(new URL('./load/', import.meta.url));

const COMPARISON: SidePackage = {
  dir: BENCH_DIR,
  stamp: '.bench-installed',
  label: 'bench',
  what: "@apollo/server with stock @apollo/gateway, Hive Gateway, and Hive Router's query planner",
};
const LOAD: SidePackage = { dir: LOAD_DIR, stamp: '.bench-load-installed', label: 'bench/load', what: 'autocannon' };

/** Installs bench/load (autocannon) unless current; resolves with whether it installed. */
export function ensureLoadInstalled(): Promise<boolean> {
  return ensureInstalled(LOAD);
}

/** Whether bench/ (the comparison gateways, the Rust planner) is installed from its current lockfile. */
export function comparisonInstalled(): Promise<boolean> {
  return isInstalled(COMPARISON);
}

/** Installs bench/ (the comparison gateways, the Rust planner) unless current; resolves with whether it installed. */
export function ensureComparisonInstalled(): Promise<boolean> {
  return ensureInstalled(COMPARISON);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  Promise.all([ensureLoadInstalled(), ensureComparisonInstalled()]).catch((err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
