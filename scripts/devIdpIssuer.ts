/**
 * The running gateway's development-identity-provider issuer, recorded
 * beside the provider's key pair (`{DEV_IDP_DIR}/issuer.json`) so that
 * `npm run token`, another process, mints tokens for the gateway that is
 * actually running. Why: the issuer names the gateway's port
 * (`http://localhost:{port}/dev-idp`), and a token command that assumed
 * port 4000 minted tokens a gateway started with `--port 4100` refused
 * (401 `WRONG_ISSUER`).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { devIdpIssuer } from '../gateway/auth/config.ts';

export const ISSUER_FILE = 'issuer.json';

/** What a running gateway records: its issuer, its port and the process serving it. */
export interface IssuerRecord {
  readonly issuer: string;
  readonly port: number;
  readonly pid: number;
}

/** Whether a process is running; injectable so tests need not depend on real process ids. */
export type IsRunning = (pid: number) => boolean;

/** True when a process with this id exists (EPERM: it exists, owned by another user). */
export const processIsRunning: IsRunning = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: unknown }).code === 'EPERM';
  }
};

/**
 * Records the gateway on `port` as this directory's running issuer (the last
 * gateway started wins) and returns a function that removes the record again,
 * unless another gateway has recorded itself since.
 */
export function recordIssuer(dir: string, port: number, pid: number = process.pid): () => void {
  const record: IssuerRecord = { issuer: devIdpIssuer(port), port, pid };
  writeFileSync(join(dir, ISSUER_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
  return () => {
    const now = readRecord(dir);
    if (now && now.pid === pid && now.port === port) rmSync(join(dir, ISSUER_FILE), { force: true });
  };
}

/** The recorded issuer, or undefined when there is none or it cannot be read. */
function readRecord(dir: string): IssuerRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(dir, ISSUER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const r = value as Partial<IssuerRecord> | null;
  if (!r || typeof r.port !== 'number' || !Number.isInteger(r.port) || r.port < 1 || r.port > 65_535 || typeof r.pid !== 'number')
    return undefined;
  return { issuer: devIdpIssuer(r.port), port: r.port, pid: r.pid };
}

/** The port whose issuer a token must name, or why there is none. */
export type RunningIssuer = { readonly ok: true; readonly port: number } | { readonly ok: false; readonly message: string };

/**
 * The gateway a token is for: the one recorded in `dir`, if its process still
 * runs. The message says what to do when no gateway is running there.
 */
export function runningIssuer(dir: string, isRunning: IsRunning = processIsRunning): RunningIssuer {
  const record = readRecord(dir);
  const advice =
    'start the region with npm start (or the gateway with npm run gateway), or give --port N to mint a token for a gateway on port N';
  if (!record) return { ok: false, message: `no region is running with the development identity provider of ${dir}: ${advice}` };
  if (!isRunning(record.pid)) {
    return {
      ok: false,
      message: `the region that ran on port ${record.port} with the development identity provider of ${dir} has stopped: ${advice}`,
    };
  }
  return { ok: true, port: record.port };
}
