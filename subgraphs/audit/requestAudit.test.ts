/**
 * One request's audit trail (`RequestAudit`) and the merging of its events
 * (`mergeEvents`): against a recording sink, and against the real AuditStore
 * on the test databases (FAMILY_RELATION needs migration 004).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Identity } from '../../contract/identity.ts';
import { decideRelative, decideVtjGroup } from '../access/policy.ts';
import type { AccessDecision, EmergencyGrant } from '../access/policy.ts';
import type { Database } from '../database/database.ts';
import { migrate } from '../database/migrations.ts';
import { BACKENDS, openTestDatabase } from '../database/testSupport.ts';
import { lookupEvent } from './events.ts';
import type { AuditEventInput } from './events.ts';
import { mergeEvents, RequestAudit } from './requestAudit.ts';
import type { AuditedContext } from './requestAudit.ts';
import { AUDIT_MIGRATIONS } from './schema.ts';
import { AuditStore, AuditUnavailableError } from './store.ts';
import type { AuditSink } from './store.ts';

const NOW = new Date('2025-06-15T09:00:00Z');
const PERSON = makeHetu('1980-05-01', 931);
const OTHER = makeHetu('1975-08-12', 932);
const CHILD = makeHetu('2015-02-03', 933);

const physician: Identity = {
  kind: 'professional',
  sub: 'physician-ra',
  name: 'Demo Lääkäri',
  profession: 'PHYSICIAN',
  units: ['1.2.246.10.12345678.10.1'],
  careAreas: ['PRIMARY_HEALTH'],
  serviceTasks: [],
  municipality: '638',
};

const allow = (basis: string): AccessDecision => ({ allowed: true, basis }) as AccessDecision;
const deny = (reason: string): AccessDecision => ({ allowed: false, reason }) as AccessDecision;

const ctxOf = (hetu: string, over: Partial<AuditedContext> = {}): AuditedContext => ({ identity: physician, subject: { hetu }, ...over });

/** A sink that keeps each `record` call's events; `fail` makes every call reject. */
function recordingSink(fail = false): AuditSink & { calls: AuditEventInput[][] } {
  const calls: AuditEventInput[][] = [];
  return {
    calls,
    record: async (events) => {
      calls.push([...events]);
      if (fail) throw new Error('simulated audit database failure');
      return [];
    },
  };
}

/** The parts of an event a test compares. */
const brief = (e: AuditEventInput) => [e.action, e.subjectHetu, e.dataGroups, e.outcome, e.basis ?? e.reason];

function ev(over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    at: NOW,
    requestId: 'req-1',
    action: 'READ',
    actorSub: 'physician-ra',
    actorRole: 'professional',
    actorName: 'Demo Lääkäri',
    subjectHetu: PERSON,
    dataGroups: ['APPOINTMENTS'],
    outcome: 'ALLOWED',
    basis: 'CARE_RELATION',
    emergency: false,
    ...over,
  };
}

describe('RequestAudit', () => {
  it('two decisions for the same person and group in one request write one event (at once or one after the other)', async () => {
    const sink = recordingSink();
    const trail = new RequestAudit(sink, { requestId: 'req-1', at: NOW });
    const basic = decideVtjGroup(
      physician,
      { hetu: PERSON, birthDate: '1980-05-01', guardians: [], turvakielto: false },
      'BASIC',
      '2025-06-15',
    );
    await Promise.all([
      trail.decisions(ctxOf(PERSON), [{ group: 'BASIC', decision: basic }]),
      trail.decisions(ctxOf(PERSON), [{ group: 'BASIC', decision: basic }]),
    ]);
    await trail.decisions(ctxOf(PERSON), [{ group: 'BASIC', decision: basic }]);
    expect(sink.calls.map((c) => c.map(brief))).toEqual([[['READ', PERSON, ['BASIC'], 'ALLOWED', 'PROFESSIONAL_ROLE']]]);
  });

  it('what differs is written: another person, another outcome of the same group', async () => {
    const sink = recordingSink();
    const trail = new RequestAudit(sink, { requestId: 'req-1', at: NOW });
    await Promise.all([
      trail.decisions(ctxOf(PERSON), [{ group: 'CONTACT', decision: allow('PROFESSIONAL_ROLE') }]),
      trail.decisions(ctxOf(OTHER), [{ group: 'CONTACT', decision: allow('PROFESSIONAL_ROLE') }]),
      trail.decisions(ctxOf(PERSON), [{ group: 'CONTACT', decision: deny('TURVAKIELTO') }]),
    ]);
    expect(sink.calls.map((c) => c.map(brief))).toEqual([
      [
        ['READ', PERSON, ['CONTACT'], 'ALLOWED', 'PROFESSIONAL_ROLE'],
        ['READ', OTHER, ['CONTACT'], 'ALLOWED', 'PROFESSIONAL_ROLE'],
        ['READ', PERSON, ['CONTACT'], 'DENIED', 'TURVAKIELTO'],
      ],
    ]);
  });

  it('decisions for two groups of one basis merge into one event listing both groups in DATA_GROUPS order', async () => {
    const sink = recordingSink();
    const trail = new RequestAudit(sink, { requestId: 'req-1', at: NOW });
    // Asked in the opposite order, as the field resolvers of one Customer may.
    await Promise.all([
      trail.decisions(ctxOf(PERSON), [{ group: 'CONTACT', decision: allow('PROFESSIONAL_ROLE') }]),
      trail.decisions(ctxOf(PERSON), [{ group: 'BASIC', decision: allow('PROFESSIONAL_ROLE') }]),
    ]);
    expect(sink.calls).toHaveLength(1);
    expect(sink.calls[0]).toEqual([
      {
        at: NOW,
        requestId: 'req-1',
        action: 'READ',
        actorSub: 'physician-ra',
        actorRole: 'professional',
        actorName: 'Demo Lääkäri',
        subjectHetu: PERSON,
        dataGroups: ['BASIC', 'CONTACT'],
        outcome: 'ALLOWED',
        basis: 'PROFESSIONAL_ROLE',
        emergency: false,
      },
    ]);
  });

  it('a failing sink makes decisions reject with AuditUnavailableError (FORBIDDEN AUDIT_UNAVAILABLE), and the same decision stays refused', async () => {
    const sink = recordingSink(true);
    const trail = new RequestAudit(sink, { requestId: 'req-1', at: NOW });
    const read = () => trail.decisions(ctxOf(PERSON), [{ group: 'BASIC', decision: allow('PROFESSIONAL_ROLE') }]);
    const error = await read().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuditUnavailableError);
    expect(error).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'AUDIT_UNAVAILABLE' } });
    // The database's message stays out of the response.
    expect((error as Error).message).not.toMatch(/simulated/);
    await expect(read()).rejects.toBeInstanceOf(AuditUnavailableError);
  });

  it('a lookup event written through `events` together with a read goes out in one sink call', async () => {
    const sink = recordingSink();
    const trail = new RequestAudit(sink, { requestId: 'req-1', at: NOW });
    const meta = { requestId: 'req-1', at: NOW };
    await Promise.all([
      trail.events([lookupEvent(meta, physician, PERSON, allow('PROFESSIONAL_ROLE'), 'FOUND')]),
      trail.decisions(ctxOf(PERSON), [{ group: 'BASIC', decision: allow('PROFESSIONAL_ROLE') }]),
    ]);
    expect(sink.calls).toHaveLength(1);
    expect(sink.calls[0]!.map((e) => [...brief(e), e.lookupResult])).toEqual([
      ['LOOKUP', PERSON, [], 'ALLOWED', 'PROFESSIONAL_ROLE', 'FOUND'],
      ['READ', PERSON, ['BASIC'], 'ALLOWED', 'PROFESSIONAL_ROLE', undefined],
    ]);
  });

  it('`events` fails closed too: no event, or a failing sink, rejects with AuditUnavailableError', async () => {
    await expect(new RequestAudit(recordingSink(), { requestId: 'r', at: NOW }).events([])).rejects.toBeInstanceOf(AuditUnavailableError);
    const meta = { requestId: 'r', at: NOW };
    await expect(
      new RequestAudit(recordingSink(true), meta).events([lookupEvent(meta, physician, PERSON, allow('PROFESSIONAL_ROLE'), 'NOT_FOUND')]),
    ).rejects.toBeInstanceOf(AuditUnavailableError);
  });

  it('an EMERGENCY decision carries the active grant’s reason', async () => {
    const sink = recordingSink();
    const grant: EmergencyGrant = {
      id: 'g-ra',
      sub: 'physician-ra',
      hetu: PERSON,
      reason: 'Tajuton potilas päivystyksessä',
      startedAt: new Date(NOW.getTime() - 3_600_000),
      expiresAt: new Date(NOW.getTime() + 3_600_000),
    };
    await new RequestAudit(sink, { requestId: 'req-1', at: NOW }).decisions(ctxOf(PERSON, { activeGrant: grant }), [
      { group: 'APPOINTMENTS', decision: allow('EMERGENCY') },
    ]);
    expect(sink.calls.flat().map((e) => [e.dataGroups, e.basis, e.emergency, e.emergencyReason])).toEqual([
      [['APPOINTMENTS'], 'EMERGENCY', true, 'Tajuton potilas päivystyksessä'],
    ]);
  });
});

describe('mergeEvents', () => {
  it('merges events that differ only in their groups, listing the groups once in DATA_GROUPS order', () => {
    const merged = mergeEvents([
      ev({ dataGroups: ['FEES'] }),
      ev({ dataGroups: ['APPOINTMENTS', 'PLANS'] }),
      ev({ dataGroups: ['PLANS'] }),
      ev({ dataGroups: ['RECORD_INDEX'] }),
    ]);
    expect(merged).toEqual([ev({ dataGroups: ['RECORD_INDEX', 'APPOINTMENTS', 'PLANS', 'FEES'] })]);
  });

  it.each([
    ['request', { requestId: 'req-2' }],
    ['action', { action: 'EMERGENCY_ACCESS', basis: 'EMERGENCY', emergency: true, emergencyReason: 'Elvytys käynnissä' }],
    ['actor', { actorSub: 'nurse-ra' }],
    ['person', { subjectHetu: OTHER }],
    ['outcome and reason', { outcome: 'DENIED', basis: undefined, reason: 'NO_CARE_RELATION' }],
    ['basis', { basis: 'CONSENT' }],
    ['emergency', { basis: 'EMERGENCY', emergency: true, emergencyReason: 'Elvytys käynnissä' }],
  ] as const)('keeps apart events of another %s', (_what, over) => {
    const a = ev({ dataGroups: ['APPOINTMENTS'] });
    const b = ev({ ...over, dataGroups: ['FEES'] } as Partial<AuditEventInput>);
    expect(mergeEvents([a, b])).toEqual([a, b]);
  });

  it('keeps apart events of two emergency reasons', () => {
    const a = ev({ basis: 'EMERGENCY', emergency: true, emergencyReason: 'Tajuton potilas', dataGroups: ['APPOINTMENTS'] });
    const b = ev({ basis: 'EMERGENCY', emergency: true, emergencyReason: 'Elvytys käynnissä', dataGroups: ['FEES'] });
    expect(mergeEvents([a, b])).toEqual([a, b]);
  });

  it('keeps apart lookups that answered differently (the key includes lookupResult)', () => {
    const meta = { requestId: 'req-1', at: NOW };
    const found = lookupEvent(meta, physician, PERSON, allow('PROFESSIONAL_ROLE'), 'FOUND');
    const notFound = lookupEvent(meta, physician, PERSON, allow('PROFESSIONAL_ROLE'), 'NOT_FOUND');
    expect(mergeEvents([found, notFound, found])).toEqual([found, notFound]);
  });

  it('leaves its input untouched', () => {
    const input = [ev({ dataGroups: ['FEES'] }), ev({ dataGroups: ['BASIC'] })];
    const copy = structuredClone(input);
    mergeEvents(input);
    expect(input).toEqual(copy);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(
    `RequestAudit with the AuditStore on ${backend.name}${backend.available ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
    () => {
      let db: Database;
      let cleanup: () => Promise<void>;
      let store: AuditStore;
      beforeAll(async () => {
        ({ db, cleanup } = await openTestDatabase(backend.name));
        store = await AuditStore.open(db);
      });
      afterAll(() => cleanup?.());

      it('FAMILY_RELATION events (a minor’s guardians read with the minor, as the region subgraph writes them) are accepted and read back', async () => {
        const requestId = `req-family-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
        const trail = new RequestAudit(store, { requestId, at: NOW });
        const guardian: Identity = { kind: 'citizen', sub: 'c-ra', hetu: PERSON };
        const child = { hetu: CHILD, birthDate: '2015-02-03', guardians: [PERSON, OTHER], turvakielto: false };
        const childBasic = decideVtjGroup(guardian, child, 'BASIC', '2025-06-15');
        const relative = decideRelative(childBasic);
        await trail.decisions({ identity: guardian, subject: { hetu: CHILD } }, [{ group: 'BASIC', decision: childBasic }]);
        // Each relative's name and code is an event on that relative.
        await Promise.all(
          child.guardians.map((hetu) =>
            trail.decisions({ identity: guardian, subject: { hetu } }, [{ group: 'BASIC', decision: relative }]),
          ),
        );
        expect((await store.byRequest(requestId)).map((e) => [e.actorRole, e.subjectHetu, e.dataGroups, e.outcome, e.basis])).toEqual([
          ['citizen', CHILD, ['BASIC'], 'ALLOWED', 'GUARDIAN'],
          ['citizen', PERSON, ['BASIC'], 'ALLOWED', 'FAMILY_RELATION'],
          ['citizen', OTHER, ['BASIC'], 'ALLOWED', 'FAMILY_RELATION'],
        ]);
        // The second guardian sees in their own log that their name and code were read, and on what basis.
        expect((await store.readsOf(OTHER)).entries.map((x) => [x.event.requestId, x.event.basis])).toEqual([
          [requestId, 'FAMILY_RELATION'],
        ]);
      });

      it('migration 004 is what allows FAMILY_RELATION in SQL: refused after 003, accepted after 004; an unknown basis still refused', async () => {
        const fresh = await openTestDatabase(backend.name);
        try {
          const insert = (basis: string) =>
            fresh.db.query(
              `INSERT INTO audit_event (at, request_id, action, actor_sub, actor_role, subject_hetu, data_groups, outcome, basis, emergency)
               VALUES (now(), 'req-sql', 'READ', 's', 'citizen', $1, '{BASIC}', 'ALLOWED', $2, false)`,
              [PERSON, basis],
            );
          const upTo003 = AUDIT_MIGRATIONS.findIndex((m) => m.name === 'audit-log-003-lookups') + 1;
          expect(upTo003).toBeGreaterThan(0);
          await migrate(fresh.db, AUDIT_MIGRATIONS.slice(0, upTo003));
          await expect(insert('FAMILY_RELATION')).rejects.toThrow(/audit_event_basis_check/);
          await migrate(fresh.db, AUDIT_MIGRATIONS);
          await insert('FAMILY_RELATION');
          await expect(insert('KINSHIP')).rejects.toThrow(/audit_event_basis_check/);
          await insert('PROFESSIONAL_ROLE');
        } finally {
          await fresh.cleanup();
        }
      });
    },
  );
}
