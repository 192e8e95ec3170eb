/**
 * Checks that the mix's requests get full answers: no GraphQL errors (no
 * FORBIDDEN, no missing source) and the data each kind is about.
 */
import type { BenchRequest, MixKind, RegionMix } from './mix.ts';
import { MIX_KINDS } from './mix.ts';

interface Answer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { readonly message?: string; readonly extensions?: Record<string, unknown> }[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
/** A customer's list `k` as the query asked it: the (deprecated) list field or its connection's edges (the GraphiQL examples ask connections). */
const hasItems = (c: Obj, k: string): boolean => nonEmpty(c[k]) || nonEmpty(obj(c[`${k}Connection`])?.edges);

/**
 * Why one answer of a kind is not a full one (null: it is). Never quotes
 * data: only error codes and which part is empty.
 */
export function answerProblem(kind: MixKind, status: number, body: unknown): string | null {
  if (status !== 200) return `expected HTTP 200, received ${status}`;
  const answer = obj(body) as Answer | undefined;
  if (!answer) return 'expected a JSON object, received another value';
  if (answer.errors && answer.errors.length > 0) {
    const codes = answer.errors.map(
      (e) => `${String(e.extensions?.code ?? 'no code')}${e.extensions?.reason ? `/${String(e.extensions.reason)}` : ''}`,
    );
    return `expected no errors, received ${answer.errors.length}: ${[...new Set(codes)].join(', ')}`;
  }
  const data = obj(answer.data);
  if (kind === 'analystAggregate') {
    const s = obj(data?.statistics);
    return s && nonEmpty(s.clients) ? null : 'expected statistics with client counts, received none';
  }
  const c = obj(data?.customer);
  if (!c) return 'expected a customer, received null';
  switch (kind) {
    case 'citizenAppointments':
      return hasItems(c, 'appointments') ? null : 'expected upcoming appointments, received none';
    case 'clientOverview':
      if (typeof c.surname !== 'string') return 'expected the client’s name, received none';
      return ['appointments', 'customerships', 'decisions', 'plans', 'consents'].some((k) => hasItems(c, k))
        ? null
        : 'expected some records, received empty lists';
    case 'feeCeiling':
      return hasItems(c, 'fees') && obj(c.feeCeiling) ? null : 'expected fees and a fee ceiling, received none';
  }
}

/** Sends one request to the gateway; the parsed answer and status. */
export async function send(gatewayUrl: string, req: BenchRequest): Promise<{ status: number; body: unknown }> {
  const res = await fetch(new URL(req.path, gatewayUrl), { method: req.method, headers: req.headers, body: req.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/**
 * Sends the first request of each kind (or the first `perKind`) and throws
 * one error naming every kind and request whose answer is not a full one.
 */
export async function verifyMix(gatewayUrl: string, mix: RegionMix, perKind = 1): Promise<void> {
  const problems: string[] = [];
  for (const kind of MIX_KINDS) {
    const requests = mix[kind];
    if (requests.length === 0) {
      problems.push(`${kind}: expected requests, received none`);
      continue;
    }
    for (const [i, req] of requests.slice(0, perKind).entries()) {
      const { status, body } = await send(gatewayUrl, req);
      const problem = answerProblem(kind, status, body);
      if (problem) problems.push(`${kind}[${i}]: ${problem}`);
    }
  }
  if (problems.length > 0) throw new Error(`region mix not answered in full: ${problems.join('; ')}`);
}
