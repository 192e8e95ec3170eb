/**
 * The distributed run's control endpoint (on 127.0.0.1, with `--control`):
 * what the end-to-end tests and an operator's drill use.
 *
 *   GET  /status                      the services (pid, port, state, restarts, ready time), each balancer's
 *                                     per-replica counters, the gateways' URLs, the start time
 *   POST /signal?id=ID&signal=SIGNAL  sends SIGKILL, SIGTERM or SIGINT to one service's process, as an outside
 *                                     kill would (the supervisor restarts it); answers with the connections the
 *                                     balancer had open to it (and those awaiting an answer) at that moment
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { Balancer, BackendCounters } from './balancer.ts';
import type { ChildStatus, Supervisor } from './supervisor.ts';

/** The `/status` answer. */
export interface RunStatus {
  readonly gateways: readonly string[];
  /** Milliseconds from the command's start until every service was ready. */
  readonly startMs: number;
  readonly services: readonly ChildStatus[];
  readonly balancers: Readonly<
    Record<string, { readonly port: number; readonly rejected: number; readonly backends: readonly BackendCounters[] }>
  >;
}

/** The `/signal` answer. */
export interface SignalAnswer {
  readonly id: string;
  readonly pid: number;
  readonly signal: string;
  /** When the signal was sent, ms since the epoch. */
  readonly at: number;
  /** Connections the balancer had open to this replica just before the signal (0 for a service behind none). */
  readonly open: number;
  /** Of those, connections whose client had sent more recently than the replica answered: requests in flight. */
  readonly awaiting: number;
}

export interface ControlOptions {
  readonly supervisor: Supervisor;
  readonly balancers: ReadonlyMap<string, { readonly balancer: Balancer; readonly port: number }>;
  readonly gateways: readonly string[];
  readonly startMs: () => number;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGKILL', 'SIGTERM', 'SIGINT'];

/** Starts the control endpoint on 127.0.0.1 (a free port); resolves with the server and its URL. */
export async function startControl(options: ControlOptions): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/status') return send(200, status(options));
    if (req.method === 'POST' && url.pathname === '/signal') {
      const id = url.searchParams.get('id') ?? '';
      const signal = (url.searchParams.get('signal') ?? '') as NodeJS.Signals;
      if (!SIGNALS.includes(signal))
        return send(400, { error: `expected signal as one of ${SIGNALS.join(', ')}, received ${JSON.stringify(signal)}` });
      const service = options.supervisor.status().find((s) => s.id === id);
      if (!service || service.pid === undefined)
        return send(404, { error: `expected the id of a running service, received ${JSON.stringify(id)}` });
      // Read the balancer's counters, then signal at once: nothing runs on this thread in between.
      const counters = options.balancers
        .get(service.service)
        ?.balancer.counters()
        .find((c) => c.id === id);
      const pid = options.supervisor.signal(id, signal);
      const answer: SignalAnswer = { id, pid, signal, at: Date.now(), open: counters?.open ?? 0, awaiting: counters?.awaiting ?? 0 };
      return send(200, answer);
    }
    send(404, { error: 'expected GET /status or POST /signal?id=ID&signal=SIGNAL' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

function status(options: ControlOptions): RunStatus {
  return {
    gateways: options.gateways,
    startMs: options.startMs(),
    services: options.supervisor.status(),
    balancers: Object.fromEntries(
      [...options.balancers].map(([name, b]) => [
        name,
        { port: b.port, rejected: b.balancer.rejectedConnections, backends: b.balancer.counters() },
      ]),
    ),
  };
}
