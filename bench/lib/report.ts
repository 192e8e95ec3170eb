/** The printed form of each scenario's report (the JSON holds everything; this is the readable part). */
import { ANALYST_RATE_PER_CONNECTION } from '../scenarios/region.ts';
import { cpus } from 'node:os';
import type { EngineReport } from '../engine/scenario.ts';
import type { RegionReport } from '../scenarios/region.ts';
import type { QueryKind } from '../scenarios/regionStack.ts';
import type { ScaleReport } from '../scenarios/scale.ts';
import { overTarget } from '../planning/budget.ts';
import type { PlanningOperationReport, PlanningReport } from '../scenarios/planning.ts';
import type { PlannerChoice } from './options.ts';
import type { Comparison, Summary } from './stats.ts';
import { fmt, fmtRatio, fmtRps, formatTable } from './table.ts';

const SUMMARY_HEADER = ['', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'requests', 'RSS max MB', 'CPU cores', 'CPU ms/req'];

/** One table row of a summary. */
export function summaryRow(name: string, s: Summary): string[] {
  return [
    name,
    fmtRps(s.rps),
    fmt(s.p50Ms, 1),
    fmt(s.p95Ms, 1),
    fmt(s.p99Ms, 1),
    String(s.errors),
    String(s.requests),
    fmt(s.rssMaxMB, 0),
    fmt(s.cpuCores, 2),
    fmt(s.cpuMsPerRequest, 3),
  ];
}

/** Rows of named summaries as a table, then a line per row with errors: their kinds and a few samples. */
export function summaryTable(rows: readonly (readonly [string, Summary])[]): string {
  const lines = [
    formatTable(
      SUMMARY_HEADER,
      rows.map(([name, s]) => summaryRow(name, s)),
    ),
  ];
  for (const [name, s] of rows) {
    if (s.errors === 0) continue;
    const b = s.errorBreakdown;
    const samples = s.errorSamples
      .map(
        (e) =>
          `${e.status} ${e.errors.map((x) => `${x.code ?? ''}${x.path ? ` at ${x.path.join('.')}` : ''}${x.message ? ` "${x.message}"` : ''}`).join('; ')}`,
      )
      .join(' | ');
    lines.push(
      `  ${name} errors: ${b.non2xx} non-2xx, ${b.graphqlErrors} GraphQL errors, ${b.connErrors} connection errors (${b.timeouts} timeouts)${samples ? `; e.g. ${samples}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** The ratio table: ours ÷ each other target. */
export function comparisonTable(comparisons: readonly Comparison[]): string {
  return formatTable(
    ['ours ÷', 'req/s', 'per round', 'p99', 'CPU/req'],
    comparisons.map((c) => [
      c.against,
      fmtRatio(c.rps),
      c.rpsByRound.map((x) => fmtRatio(x)).join(' '),
      fmtRatio(c.p99),
      fmtRatio(c.cpuPerRequest),
    ]),
  );
}

/** The engine scenario as printed; `cpuCount` is this machine's. */
export function formatEngineReport(report: EngineReport, cpuCount = cpus().length): string {
  const rows = Object.entries(report.targets).map(([name, t]) => [name, t.summary] as const);
  const out = [
    `Engine scenario (${fmt(report.wallSeconds, 0)} s): ${report.query}`,
    '',
    summaryTable(rows),
    '',
    'Ratios, ours ÷ theirs (req/s: medians over rounds; per round: same round, side by side; p99 and CPU/req below 1× = ours better):',
    comparisonTable(report.comparisons),
  ];
  const l = report.limit;
  if (l.oursShareOfIssueLimit !== null) {
    out.push(
      '',
      `Limit: ours ${fmtRps(report.targets.ours?.summary.rps)} req/s = ${fmt(l.oursShareOfIssueLimit * 100, 0)} % of the issue's ~${fmtRps(l.issueLimitRps)} req/s` +
        (l.directThirdRps !== null && l.oursShareOfDirectThird !== null
          ? `; ${fmt(l.oursShareOfDirectThird * 100, 0)} % of this run's limit (direct ÷ 3 = ${fmtRps(l.directThirdRps)} req/s)`
          : ''),
    );
  }
  out.push(
    '',
    `Machine load average (1 min) after the runs: ${fmt(report.loadAverage.min, 1)}–${fmt(report.loadAverage.max, 1)}` +
      (report.loadAverage.max > cpuCount
        ? ` on ${cpuCount} cores: other work competed; req/s are low and noisy, CPU ms/req much less so.`
        : ` on ${cpuCount} cores.`),
    ...report.notes.map((n) => `Note: ${n}`),
  );
  return out.join('\n');
}

/** The region scenario as printed. */
export function formatRegionReport(report: RegionReport): string {
  const kinds = Object.entries(report.kinds) as [QueryKind, RegionReport['kinds'][QueryKind]][];
  const overview = report.kinds.clientOverview.summary;
  const out = [
    `Region scenario (${fmt(report.wallSeconds, 0)} s): ${report.fixturesDir}, person index ${fmtRps(report.indexPersons)} persons; ` +
      `services started in ${fmt(report.start.servicesMs / 1000, 1)} s, our gateway in ${fmt(report.start.gatewayMs / 1000, 1)} s`,
    `The mix, all kinds at once (connections: ${kinds.map(([k]) => `${k} ${report.connections[k]}`).join(', ')}; analysts paced at ${ANALYST_RATE_PER_CONNECTION} req/s per connection, the others as fast as answers come); RSS and CPU are the gateway's, CPU ms/req its CPU over that kind's requests alone:`,
    '',
    summaryTable(kinds.map(([k, v]) => [k, v.summary] as const)),
    '',
    `The mix in all: ${fmtRps(report.totalRps)} req/s; gateway RSS max ${fmt(report.gateway.rssMaxMB, 0)} MB, CPU ${fmt(report.gateway.cpuCores, 2)} cores; ` +
      `services process (adapters, person index, subgraphs; the emulators run in child processes of their own) CPU ${fmt(report.services.cpuCores, 2)} cores, RSS max ${fmt(report.services.rssMaxMB, 0)} MB.`,
    `Client overview p99 ${fmt(overview.p99Ms, 1)} ms at ${fmtRps(overview.rps)} req/s within the mix (target < ${report.clientOverviewP99TargetMs} ms): ${
      overview.p99Ms < report.clientOverviewP99TargetMs ? 'met' : 'NOT met'
    }.`,
    '',
    `Legacy calls per query (one kind at a time, ${report.legacyCalls.clientOverview.requests} requests each; calls: wire requests the emulators served, Lifecare several per read; reads: adapter readPersons calls; target: instances holding the persons' records + VTJ):`,
    formatTable(
      ['', 'calls/query', 'reads/query', 'target reads', 'failed'],
      kinds.map(([k]) => {
        const l = report.legacyCalls[k];
        return [k, fmt(l.perQuery, 2), fmt(l.readsPerQuery, 2), fmt(l.targetReadsPerQuery, 2), String(l.failed)];
      }),
    ),
    'Calls per query by instance:',
    ...kinds
      .filter(([k]) => Object.keys(report.legacyCalls[k].perQueryByInstance).length > 0)
      .map(
        ([k]) =>
          `  ${k}: ${Object.entries(report.legacyCalls[k].perQueryByInstance)
            .map(([id, n]) => `${id} ${fmt(n, 2)}`)
            .join(', ')}`,
      ),
  ];
  if (report.soak) {
    const s = report.soak.rss;
    out.push(
      '',
      `Soak ${report.soak.seconds} s: gateway RSS ${fmt(s.startMB, 0)} → ${fmt(s.endMB, 0)} MB (max ${fmt(s.maxMB, 0)}, ${s.samples} samples every 5 s), slope ${fmt(s.slopeMBPerMin, 2)} MB/min; ` +
        Object.values(report.soak.kinds)
          .map((l) => `${l.label} ${fmtRps(l.rps)} req/s ${l.errors} errors`)
          .join(', '),
    );
  }
  return out.join('\n');
}

/** The scale scenario as printed. */
export function formatScaleReport(report: ScaleReport): string {
  return [
    `Scale scenario (${fmt(report.wallSeconds, 0)} s): the client overview alone, sources ${report.fixturesDir}, the person index padded:`,
    '',
    summaryTable(report.sizes.map((s) => [`index ${fmtRps(s.indexPersons)}`, s.summary] as const)),
    '',
    `Services start (padding load) per round: ${report.sizes
      .map(
        (s) =>
          `${fmtRps(s.indexPersons)}: ${s.servicesStartMs.map((ms) => fmt(ms / 1000, 1)).join('/')} s (${s.paddingMs.map((ms) => fmt(ms / 1000, 1)).join('/')} s)`,
      )
      .join('; ')}`,
    `Services process CPU cores per round (RSS/CPU columns above: the gateway's): ${report.sizes.map((s) => `${fmtRps(s.indexPersons)}: ${s.servicesCpuCores.map((c) => fmt(c, 2)).join('/')}`).join('; ')}`,
    `Largest ÷ smallest index req/s: ${fmtRatio(report.largestToSmallest)} (per round ${report.largestToSmallestByRound.map((x) => fmtRatio(x)).join(' ')}; target ≥ ${fmtRatio(report.target)}): ${
      report.largestToSmallest !== null && report.largestToSmallest >= report.target ? 'met' : 'NOT met'
    }.`,
  ].join('\n');
}

const PLANNER_TITLES: Readonly<Record<PlannerChoice, string>> = {
  apollo: "@apollo/query-planner (our gateway's planner)",
  rust: "Hive Router's Rust query planner",
};

const STATUS_TEXT = {
  'over-budget': 'over budget',
  invalid: 'invalid',
  'cannot-plan': 'cannot plan',
  unavailable: 'unavailable',
  failed: 'failed',
} as const;

/** One planner's table: a row per operation; a plan that did not happen says why in the cold column. */
export function planningTable(planner: PlannerChoice, operations: readonly PlanningOperationReport[]): string {
  const pretty = planner === 'apollo';
  const header = ['operation', 'cold ms', 'warm ms', 'fetches', 'depth', 'plan kB', ...(pretty ? ['pretty kB'] : [])];
  const rows = operations.map((op) => {
    const m = op.results[planner];
    if (!m) return [op.name, 'not run'];
    if (m.status !== 'planned') return [op.name, STATUS_TEXT[m.status], '–', '–', '–', '–', ...(pretty ? ['–'] : [])];
    return [
      op.name,
      fmt(m.coldMs, 1),
      fmt(m.warmMs, 1),
      fmt(m.fetches, 0),
      fmt(m.depth, 0),
      fmt(m.planBytes === null ? null : m.planBytes / 1000, 1),
      ...(pretty ? [fmt(m.prettyBytes === null ? null : m.prettyBytes / 1000, 1)] : []),
    ];
  });
  return formatTable(header, rows);
}

/** The planning scenario as printed: a table per planner, then why each plan that did not happen did not. */
export function formatPlanningReport(report: PlanningReport): string {
  const out = [
    `Planning scenario (${fmt(report.wallSeconds, 0)} s): ${report.supergraph.path} (sha256 ${report.supergraph.sha256.slice(0, 12)}), ` +
      `${report.operations.length} operations; budget ${fmt(report.budgetMs / 1000, 0)} s per plan, up to ${report.replans} warm re-plans.`,
    `cold: ${report.cold}; warm: median of the re-plans on the same planner; fetches: fetch nodes of the plan; depth: sequential fetch levels; ` +
      `plan kB: the plan as JSON (as our gateway caches it); pretty kB: Apollo's pretty print (the issue's "100 kB plan").`,
  ];
  for (const [planner, info] of Object.entries(report.planners) as [
    PlannerChoice,
    NonNullable<PlanningReport['planners'][PlannerChoice]>,
  ][]) {
    out.push(
      '',
      `${PLANNER_TITLES[planner]}: ${info.package} ${info.version ?? ''}`.trimEnd() +
        (info.available ? `; planner build (median) ${fmt(info.buildMsMedian, 0)} ms` : `; unavailable: ${info.reason ?? ''}`),
      '',
      planningTable(planner, report.operations),
    );
    const failures = report.operations.filter((op) => {
      const status = op.results[planner]?.status;
      return status !== undefined && status !== 'planned' && status !== 'unavailable';
    });
    for (const op of failures) {
      const m = op.results[planner]!;
      out.push(`  ${op.name}: ${STATUS_TEXT[m.status as keyof typeof STATUS_TEXT]}${m.error ? `: ${m.error.slice(0, 200)}` : ''}`);
    }
    const over = report.operations.flatMap((op) => {
      const why = overTarget(op, op.results[planner]);
      return why === null ? [] : [`${op.name} (${why})`];
    });
    out.push(`  Over issue 13's plan-time target (warm > 50 ms; a chain > 100 ms): ${over.length > 0 ? over.join(', ') : 'none'}.`);
  }
  out.push(
    '',
    `Machine load average (1 min): ${fmt(report.loadAverage.start, 1)} at the start, ${fmt(report.loadAverage.end, 1)} at the end.`,
  );
  return out.join('\n');
}
