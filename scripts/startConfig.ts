/**
 * `npm start` settings: the gateway's (gateway/config.ts) plus the fixtures
 * directory and per-source timeouts, parsed once.
 *
 *   --fixtures DIR             default: the repository's fixtures/ directory
 *   SOURCE_TIMEOUT_MS          timeout of every source, ms (default the adapters' 5 000)
 *   SOURCE_TIMEOUT_MS_{INSTANCE}  one source's, e.g. SOURCE_TIMEOUT_MS_PEGASOS_LOVIISA=8000
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { INSTANCES } from '../domain/region.ts';
import type { InstanceId } from '../domain/region.ts';
import { GATEWAY_ARG_OPTIONS, GatewayConfigError, REPOSITORY_ROOT, gatewayConfigFromValues } from '../gateway/config.ts';
import type { GatewayConfig } from '../gateway/config.ts';

export interface StartConfig {
  readonly gateway: GatewayConfig;
  readonly fixturesDir: string;
  readonly sourceTimeoutMs: Partial<Record<InstanceId, number>>;
}

export const DEFAULT_FIXTURES_DIR = resolve(REPOSITORY_ROOT, 'fixtures');

type Env = Readonly<Record<string, string | undefined>>;

/** Parses `npm start`'s command line and environment; throws GatewayConfigError for an unusable value. */
export function parseStartConfig(argv: readonly string[], env: Env, cwd = process.cwd()): StartConfig {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...GATEWAY_ARG_OPTIONS, fixtures: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new GatewayConfigError(err instanceof Error ? err.message : 'expected known options, received another');
  }
  const fixturesDir =
    typeof values.fixtures === 'string' && values.fixtures.trim() !== '' ? resolve(cwd, values.fixtures.trim()) : DEFAULT_FIXTURES_DIR;
  if (!existsSync(fixturesDir) || !statSync(fixturesDir).isDirectory()) {
    throw new GatewayConfigError(
      `expected --fixtures as a directory laid out as region.md says, received ${fixturesDir}, which is not a directory`,
    );
  }
  const gateway = gatewayConfigFromValues(values, env, cwd);
  if (gateway.workers > 1) {
    // Why: npm start runs the subgraphs and the index in the gateway's process; several gateway processes are `npm run gateway`'s.
    throw new GatewayConfigError(
      `expected --workers 1 for npm start, which runs the whole region in one process, received ${gateway.workers}; run several gateways with npm run gateway -- --workers N`,
    );
  }
  return { gateway, fixturesDir, sourceTimeoutMs: parseSourceTimeouts(env) };
}

/**
 * Per-source timeouts from `SOURCE_TIMEOUT_MS` (every source) and
 * `SOURCE_TIMEOUT_MS_{INSTANCE}` (one source, wins); throws GatewayConfigError
 * naming the variable for a value outside 1–600 000 ms.
 */
export function parseSourceTimeouts(env: Env): Partial<Record<InstanceId, number>> {
  const out: Partial<Record<InstanceId, number>> = {};
  const all = timeout(env, 'SOURCE_TIMEOUT_MS');
  for (const { id } of INSTANCES) {
    const own = timeout(env, `SOURCE_TIMEOUT_MS_${id.toUpperCase().replace(/-/g, '_')}`);
    const ms = own ?? all;
    if (ms !== undefined) out[id] = ms;
  }
  return out;
}

function timeout(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 600_000)
    throw new GatewayConfigError(`expected ${name} as whole milliseconds from 1 to 600000, received ${JSON.stringify(raw)}`);
  return n;
}
