/**
 * The engine scenario: the gateway alone on three plain in-memory Federation 2
 * subgraphs and one query crossing all three, side by side with stock
 * @apollo/gateway in @apollo/server, Hive Gateway, one subgraph queried
 * directly and a plain node:http JSON answer. Each target is a process of its
 * own; rounds are interleaved (each round runs every target in turn, the
 * order rotating), so the ratios compare figures measured minutes apart at most.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Driver } from '../lib/driver.ts';
import type { BenchRequest, LoadSpec } from '../lib/driverTypes.ts';
import type { BenchOptions, EngineTarget } from '../lib/options.ts';
import { jsonReadyLine, startService, tsxArgs } from '../lib/proc.ts';
import type { Service } from '../lib/proc.ts';
import { canonicalJson, graphqlPost, measureRun, originAndPath, sendOnce } from '../lib/rounds.ts';
import { compare, rotate, summarize } from '../lib/stats.ts';
import type { Comparison, RoundMeasurement, Summary } from '../lib/stats.ts';
import { BENCH_IDS, DIRECT_QUERY, ENGINE_QUERY, expectedData, expectedDirectData } from './schema.ts';
import type { EngineSubgraph } from './schema.ts';
import { composeEngineSupergraph } from './supergraph.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The issue's limit: a query needing three subgraph fetches cannot beat about a third of the direct rate, ~5 000 req/s there. */
export const ISSUE_LIMIT_RPS = 5000;

export const TARGET_DESCRIPTIONS: Readonly<Record<EngineTarget, string>> = {
  ours: 'our gateway: node --import tsx scripts/gateway.ts --supergraph FILE --port 0 --log-level warn',
  stock: 'stock @apollo/gateway 2.14.4 in @apollo/server 5 startStandaloneServer, defaults',
  hive: 'Hive Gateway (@graphql-hive/gateway-runtime 2.12.1, default runtime) on node:http',
  direct: 'baseline: the people subgraph queried directly (one-subgraph query)',
  plain: 'baseline: plain node:http JSON answer (no GraphQL)',
  bare: 'our gateway without telemetry: as ours, with OTEL_SDK_DISABLED=true (ours has metrics, no tracing without an endpoint)',
  traced:
    'our gateway tracing every request: as ours, with OTEL_EXPORTER_OTLP_ENDPOINT at a closed loopback port (spans recorded, batched, serialised, export refused)',
};

export interface EngineTargetReport {
  readonly description: string;
  /** The process whose RSS and CPU are reported (direct: the subgraphs process). */
  readonly measuredProcess: string;
  readonly rounds: readonly RoundMeasurement[];
  readonly summary: Summary;
}

export interface EngineReport {
  readonly scenario: 'engine';
  readonly wallSeconds: number;
  readonly query: string;
  readonly notes: readonly string[];
  readonly targets: Partial<Record<EngineTarget, EngineTargetReport>>;
  /** Ours ÷ each other target. */
  readonly comparisons: readonly Comparison[];
  /**
   * The machine's 1-minute load average after each measured run (min, max):
   * above the core count, other work competed with the targets, and req/s
   * are lower and noisier than on a quiet machine (CPU ms/req much less so).
   */
  readonly loadAverage: { readonly min: number; readonly max: number };
  readonly limit: {
    readonly issueLimitRps: number;
    /** A third of this run's direct rate: the limit measured here. */
    readonly directThirdRps: number | null;
    readonly oursShareOfIssueLimit: number | null;
    readonly oursShareOfDirectThird: number | null;
  };
}

interface RunningTarget {
  readonly name: EngineTarget;
  readonly origin: string;
  readonly requests: readonly BenchRequest[];
  readonly pid: number;
  readonly expected: (id: string) => unknown;
}

function readyUrl(line: string): { url: string } | undefined {
  const info = jsonReadyLine<{ url?: unknown }>(line);
  return info && typeof info.url === 'string' ? { url: info.url } : undefined;
}

/** Our gateway's start line: `  Gateway: http://127.0.0.1:PORT/graphql`. */
export function oursReadyUrl(line: string): { url: string } | undefined {
  const m = /Gateway: (http:\/\/\S+\/graphql)\s*$/.exec(line);
  return m ? { url: m[1]! } : undefined;
}

function requestsFor(path: string, query: string): BenchRequest[] {
  return BENCH_IDS.map((id) => graphqlPost(path, query, { id }));
}

/** Checks that a target answers every bench id with the expected data and no errors; throws loudly otherwise. */
async function verifyTarget(target: RunningTarget, when: string): Promise<void> {
  for (let i = 0; i < BENCH_IDS.length; i++) {
    const id = BENCH_IDS[i]!;
    const { status, body } = await sendOnce(target.origin, target.requests[i]!);
    const answer = body as { data?: unknown; errors?: unknown };
    if (status !== 200 || answer.errors !== undefined || canonicalJson(answer.data) !== canonicalJson(target.expected(id))) {
      throw new Error(
        `expected ${target.name} to answer person ${id} ${when} with status 200 and the expected data, received status ${status}: ${JSON.stringify(body).slice(0, 500)}`,
      );
    }
  }
}

/** Runs the engine scenario; `log` gets progress lines. */
export async function runEngineScenario(options: BenchOptions, driver: Driver, log: (line: string) => void): Promise<EngineReport> {
  const started = Date.now();
  const services: Service<unknown>[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  // Also on an interrupted run (run.ts exits on SIGINT/SIGTERM once the processes have stopped).
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true });
  process.once('exit', removeTmp);
  try {
    const subgraphs = await startService({
      name: 'engine subgraphs',
      command: process.execPath,
      args: tsxArgs(file('./subgraphs.ts')),
      ready: (line) => jsonReadyLine<{ urls: Record<EngineSubgraph, string> }>(line),
    });
    services.push(subgraphs);
    const supergraphPath = join(tmp, 'supergraph.graphql');
    writeFileSync(supergraphPath, composeEngineSupergraph(subgraphs.info.urls));
    log(`engine: subgraphs up (pid ${subgraphs.pid}), supergraph composed at ${supergraphPath}`);

    const targets: RunningTarget[] = [];
    for (const name of options.targets) {
      let url: string;
      let pid: number;
      if (name === 'direct') {
        url = subgraphs.info.urls.people;
        pid = subgraphs.pid;
      } else {
        const spec =
          name === 'ours' || name === 'bare' || name === 'traced'
            ? {
                args: tsxArgs(join(ROOT, 'scripts/gateway.ts'), ['--supergraph', supergraphPath, '--port', '0', '--log-level', 'warn']),
                ready: oursReadyUrl,
                // Its development identity provider keeps its key here, not in the repository's .data/. Spans are never
                // exported from a benchmark (no OTLP endpoint); `bare` has no telemetry at all.
                env: {
                  ...process.env,
                  DEV_IDP_DIR: join(tmp, 'dev-idp'),
                  // Port 9 (discard): nothing listens on loopback, so every export is refused at once.
                  OTEL_EXPORTER_OTLP_ENDPOINT: name === 'traced' ? 'http://127.0.0.1:9' : '',
                  OTEL_SDK_DISABLED: name === 'bare' ? 'true' : 'false',
                },
              }
            : {
                args: tsxArgs(file(`./targets/${name}.ts`), name === 'plain' ? [] : ['--supergraph', supergraphPath]),
                ready: readyUrl,
                env: process.env,
              };
        const service = await startService({ name, command: process.execPath, cwd: ROOT, ...spec });
        services.push(service);
        url = service.info.url;
        pid = service.pid;
      }
      const { origin, path } = originAndPath(url);
      targets.push({
        name,
        origin,
        pid,
        requests: requestsFor(path, name === 'direct' ? DIRECT_QUERY : ENGINE_QUERY),
        expected: name === 'direct' ? expectedDirectData : expectedData,
      });
      log(`engine: ${name} up at ${url} (pid ${pid})`);
    }
    for (const t of targets) await verifyTarget(t, 'before the load');
    log(`engine: every target answers the ${BENCH_IDS.length} bench persons with the same data`);

    const rounds = new Map<EngineTarget, RoundMeasurement[]>(targets.map((t) => [t.name, []]));
    const loads1m: number[] = [];
    for (let r = 0; r < options.rounds; r++) {
      for (const t of rotate(targets, r)) {
        const loads = (durationS: number): LoadSpec[] => [
          { label: t.name, origin: t.origin, connections: options.connections, durationS, requests: t.requests },
        ];
        const m = await measureRun(driver, loads, { warmupS: options.warmupS, durationS: options.durationS, pid: t.pid });
        const load = m.loads[0]!;
        loads1m.push(loadavg()[0]!);
        rounds.get(t.name)!.push({
          round: r,
          load,
          ...(m.usage ? { rssMaxBytes: m.usage.rssMaxBytes, rssEndBytes: m.usage.rssEndBytes, cpuSeconds: m.usage.cpuSeconds } : {}),
        });
        log(
          `engine: round ${r + 1}/${options.rounds} ${t.name.padEnd(6)} ${Math.round(load.rps)} req/s, p99 ${load.latencyMs.p99.toFixed(1)} ms, ${load.errors} errors`,
        );
      }
    }
    for (const t of targets) await verifyTarget(t, 'after the load');

    const report: Partial<Record<EngineTarget, EngineTargetReport>> = {};
    for (const t of targets) {
      report[t.name] = {
        description: TARGET_DESCRIPTIONS[t.name],
        measuredProcess: t.name === 'direct' ? 'the subgraphs process (all three subgraphs)' : `the ${t.name} process`,
        rounds: rounds.get(t.name)!,
        summary: summarize(rounds.get(t.name)!),
      };
    }
    const others = Object.fromEntries([...rounds].filter(([name]) => name !== 'ours'));
    const comparisons = rounds.has('ours') ? compare(rounds.get('ours')!, others) : [];
    const oursRps = report.ours?.summary.rps;
    const directThird = report.direct ? report.direct.summary.rps / 3 : null;
    return {
      scenario: 'engine',
      wallSeconds: (Date.now() - started) / 1000,
      query: ENGINE_QUERY,
      notes: [
        'ours runs with --log-level warn (no per-request info log line); the others log nothing per request either.',
        `load: ${options.connections} connections, the ${BENCH_IDS.length} bench persons in turn, content-type application/json on every request.`,
        'errors: non-2xx + 2xx bodies without "data" or with "errors" (every response checked) + connection errors/timeouts.',
      ],
      targets: report,
      comparisons,
      loadAverage: { min: Math.min(...loads1m), max: Math.max(...loads1m) },
      limit: {
        issueLimitRps: ISSUE_LIMIT_RPS,
        directThirdRps: directThird,
        oursShareOfIssueLimit: oursRps !== undefined ? oursRps / ISSUE_LIMIT_RPS : null,
        oursShareOfDirectThird: oursRps !== undefined && directThird ? oursRps / directThird : null,
      },
    };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    removeTmp();
    process.off('exit', removeTmp);
  }
}
