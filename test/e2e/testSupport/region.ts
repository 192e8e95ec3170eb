/**
 * End-to-end test support: the whole region (emulators, adapters, person
 * index, nine subgraphs, gateway) started in this process with
 * scripts/region.ts's startRegion on the e2e fixtures, a GraphQL client
 * over real HTTP, and request counters at the emulators and subgraphs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { InstanceId } from '../../../domain/region.ts';
import { gatewayConfigFromValues } from '../../../gateway/config.ts';
import type { GatewayArgValues } from '../../../gateway/config.ts';
import { Lifecycle } from '../../../scripts/lifecycle.ts';
import { startRegion } from '../../../scripts/region.ts';
import type { RunningRegion } from '../../../scripts/region.ts';
import { fixedClock, writeE2ERegion } from './fixtures.ts';
import type { Clock } from '../../../domain/time.ts';
import { DevIdp } from '../../../gateway/auth/devIdp.ts';
import type { AuditSink } from '../../../subgraphs/audit/store.ts';
import type { Identity } from '../../../contract/identity.ts';
import type { Telemetry } from '../../../telemetry/index.ts';

export interface E2ERegion extends RunningRegion {
  /** A bearer token of the region's development identity provider for any identity (valid 60 minutes). */
  tokenFor(identity: Identity, options?: { readonly minutes?: number; readonly now?: Date }): Promise<string>;
  /** Requests each subgraph service has received so far, by subgraph name. */
  subgraphRequests(): Record<string, number>;
  /** Requests each emulator has answered so far, by instance. */
  emulatorRequests(): Record<InstanceId, number>;
  stop(): Promise<void>;
}

export interface E2EOptions {
  /** Per-source timeouts in ms by instance (default: the adapters' 5 000). */
  readonly sourceTimeoutMs?: Partial<Record<InstanceId, number>>;
  /** The region's clock (default the fixed 2026-11-23 clock of the e2e fixtures). */
  readonly clock?: Clock;
  /** Writes the fixtures into the directory (default the e2e fixtures). */
  readonly writeFixtures?: (dir: string) => Promise<void>;
  /** Where the region and lists subgraphs write audit events (default the audit log; tests pass a failing one). */
  readonly auditSink?: AuditSink;
  /** Extra gateway settings (flags and environment), e.g. a higher alias limit. */
  readonly gatewayFlags?: Readonly<Record<string, string>>;
  readonly gatewayEnv?: Readonly<Record<string, string>>;
  /** Traces and metrics of the region's services (test/e2e/telemetry.test.ts); default none. */
  readonly telemetry?: Telemetry;
}

/**
 * Writes the e2e fixtures into a temp directory and starts the region on
 * them with a fixed clock (2026-11-23) and the gateway on a free port. The
 * person index polls only at start (an hour's interval), so request counts
 * move only with the test's own queries. The index lives in PGlite even
 * where DATABASE_URL is set (other test files share that database).
 * `E2E_LOG_LEVEL=info` shows the region's logs.
 */
export async function startE2ERegion(options: E2EOptions = {}): Promise<E2ERegion> {
  // Why a second attempt: on a machine starved of CPU a source can miss its first listing,
  // and this index polls only hourly; the tests need every person indexed.
  const first = await startOnce(options);
  if (first) return first;
  const second = await startOnce(options);
  if (second) return second;
  throw new Error('expected the person index built from every source at start, received one still building (twice)');
}

/** One start; null (everything stopped again) when the index did not list every source. */
async function startOnce(options: E2EOptions): Promise<E2ERegion | null> {
  const dir = mkdtempSync(join(tmpdir(), 'region-e2e-'));
  await (options.writeFixtures ?? writeE2ERegion)(dir);
  const logger = pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const lifecycle = new Lifecycle({ logger, exit: () => {}, deadlineMs: 10_000 });
  const stop = async (): Promise<void> => {
    await lifecycle.stop('test done');
    rmSync(dir, { recursive: true, force: true });
  };
  let region: RunningRegion;
  try {
    region = await startRegion({
      // The development identity provider keeps its key in the temp directory, not in the repository's .data/.
      gateway: gatewayConfigFromValues(
        { port: '0', 'log-level': 'silent', ...(options.gatewayFlags as GatewayArgValues | undefined) },
        { DEV_IDP_DIR: join(dir, '.dev-idp'), ...options.gatewayEnv },
      ),
      fixturesDir: dir,
      ...(options.sourceTimeoutMs ? { sourceTimeoutMs: options.sourceTimeoutMs } : {}),
      env: { PERSON_INDEX_POLL_MS: '3600000', PERSON_INDEX_FULL_REFRESH_MS: '0' },
      logger,
      lifecycle,
      clock: options.clock ?? fixedClock,
      ...(options.auditSink ? { auditSink: options.auditSink } : {}),
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  if (!region.indexReady()) {
    await stop();
    return null;
  }
  const subgraphCounts: Record<string, number> = {};
  for (const [name, app] of region.subgraphs.apps) {
    subgraphCounts[name] = 0;
    // A second 'request' listener only counts; Fastify's own handler still answers.
    app.server.on('request', () => void (subgraphCounts[name] = (subgraphCounts[name] ?? 0) + 1));
  }
  // The same key directory and port as the gateway's development identity provider: its tokens verify there.
  const idp = await DevIdp.open({ dir: join(dir, '.dev-idp'), port: Number(new URL(region.gatewayUrl).port) });
  return {
    ...region,
    tokenFor: async (identity, mintOptions) => (await idp.mint(identity, mintOptions)).token,
    subgraphRequests: () => ({ ...subgraphCounts }),
    emulatorRequests: () =>
      Object.fromEntries([...region.emulators].map(([id, e]) => [id, e.faults.requests])) as Record<InstanceId, number>,
    stop,
  };
}

/** Per-key difference of two counter snapshots, keeping only keys that moved. */
export function delta<K extends string>(before: Record<K, number>, after: Record<K, number>): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const k of Object.keys(after) as K[]) {
    const d = after[k] - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export interface GraphQLErrorBody {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

export interface GraphQLAnswer<T> {
  readonly status: number;
  readonly data?: T | null;
  readonly errors?: readonly GraphQLErrorBody[];
}

/** POSTs an operation to the gateway's /graphql over HTTP, with a bearer token when given. */
export async function gql<T = Record<string, unknown>>(
  region: Pick<RunningRegion, 'gatewayUrl'>,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLAnswer<T>> {
  const res = await fetch(`${region.gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GraphQLErrorBody[] };
  return { status: res.status, ...body };
}
