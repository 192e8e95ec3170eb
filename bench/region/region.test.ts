/**
 * The region side of the benchmark on the bundled fixtures: the services
 * process as the harness runs it (its ready line, control endpoint and clean
 * stop), a gateway started here over its subgraphs, the mix answered in full
 * by it, and the lean-sources accounting (issue 6): a client overview or a
 * citizen's appointments read each instance holding the person's records
 * once and VTJ once, nothing else; a fee ceiling reads each of the person's
 * and their dependants' instances once per person (the gateway's plan asks
 * for the dependants twice: the operation read cache keeps it to one read).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SUBGRAPH_NAMES } from '../../schema/municipalities.ts';
import { gatewayConfigFromValues } from '../../gateway/config.ts';
import { createGateway } from '../../gateway/server.ts';
import { InternalKey } from '../../contract/internalToken.ts';
import { answerProblem, send, verifyMix } from './check.ts';
import type { Counts, ReadCounts } from './counting.ts';
import { buildDetailedRegionMix, MIX_KINDS } from './mix.ts';
import type { DetailedRegionMix, MixSubject } from './mix.ts';
import type { ReadyLine } from './start.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const INDEX_PERSONS = 5_000;
/** Requests per kind checked in full, and accounted for one by one. */
const CHECKED = 8;

let child: ChildProcess;
let ready: ReadyLine;
let exited: Promise<number | null>;
let gateway: FastifyInstance;
let gatewayUrl: string;
let detailed: DetailedRegionMix;

/** Starts the services process and resolves with its one stdout line. */
function startServices(): Promise<ReadyLine> {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/region/services.ts', '--fixtures', FIXTURES, '--index-persons', String(INDEX_PERSONS)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DATABASE_URL: '' },
    },
  );
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as ReadyLine);
    });
    void exited.then((code) => reject(new Error(`services exited (${code}) before the ready line: ${stderr.slice(-2_000)}`)));
  });
}

async function control<T>(path: string): Promise<T> {
  return (await (await fetch(`${ready.controlUrl}${path}`)).json()) as T;
}

beforeAll(async () => {
  ready = await startServices();
  const config = gatewayConfigFromValues({ port: '0', 'log-level': 'silent' }, { DEV_IDP_DIR: ready.devIdpDir });
  gateway = await createGateway({
    supergraphSdl: await readFile(config.supergraphPath, 'utf8'),
    subgraphUrls: ready.subgraphUrls,
    logger: pino({ level: 'silent' }),
    auth: config.auth,
    internalKey: InternalKey.fromSecret(ready.internalKey),
  });
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  gatewayUrl = `http://127.0.0.1:${port}`;
  detailed = await buildDetailedRegionMix({ fixturesDir: FIXTURES, devIdpDir: ready.devIdpDir, gatewayPort: port, persons: 40 });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

describe('bench/region/services.ts', () => {
  it('prints one ready line naming every subgraph, the key, the identity provider, the control endpoint and the index size', () => {
    expect(Object.keys(ready.subgraphUrls).sort()).toEqual([...SUBGRAPH_NAMES].sort());
    expect(ready.internalKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ready.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.indexPersons).toBe(INDEX_PERSONS);
    // `retries` only when a source missed its first listing.
    expect(Object.keys(ready.startMs).filter((k) => k !== 'retries')).toEqual([
      'database',
      'emulators',
      'adapters',
      'personIndex',
      'subgraphs',
      'statistics',
      'padding',
      'total',
    ]);
  });

  it('counts the emulators’ wire requests and the subgraphs’ reads, and refuses other paths', async () => {
    const calls = await control<Counts>('/legacy-calls');
    expect(Object.keys(calls.byInstance)).toHaveLength(12);
    // The index's listing and the statistics' reads went to the sources; no query yet, so no subgraph read.
    expect(calls.total).toBeGreaterThan(0);
    expect(await control<ReadCounts>('/reads')).toEqual({ byInstance: {}, total: 0, personsByInstance: {}, persons: 0 });
    expect((await fetch(`${ready.controlUrl}/nothing`)).status).toBe(404);
  });
});

describe('the region mix', () => {
  it('has different persons for each kind and a bearer token on every request', () => {
    for (const kind of MIX_KINDS) {
      const requests = detailed.mix[kind];
      expect(requests.length).toBeGreaterThan(CHECKED);
      expect(new Set(requests.map((r) => r.body)).size).toBe(requests.length);
      for (const r of requests)
        expect(r.headers).toMatchObject({ 'content-type': 'application/json', authorization: expect.stringMatching(/^Bearer /) });
    }
    expect(new Set(detailed.subjects.clientOverview.map((s) => s.hetu)).size).toBe(detailed.subjects.clientOverview.length);
  });

  it('is answered in full: data and no error (no FORBIDDEN, no missing source), for every kind', async () => {
    await verifyMix(gatewayUrl, detailed.mix);
    const problems: string[] = [];
    for (const kind of MIX_KINDS) {
      for (const [i, req] of detailed.mix[kind].slice(0, CHECKED).entries()) {
        const { status, body } = await send(gatewayUrl, req);
        const problem = answerProblem(kind, status, body);
        if (problem) problems.push(`${kind}[${i}]: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('verifyMix names the kind whose answer is not a full one', async () => {
    const broken = { ...detailed.mix, feeCeiling: [{ ...detailed.mix.feeCeiling[0]!, headers: { 'content-type': 'application/json' } }] };
    await expect(verifyMix(gatewayUrl, broken)).rejects.toThrow(/feeCeiling\[0\]: expected no errors/);
  });
});

/** Differences of two counters, keeping only the keys that moved. */
function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => v !== 0),
  );
}

/** Reads (persons asked, by instance) and wire requests one request causes. */
async function account(
  req: (typeof detailed.mix)['clientOverview'][number],
): Promise<{ reads: Record<string, number>; wire: Record<string, number> }> {
  const before = { r: await control<ReadCounts>('/reads'), w: await control<Counts>('/legacy-calls') };
  const { status, body } = await send(gatewayUrl, req);
  expect(status).toBe(200);
  expect((body as { errors?: unknown }).errors).toBeUndefined();
  const after = { r: await control<ReadCounts>('/reads'), w: await control<Counts>('/legacy-calls') };
  return { reads: delta(before.r.personsByInstance, after.r.personsByInstance), wire: delta(before.w.byInstance, after.w.byInstance) };
}

/** One read of each instance the person's records are in, and one of VTJ. */
function target(s: MixSubject): Record<string, number> {
  return Object.fromEntries([...s.instances.map((i) => [i, 1] as const), ['vtj', 1] as const]);
}

describe('legacy calls per query (lean sources)', () => {
  it.each(['clientOverview', 'citizenAppointments'] as const)(
    '%s: each instance holding the person’s records read once, VTJ once, no other source touched',
    async (kind) => {
      for (const [i, req] of detailed.mix[kind].slice(0, CHECKED).entries()) {
        const subject = detailed.subjects[kind][i]!;
        const { reads, wire } = await account(req);
        expect(reads).toEqual(target(subject));
        // On the wire, only those sources (Lifecare needs several SOAP operations for one read).
        expect(Object.keys(wire).sort()).toEqual(Object.keys(target(subject)).sort());
      }
    },
  );

  it('feeCeiling: each person (the customer and every VTJ dependant) read once from each of their instances and once from VTJ', async () => {
    expect(detailed.complete).toBe(true);
    let withDependants = 0;
    for (const [i, req] of detailed.mix.feeCeiling.slice(0, CHECKED * 2).entries()) {
      const subject = detailed.subjects.feeCeiling[i]!;
      const { reads } = await account(req);
      const expected: Record<string, number> = { vtj: 1 + subject.dependants.length };
      for (const p of [subject, ...subject.dependants]) for (const inst of p.instances) expected[inst] = (expected[inst] ?? 0) + 1;
      expect(reads).toEqual(expected);
      if (subject.dependants.length > 0) withDependants++;
    }
    // The case the operation read cache is for must be among those checked.
    expect(withDependants).toBeGreaterThan(0);
  });
});

describe('stopping', () => {
  it('stops cleanly on SIGTERM (exit 0)', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
