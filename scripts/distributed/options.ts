/**
 * `npm run region -- --distributed` settings, parsed once:
 *
 *   --fixtures DIR    the region the emulators serve (default the repository's fixtures/)
 *   --replicas N      replicas of the region, lists and each municipality subgraph (1–8, default 2)
 *   --scale NAME=N    replicas of one of them (repeatable), e.g. `--replicas 1 --scale region=2 --scale porvoo=2`
 *   --port N          the first gateway's port; the second listens on N+1 (default 4000; 0: free ports)
 *   --log-level L     every service's log level (default: info, the gateways warn: at info they log every request)
 *   --control         serve the control endpoint (status, and signals to a service: tests, drills)
 *   DATABASE_URL      PostgreSQL, required: the replicas share the person index, the audit log and the leader lock
 *   DATABASE_SCHEMA   the schema to use (default a fresh one per run, dropped at the stop)
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DatabaseConfigError, parseDatabaseConfig } from '../../subgraphs/database/config.ts';
import { DEFAULT_FIXTURES_DIR } from '../startConfig.ts';
import { BALANCED_SERVICES } from './topology.ts';

export interface DistributedOptions {
  readonly fixturesDir: string;
  /** Replicas of each balanced service (region, lists, each municipality's subgraph), by name. */
  readonly replicas: Readonly<Record<string, number>>;
  /** The gateways' ports (0: free ones). */
  readonly gatewayPorts: readonly [number, number];
  readonly logLevel: string;
  readonly gatewayLogLevel: string;
  readonly control: boolean;
  /** A schema the caller named (kept at the stop), or undefined: a fresh one, dropped at the stop. */
  readonly databaseSchema: string | undefined;
}

/** A setting of the command that cannot be used; the message names it. */
export class DistributedConfigError extends Error {
  override readonly name = 'DistributedConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
export const MAX_REPLICAS = 8;

/** Parses the command line (with `--distributed`) and checks the environment; throws DistributedConfigError. */
export function parseDistributedOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd = process.cwd(),
): DistributedOptions {
  let values: { fixtures?: string; replicas?: string; scale?: string[]; port?: string; 'log-level'?: string; control?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        distributed: { type: 'boolean' },
        fixtures: { type: 'string' },
        replicas: { type: 'string' },
        scale: { type: 'string', multiple: true },
        port: { type: 'string' },
        'log-level': { type: 'string' },
        control: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new DistributedConfigError(err instanceof Error ? err.message : 'expected known options, received another');
  }
  const fixturesDir = values.fixtures ? resolve(cwd, values.fixtures) : DEFAULT_FIXTURES_DIR;
  if (!existsSync(fixturesDir) || !statSync(fixturesDir).isDirectory())
    throw new DistributedConfigError(
      `expected --fixtures as a directory laid out as region.md says, received ${fixturesDir}, which is not a directory`,
    );
  const all = whole('--replicas', values.replicas, 2, 1, MAX_REPLICAS);
  const replicas: Record<string, number> = Object.fromEntries(BALANCED_SERVICES.map(({ service }) => [service, all]));
  for (const item of values.scale ?? []) {
    const m = /^([a-z]+)=(.*)$/.exec(item);
    if (!m || !(m[1]! in replicas))
      throw new DistributedConfigError(
        `expected --scale NAME=N with NAME one of ${Object.keys(replicas).join(', ')}, received ${JSON.stringify(item)}`,
      );
    replicas[m[1]!] = whole(`--scale ${m[1]}`, m[2], all, 1, MAX_REPLICAS);
  }
  const port = whole('--port', values.port, 4_000, 0, 65_534);
  const logLevel = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new DistributedConfigError(`expected --log-level as one of ${LOG_LEVELS.join(', ')}, received ${JSON.stringify(logLevel)}`);

  let database;
  try {
    database = parseDatabaseConfig(env);
  } catch (err) {
    if (err instanceof DatabaseConfigError) throw new DistributedConfigError(err.message);
    throw err;
  }
  if (database.kind !== 'postgres')
    // Why required: PGlite lives inside one process, and the replicas must share the index, the audit log and the leader lock.
    throw new DistributedConfigError(
      'expected DATABASE_URL as a postgres:// URL (the replicas share the person index, the audit log and the leader lock through PostgreSQL), received none',
    );
  return {
    fixturesDir,
    replicas,
    gatewayPorts: [port, port === 0 ? 0 : port + 1],
    logLevel,
    gatewayLogLevel: values['log-level'] ?? 'warn',
    control: values.control ?? false,
    databaseSchema: database.schema,
  };
}

function whole(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new DistributedConfigError(`expected ${flag} as a whole number from ${min} to ${max}, received ${JSON.stringify(raw)}`);
  return Number(raw);
}
