/**
 * `me` (issue 15): the signed-in caller's entry point in the region
 * subgraph. Who they are comes from the token (never from an argument): a
 * citizen reaches their own data (and through it their minor dependants')
 * as `customer`; a professional their units' appointments and their
 * clients from the unit index (subgraphs/region/unitIndex), each person
 * then read through the access policy as any customer.
 *
 * The professional's views decide with the policy's own pieces
 * (subgraphs/access/policy.ts: `decideUnitViews`, `professionalUnitKeys`,
 * `customershipGivesRelation`): a client is listed only when one of their
 * open customerships gives the professional a care relation exactly as the
 * policy would, and each person listed is audited as a RECORD_INDEX read.
 */
import { GraphQLError } from 'graphql';
import type { Identity } from '../../contract/identity.ts';
import { formatInstant, parseInstant } from '../../domain/time.ts';
import { customershipGivesRelation, decideUnitViews, policyToday, professionalUnitKeys, unitKey } from '../access/policy.ts';
import type { AccessDecision } from '../access/policy.ts';
import { forbiddenError } from '../access/errors.ts';
import type { RequestAudit } from '../audit/requestAudit.ts';
import type { UnitRegister } from '../lists/unitRegister.ts';
import { paginate } from '../server/connection.ts';
import type { Connection } from '../server/connection.ts';
import { opaqueId, recordId } from '../server/ids.ts';
import type { CustomerObject, UnitAppointmentObject, UnitView, ViewerObject } from './parents.ts';
import type { UnitIndexReader } from './unitIndex/store.ts';

/** The longest window `unitAppointments` answers: 31 days. */
export const MAX_WINDOW_MS = 31 * 86_400_000;
/** Most appointments one window may hold (all are sorted before paging); more: BAD_USER_INPUT, narrow the window. */
export const MAX_WINDOW_APPOINTMENTS = 20_000;
/** Customership rows read per query while listing clients (memory stays bounded by the persons listed, not the rows). */
const CANDIDATE_BATCH = 2_000;

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** The viewer of a signed-in caller; UNAUTHENTICATED without one. */
export function viewerOf(identity: Identity | null): ViewerObject {
  // The access errors' one rule: no sign-in is UNAUTHENTICATED (reason NOT_AUTHENTICATED), with the policy's message.
  if (!identity) throw forbiddenError('NOT_AUTHENTICATED');
  return { identity };
}

/** The schema's ViewerRole of an identity. */
export function viewerRole(identity: Identity): 'CITIZEN' | 'PROFESSIONAL' | 'ANALYST' {
  return identity.kind === 'citizen' ? 'CITIZEN' : identity.kind === 'professional' ? 'PROFESSIONAL' : 'ANALYST';
}

/** The viewer's stable id: a hash of the token's subject (no identity code, no name). */
export function viewerId(identity: Identity): string {
  return opaqueId(`Viewer:${identity.sub}`);
}

/** A unit OID as the schema's Unit: the register's names where it knows the OID (the Finnish one also as `name`), else the OID. */
export function unitView(oid: string, register: UnitRegister): UnitView {
  const names = register.get(oid);
  return { oid, name: names?.nameFi ?? oid, nameFi: names?.nameFi ?? null, nameSv: names?.nameSv ?? null };
}

/** A professional's identity, or FORBIDDEN with the policy's reason. */
function professional(identity: Identity): {
  id: Extract<Identity, { kind: 'professional' }>;
  decision: AccessDecision & { allowed: true };
} {
  const decision = decideUnitViews(identity);
  if (!decision.allowed || identity.kind !== 'professional')
    throw forbiddenError(decision.allowed ? 'ROLE_NOT_PERMITTED' : decision.reason);
  return { id: identity, decision };
}

/** Audits each listed person as a RECORD_INDEX read on the views' basis, before the page leaves. */
async function auditListed(trail: RequestAudit, identity: Identity, decision: AccessDecision, hetus: readonly string[]): Promise<void> {
  await Promise.all(
    [...new Set(hetus)].map((hetu) => trail.decisions({ identity, subject: { hetu } }, [{ group: 'RECORD_INDEX', decision }])),
  );
}

export interface ViewerServices {
  /** The unit index; absent: the professional's views are empty. */
  readonly unitIndex?: UnitIndexReader;
  /** The organisation register's unit names. */
  readonly units: UnitRegister;
}

/**
 * One page of a professional's unit appointments in [from, to): rows of the
 * unit index at their units, by start then id (paginate's cursors).
 */
export async function unitAppointmentsPage(
  services: ViewerServices,
  identity: Identity,
  trail: RequestAudit,
  args: { readonly from: string; readonly to: string; readonly first?: number | null; readonly after?: string | null },
): Promise<Connection<UnitAppointmentObject>> {
  const { id, decision } = professional(identity);
  const fromMs = parseInstant(args.from);
  const toMs = parseInstant(args.to);
  if (!(toMs > fromMs)) throw badInput('expected to after from, received a window that ends before it starts');
  if (toMs - fromMs > MAX_WINDOW_MS) throw badInput('expected a window (to − from) of at most 31 days, received a longer one');
  // The professional's own units by key: the key an appointment matched names the unit it is in.
  const byKey = new Map<string, string>();
  for (const oid of id.units) byKey.set(unitKey(oid), oid);
  const keys = [...professionalUnitKeys(id)];
  const rows = services.unitIndex ? await services.unitIndex.appointments(keys, fromMs, toMs, MAX_WINDOW_APPOINTMENTS + 1) : [];
  if (rows.length > MAX_WINDOW_APPOINTMENTS)
    throw badInput(`expected a window with at most ${MAX_WINDOW_APPOINTMENTS} appointments, received a wider one: narrow from and to`);
  const items = rows
    .map((r): UnitAppointmentObject => ({
      id: recordId('UnitAppointment', r),
      startMs: r.startMs,
      start: formatInstant(r.startMs),
      unit: unitView(byKey.get(r.unitKey) ?? r.unitKey, services.units),
      hetu: r.hetu,
    }))
    .sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = paginate(items, (a) => [a.startMs, a.id], args);
  await auditListed(
    trail,
    identity,
    decision,
    page.edges.map((e) => e.node.hetu),
  );
  return page;
}

/**
 * One page of a professional's clients: distinct persons of whom an open
 * customership in the index gives a care relation (`customershipGivesRelation`
 * on today's Helsinki date), ordered by a hash of the code (the Customer id).
 */
export async function clientsPage(
  services: ViewerServices,
  identity: Identity,
  trail: RequestAudit,
  now: Date,
  args: { readonly first?: number | null; readonly after?: string | null },
): Promise<Connection<CustomerObject>> {
  const { id, decision } = professional(identity);
  const units = professionalUnitKeys(id);
  const today = policyToday(now);
  const clients = new Map<string, string>();
  if (services.unitIndex && id.careAreas.includes('SOCIAL')) {
    const query = { unitKeys: [...units], municipality: id.municipality, serviceTasks: id.serviceTasks };
    let after = '';
    for (;;) {
      const batch = await services.unitIndex.customershipCandidates(query, after, CANDIDATE_BATCH);
      for (const row of batch)
        if (customershipGivesRelation(id, units, row, today)) clients.set(row.hetu, opaqueId(`Customer:${row.hetu}`));
      if (batch.length < CANDIDATE_BATCH) break;
      // Why not simply the last row: a person's rows may straddle two batches; restart after the last whole person.
      const last = batch[batch.length - 1]!.hetu;
      const lastWhole = [...batch].reverse().find((r) => r.hetu !== last)?.hetu;
      after = lastWhole ?? last;
    }
  }
  const items = [...clients].map(([hetu, key]) => ({ hetu, key })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = paginate(items, (c) => [c.key], args);
  await auditListed(
    trail,
    identity,
    decision,
    page.edges.map((e) => e.node.hetu),
  );
  return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: { hetu: e.node.hetu } })) };
}
