/**
 * Per request, the lists subgraph decides every record list, the record
 * index and the fee ceiling of a Customer with the policy engine
 * (subgraphs/access) and records each decision in the audit log BEFORE the
 * data leaves (fail closed: a failed write is AUDIT_UNAVAILABLE and nothing
 * is returned).
 *
 * One access context per person and record kinds per request: identity
 * (from the gateway's internal token), subject from VTJ's facts, the
 * records region-wide from the representation, this identity's emergency
 * grants, the clock.
 */
import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { Clock } from '../../domain/time.ts';
import { accessContext, decideEmergencyStart, decideGroup, filterRecords, subjectFromVtj } from '../access/policy.ts';
import type {
  AccessContext,
  AccessDecision,
  DataGroup,
  DenyReason,
  EmergencyGrant,
  FilteredRecords,
  GroupRecord,
  RecordGroup,
} from '../access/policy.ts';
import { forbiddenError } from '../access/errors.ts';
import { outcomesOf } from '../audit/events.ts';
import { RequestAudit } from '../audit/requestAudit.ts';
import { readThrough } from '../server/readCache.ts';
import type { OperationReadCache } from '../server/readCache.ts';
import type { AuditSink } from '../audit/store.ts';
import type { EmergencyAccessStore } from '../audit/emergency.ts';
import type { Identity } from '../../contract/identity.ts';
import type { RecordListField } from '../../schema/model.ts';
import { gatherRecords } from './representation.ts';
import type { CustomerRepresentation, GatheredRecords } from './representation.ts';

/** What the lists subgraph's access needs from the database. */
export interface AccessServices {
  /** Where audit events go (the AuditStore; tests pass one whose writes fail). */
  readonly audit: AuditSink;
  /** Emergency grants; absent: none (tests of the lists alone). */
  readonly emergency?: Pick<EmergencyAccessStore, 'grantsFor'>;
  readonly clock: Clock;
}

/** One person as the resolvers see them: the decision context and the records gathered of the kinds asked. */
export interface PersonAccess {
  readonly ctx: AccessContext;
  readonly records: GatheredRecords;
}

/** One request's access state: contexts per person, the audit trail. */
export class RequestAccess {
  private readonly persons = new Map<string, Promise<PersonAccess>>();
  private readonly trail: RequestAudit;
  private readonly grants: DataLoader<string, EmergencyGrant[]>;
  /** "Now" for the whole request: every decision of one answer uses the same instant. */
  readonly now: Date;

  /** With `cached`, the grants one gateway operation already read (another of its fetches to this subgraph) are not read again. */
  constructor(
    services: AccessServices,
    private readonly identity: Identity | null,
    requestId: string,
    cached?: { readonly cache: OperationReadCache<EmergencyGrant[]>; readonly scope: string },
  ) {
    this.now = services.clock.now();
    this.trail = new RequestAudit(services.audit, { requestId, at: this.now });
    this.grants = new DataLoader(async (hetus) => {
      // Only whoever may start emergency access holds grants (the policy: professionals); for anyone else none is looked up.
      const holder = decideEmergencyStart(this.identity);
      const store = services.emergency;
      if (!holder.allowed || !store) return hetus.map(() => []);
      const read = (keys: readonly string[]) => store.grantsFor(holder.sub, keys, this.now);
      return cached ? readThrough(cached.cache, cached.scope, 'emergency-grants', hetus, read) : read(hetus);
    });
  }

  /** The access context of the person a representation describes, with the records of `kinds` (built once per person and kinds per request). */
  person(rep: CustomerRepresentation, kinds: readonly RecordListField[]): Promise<PersonAccess> {
    const k = `${rep.hetu} ${kinds.join(',')}`;
    let p = this.persons.get(k);
    if (!p) {
      p = this.build(rep, kinds);
      this.persons.set(k, p);
    }
    return p;
  }

  private async build(rep: CustomerRepresentation, kinds: readonly RecordListField[]): Promise<PersonAccess> {
    const records = gatherRecords(rep, kinds);
    const ctx = accessContext({
      identity: this.identity,
      // VTJ unknown or unreadable: fail closed (turvakielto assumed, no guardian).
      subject: subjectFromVtj(rep.hetu, rep.vtjFacts ?? undefined),
      records,
      grants: await this.grants.load(rep.hetu),
      now: this.now,
    });
    return { ctx, records };
  }

  /** Decides a whole data group, audits the decision, and throws FORBIDDEN when denied. */
  async requireGroup(person: PersonAccess, group: DataGroup): Promise<AccessDecision & { allowed: true }> {
    const d = decideGroup(person.ctx, group);
    await this.trail.decisions(person.ctx, [{ group, decision: d }]);
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
    records: readonly GroupRecord[G][],
    path: readonly (string | number)[],
  ): Promise<{ allowed: FilteredRecords<GroupRecord[G]>['allowed']; errors: GraphQLError[] }> {
    const f = filterRecords(person.ctx, group, records);
    await this.trail.decisions(person.ctx, outcomesOf(group, f));
    const errors: GraphQLError[] = [];
    const gate = decideGroup(person.ctx, group);
    if (!gate.allowed) {
      // The whole group is closed: said even when there is nothing to deny, so an empty list never tells "none exist".
      errors.push(forbiddenError(gate.reason, { dataGroup: group, path }));
    } else {
      const counts = new Map<DenyReason, number>();
      for (const d of f.denied) counts.set(d.reason, (counts.get(d.reason) ?? 0) + 1);
      for (const [reason, count] of counts) errors.push(forbiddenError(reason, { dataGroup: group, count, path }));
    }
    return { allowed: f.allowed, errors };
  }
}
