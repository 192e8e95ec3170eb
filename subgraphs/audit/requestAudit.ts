/**
 * One request's audit trail: every access decision of a subgraph request is
 * written before the data it allows (or the error it denies) leaves, once
 * per distinct (person, group, outcome), and the events of one request go
 * out together in one INSERT. Used by the region subgraph (VTJ's data,
 * relatives, lookups) and the lists subgraph (records).
 */
import { DATA_GROUPS } from '../access/policy.ts';
import type { AccessContext, DataGroup } from '../access/policy.ts';
import { readEvents } from './events.ts';
import type { AuditEventInput, GroupOutcome } from './events.ts';
import { AuditBatcher, auditedRead } from './store.ts';
import type { AuditSink } from './store.ts';

/**
 * Merges events of one flush that differ only in their data groups: one
 * event per (person, basis or reason) of a request, listing every group it
 * covers (the resolvers of one Customer ask one field at a time).
 */
export function mergeEvents(events: readonly AuditEventInput[]): AuditEventInput[] {
  const byKey = new Map<string, { event: AuditEventInput; groups: Set<DataGroup> }>();
  for (const e of events) {
    const k = JSON.stringify([
      e.requestId,
      e.action,
      e.actorSub,
      e.subjectHetu,
      e.outcome,
      e.basis ?? '',
      e.reason ?? '',
      e.emergency,
      e.emergencyReason ?? '',
      e.lookupResult ?? '',
    ]);
    const entry = byKey.get(k);
    if (entry) e.dataGroups.forEach((g) => entry.groups.add(g));
    else byKey.set(k, { event: e, groups: new Set(e.dataGroups) });
  }
  return [...byKey.values()].map(({ event, groups }) => ({ ...event, dataGroups: DATA_GROUPS.filter((g) => groups.has(g)) }));
}

/** The part of an access context an audit event is written from. */
export type AuditedContext = Pick<AccessContext, 'identity' | 'activeGrant'> & { readonly subject: Pick<AccessContext['subject'], 'hetu'> };

/** The audit trail of one subgraph request. */
export class RequestAudit {
  private readonly audited = new Map<string, Promise<void>>();
  private readonly batcher: AuditBatcher;

  constructor(
    sink: AuditSink,
    private readonly meta: { readonly requestId: string; readonly at: Date },
  ) {
    this.batcher = new AuditBatcher({
      record: async (events) => {
        await sink.record(mergeEvents(events));
        return [];
      },
    });
  }

  /**
   * Records the outcomes (allowed and denied) of one person's groups;
   * resolves once they are written. Each distinct event is written once per
   * request; a failed write rejects with AuditUnavailableError (FORBIDDEN
   * AUDIT_UNAVAILABLE).
   */
  async decisions(ctx: AuditedContext, outcomes: Iterable<GroupOutcome>): Promise<void> {
    const events = readEvents(this.meta, ctx, outcomes);
    await Promise.all(
      events.flatMap((e) =>
        e.dataGroups.map((g) => {
          const k = JSON.stringify([e.subjectHetu, g, e.outcome, e.basis ?? '', e.reason ?? '']);
          let p = this.audited.get(k);
          if (!p) {
            p = auditedRead(this.batcher, [{ ...e, dataGroups: [g] }], () => undefined);
            this.audited.set(k, p);
          }
          return p;
        }),
      ),
    );
  }

  /** Records other events (a lookup) in the same batch; resolves once written, AuditUnavailableError when not. */
  events(events: readonly AuditEventInput[]): Promise<void> {
    return auditedRead(this.batcher, events, () => undefined);
  }
}
