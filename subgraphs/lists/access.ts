/**
 * The access point (issue 4): per request, the lists subgraph decides every
 * personal field and record of a Customer with the policy engine
 * (subgraphs/access) and records each decision in the audit log
 * BEFORE the data leaves (fail closed: a failed write is AUDIT_UNAVAILABLE
 * and nothing is returned).
 *
 * One access context per person per request: identity (from the gateway's
 * internal token), subject from VTJ, records region-wide from the
 * representation, this identity's emergency grants, the clock.
 */
import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { Clock } from '../../domain/time.ts';
import { accessContext, decideEmergencyStart, decideGroup, DATA_GROUPS, filterRecords, subjectFromVtj } from '../access/policy.ts';
import type {
  AccessContext,
  AccessDecision,
  DataGroup,
  EmergencyGrant,
  FilteredRecords,
  RecordGroup,
  SubjectRecords,
} from '../access/policy.ts';
import { forbiddenError } from '../access/errors.ts';
import { outcomesOf, readEvents } from '../audit/events.ts';
import type { AuditEventInput, GroupOutcome } from '../audit/events.ts';
import { AuditBatcher, auditedRead } from '../audit/store.ts';
import type { AuditSink } from '../audit/store.ts';
import type { EmergencyAccessStore } from '../audit/emergency.ts';
import type { Identity } from '../../contract/identity.ts';
import type { RecordListField } from '../../schema/model.ts';
import { gatherRecords } from './representation.ts';
import type { CustomerRepresentation, GatheredRecords } from './representation.ts';

/** What the access point needs from the database. */
export interface AccessServices {
  /** Where audit events go (the AuditStore; tests pass one whose writes fail). */
  readonly audit: AuditSink;
  /** Emergency grants; absent: none (tests of the lists alone). */
  readonly emergency?: Pick<EmergencyAccessStore, 'grantsFor'>;
  readonly clock: Clock;
}

/** One person as the resolvers see them: the decision context and the gathered records. */
export interface PersonAccess {
  readonly ctx: AccessContext;
  readonly gathered: GatheredRecords;
  readonly records: SubjectRecords;
}

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
    ]);
    const entry = byKey.get(k);
    if (entry) e.dataGroups.forEach((g) => entry.groups.add(g));
    else byKey.set(k, { event: e, groups: new Set(e.dataGroups) });
  }
  return [...byKey.values()].map(({ event, groups }) => ({ ...event, dataGroups: DATA_GROUPS.filter((g) => groups.has(g)) }));
}

/** One request's access state: contexts per person, the audit batcher, what has been audited. */
export class RequestAccess {
  private readonly persons = new Map<string, Promise<PersonAccess>>();
  private readonly audited = new Map<string, Promise<void>>();
  private readonly batcher: AuditBatcher;
  private readonly grants: DataLoader<string, EmergencyGrant[]>;
  /** "Now" for the whole request: every decision of one answer uses the same instant. */
  readonly now: Date;

  constructor(
    private readonly services: AccessServices,
    private readonly identity: Identity | null,
    private readonly requestId: string,
  ) {
    this.now = services.clock.now();
    this.batcher = new AuditBatcher({
      record: async (events) => {
        await services.audit.record(mergeEvents(events));
        return [];
      },
    });
    this.grants = new DataLoader(async (hetus) => {
      // Only whoever may start emergency access holds grants (the policy: professionals); for anyone else none is looked up.
      const holder = decideEmergencyStart(this.identity);
      if (!holder.allowed || !services.emergency) return hetus.map(() => []);
      return services.emergency.grantsFor(holder.sub, hetus, this.now);
    });
  }

  /** The access context of the person a representation describes (built once per person per request). */
  person(rep: CustomerRepresentation, lists?: readonly RecordListField[]): Promise<PersonAccess> {
    const k = `${rep.hetu} ${lists ? lists.join(',') : '*'}`;
    let p = this.persons.get(k);
    if (!p) {
      p = this.build(rep, lists);
      this.persons.set(k, p);
    }
    return p;
  }

  /** `lists`: the record lists the representation carries (a dependant's for the fee ceiling: fees only). */
  private async build(rep: CustomerRepresentation, lists?: readonly RecordListField[]): Promise<PersonAccess> {
    const gathered = gatherRecords(rep, lists);
    const records: SubjectRecords = {
      appointments: gathered.appointments.flat(),
      customerships: gathered.customerships.flat(),
      decisions: gathered.decisions.flat(),
      plans: gathered.plans.flat(),
      fees: gathered.fees.flat(),
      consents: gathered.consents.flat(),
    };
    const vtj = rep.vtj ?? undefined;
    const ctx = accessContext({
      identity: this.identity,
      // VTJ unknown or unreadable: fail closed (turvakielto assumed, no guardian).
      subject: subjectFromVtj(rep.hetu, vtj ? { guardians: vtj.guardians ?? [], turvakielto: vtj.turvakielto ?? true } : undefined),
      records,
      grants: await this.grants.load(rep.hetu),
      now: this.now,
    });
    return { ctx, gathered, records };
  }

  /**
   * Records the outcomes (allowed and denied) of one person's groups; resolves
   * once they are written. Each distinct event is written once per request;
   * a failed write rejects with AuditUnavailableError (FORBIDDEN
   * AUDIT_UNAVAILABLE).
   */
  async audit(ctx: AccessContext, outcomes: Iterable<GroupOutcome>): Promise<void> {
    const events = readEvents({ requestId: this.requestId, at: this.now }, ctx, outcomes);
    await Promise.all(
      events.flatMap((e) =>
        e.dataGroups.map((g) => {
          const single = { ...e, dataGroups: [g] };
          const k = JSON.stringify([e.subjectHetu, g, e.outcome, e.basis ?? '', e.reason ?? '']);
          let p = this.audited.get(k);
          if (!p) {
            p = auditedRead(this.batcher, [single], () => undefined);
            this.audited.set(k, p);
          }
          return p;
        }),
      ),
    );
  }

  /** Decides a whole data group, audits the decision, and throws FORBIDDEN when denied. */
  async requireGroup(person: PersonAccess, group: DataGroup): Promise<AccessDecision & { allowed: true }> {
    const d = decideGroup(person.ctx, group);
    await this.audit(person.ctx, [{ group, decision: d }]);
    if (!d.allowed) throw forbiddenError(d.reason, { dataGroup: group });
    return d;
  }

  /**
   * Filters one record list with the policy, audits every decision taken,
   * and returns the allowed records plus the errors for the denied ones:
   * one FORBIDDEN per reason class (with the count), at `path`.
   */
  async filter<G extends RecordGroup>(
    person: PersonAccess,
    group: G,
    records: Parameters<typeof filterRecords<G>>[2],
    path: readonly (string | number)[],
  ): Promise<{ allowed: FilteredRecords<Parameters<typeof filterRecords<G>>[2][number]>['allowed']; errors: GraphQLError[] }> {
    const f = filterRecords(person.ctx, group, records);
    await this.audit(person.ctx, outcomesOf(group, f));
    const errors: GraphQLError[] = [];
    const gate = decideGroup(person.ctx, group);
    if (!gate.allowed) {
      // The whole group is closed: said even when there is nothing to deny, so an empty list never tells "none exist".
      errors.push(forbiddenError(gate.reason, { dataGroup: group, path }));
    } else {
      const counts = new Map<string, number>();
      for (const d of f.denied) counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);
      for (const [reason, count] of counts) errors.push(forbiddenError(reason as never, { dataGroup: group, count, path }));
    }
    return { allowed: f.allowed, errors };
  }
}
