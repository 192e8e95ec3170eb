/**
 * Audit events (issue 4): who (sub, role), whose identity code, which data
 * groups, on what basis, the outcome (denials too), when, in which request,
 * and whether under emergency access. Pure: building events from policy
 * decisions; the store writes them.
 */
import type { Identity } from '../../contract/identity.ts';
import { DATA_GROUPS } from '../access/policy.ts';
import type { AccessBasis, AccessContext, AccessDecision, DataGroup, DenyReason, FilteredRecords } from '../access/policy.ts';

/** A read of a person's data, a lookup of whether they exist (by identity code), or the start of emergency access to it. */
export type AuditAction = 'READ' | 'LOOKUP' | 'EMERGENCY_ACCESS';
/** What an allowed lookup answered: the person exists (or a source that might know them could not be read), or nobody has the code. */
export type LookupResult = 'FOUND' | 'NOT_FOUND';
export type ActorRole = 'citizen' | 'professional' | 'analyst' | 'anonymous';
export type AuditOutcome = 'ALLOWED' | 'DENIED';

/** One audit event as the resolvers hand it to the store. */
export interface AuditEventInput {
  readonly at: Date;
  readonly requestId: string;
  readonly action: AuditAction;
  /** Null only for `anonymous` (no valid identity). */
  readonly actorSub: string | null;
  readonly actorRole: ActorRole;
  /** A professional's name from their claims, so the citizen's view can say who read. */
  readonly actorName?: string;
  /** Whose data. */
  readonly subjectHetu: string;
  readonly dataGroups: readonly DataGroup[];
  readonly outcome: AuditOutcome;
  /** Present exactly when ALLOWED. */
  readonly basis?: AccessBasis;
  /** Present exactly when DENIED. */
  readonly reason?: DenyReason;
  readonly emergency: boolean;
  /** The emergency grant's stated reason; present when `emergency`. */
  readonly emergencyReason?: string;
  /** Present exactly for an allowed LOOKUP. */
  readonly lookupResult?: LookupResult;
}

/** An event as stored, with its id (ascending in write order). */
export interface AuditEvent extends AuditEventInput {
  readonly id: string;
}

/** One decision taken for one data group during a read. */
export interface GroupOutcome {
  readonly group: DataGroup;
  readonly decision: AccessDecision;
}

/** The decisions of a filtered record group, as group outcomes. */
export function outcomesOf(group: DataGroup, filtered: Pick<FilteredRecords<unknown>, 'decisions'>): GroupOutcome[] {
  return filtered.decisions.map((decision) => ({ group, decision }));
}

/** The actor fields of an identity. */
export function actorOf(identity: Identity | null): Pick<AuditEventInput, 'actorSub' | 'actorRole' | 'actorName'> {
  if (!identity) return { actorSub: null, actorRole: 'anonymous' };
  if (identity.kind === 'professional') return { actorSub: identity.sub, actorRole: 'professional', actorName: identity.name };
  return { actorSub: identity.sub, actorRole: identity.kind };
}

/**
 * The event of one lookup by identity code: no data groups (only whether
 * the person exists was asked), the decision, and when allowed what the
 * answer said (`result`, required when allowed). It holds no more than a
 * read's event: actor, code, outcome.
 */
export function lookupEvent(
  meta: { readonly requestId: string; readonly at: Date },
  identity: Identity | null,
  subjectHetu: string,
  decision: AccessDecision,
  result?: LookupResult,
): AuditEventInput {
  return {
    at: meta.at,
    requestId: meta.requestId,
    action: 'LOOKUP',
    ...actorOf(identity),
    subjectHetu,
    dataGroups: [],
    outcome: decision.allowed ? 'ALLOWED' : 'DENIED',
    ...(decision.allowed ? { basis: decision.basis, ...(result ? { lookupResult: result } : {}) } : { reason: decision.reason }),
    emergency: false,
  };
}

/**
 * The events of one read of one person: one event per distinct outcome
 * (each basis allowed, each reason denied), listing the data groups it
 * covers in DATA_GROUPS order. Emergency-based events carry the active
 * grant's reason.
 */
export function readEvents(
  meta: { readonly requestId: string; readonly at: Date },
  ctx: Pick<AccessContext, 'identity' | 'activeGrant'> & { readonly subject: Pick<AccessContext['subject'], 'hetu'> },
  outcomes: Iterable<GroupOutcome>,
): AuditEventInput[] {
  const byKey = new Map<string, { decision: AccessDecision; groups: Set<DataGroup> }>();
  for (const { group, decision } of outcomes) {
    const k = decision.allowed ? `A:${decision.basis}` : `D:${decision.reason}`;
    let entry = byKey.get(k);
    if (!entry) byKey.set(k, (entry = { decision, groups: new Set() }));
    entry.groups.add(group);
  }
  const actor = actorOf(ctx.identity);
  const out: AuditEventInput[] = [];
  for (const { decision, groups } of byKey.values()) {
    const emergency = decision.allowed && decision.basis === 'EMERGENCY';
    if (emergency && !ctx.activeGrant) throw new TypeError('expected an active emergency grant for an EMERGENCY decision, received none');
    out.push({
      at: meta.at,
      requestId: meta.requestId,
      action: 'READ',
      ...actor,
      subjectHetu: ctx.subject.hetu,
      dataGroups: DATA_GROUPS.filter((g) => groups.has(g)),
      outcome: decision.allowed ? 'ALLOWED' : 'DENIED',
      ...(decision.allowed ? { basis: decision.basis } : { reason: decision.reason }),
      emergency,
      ...(emergency ? { emergencyReason: ctx.activeGrant!.reason } : {}),
    });
  }
  return out;
}
