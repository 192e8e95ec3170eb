import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Appointment } from '../../domain/model.ts';
import { accessContext, decideGroup, filterRecords } from '../access/policy.ts';
import type { Database } from '../database/database.ts';
import type { Identity } from '../../contract/identity.ts';
import { BACKENDS, ManualClock, openTestDatabase } from '../database/testSupport.ts';
import { EmergencyAccessError, EmergencyAccessStore, normaliseReason, parseEmergencyAccessConfig } from './emergency.ts';
import { outcomesOf, readEvents } from './events.ts';
import { AuditStore, AuditUnavailableError, auditedRead } from './store.ts';

const HOUR = 3_600_000;
const T0 = new Date('2025-06-15T09:00:00Z');
const REASON = 'Tajuton potilas päivystyksessä, lääkitys selvitettävä';

let n = 0;
/** A person and a professional of this test alone (the tables are append-only and shared by the file's tests). */
function fresh() {
  n += 1;
  const hetu = makeHetu('1955-03-03', 900 + ((process.pid + n) % 100));
  const sub = `er-physician-${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const identity: Identity = {
    kind: 'professional',
    sub,
    name: 'Päivystäjä Demo',
    profession: 'PHYSICIAN',
    units: ['1.2.246.10.99999999.10.9'],
    careAreas: ['PRIMARY_HEALTH'],
    serviceTasks: [],
    municipality: '638',
  };
  return { hetu, sub, identity, requestId: `req-${sub}` };
}

/** A database whose statements matching `pattern` fail inside transactions. */
function failingInTransaction(db: Database, pattern: RegExp): Database {
  return {
    ...db,
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: async (sql, params) => {
            if (pattern.test(sql)) throw new Error('simulated failure');
            return tx.query(sql, params);
          },
          exec: (sql) => tx.exec(sql),
        }),
      ),
    close: () => db.close(),
  };
}

describe('emergency reason and configuration', () => {
  it.each(
    [
      ['', null],
      ['kiire', null],
      ['1234567890', null],
      ['..........', null],
      ['  aaaa  b  ', null],
      ['Elvytys\u0000käynnissä', null],
      ['x'.repeat(501), null],
      ['  Tajuton   potilas\n päivystyksessä ', 'Tajuton potilas päivystyksessä'],
      ['Medvetslös patient', 'Medvetslös patient'],
    ].map(([raw, expected]) => [raw!.length > 40 ? `${raw!.length} characters` : JSON.stringify(raw), raw!, expected] as const),
  )('reason %s', (_label, raw, expected) => {
    expect(normaliseReason(raw)).toBe(expected);
  });

  it('duration: default 4 h, EMERGENCY_ACCESS_MINUTES 1–1440', () => {
    expect(parseEmergencyAccessConfig({}).durationMs).toBe(4 * HOUR);
    expect(parseEmergencyAccessConfig({ EMERGENCY_ACCESS_MINUTES: '30' }).durationMs).toBe(30 * 60_000);
    expect(() => parseEmergencyAccessConfig({ EMERGENCY_ACCESS_MINUTES: '0' })).toThrow(RangeError);
    expect(() => parseEmergencyAccessConfig({ EMERGENCY_ACCESS_MINUTES: '2h' })).toThrow(RangeError);
    expect(() => parseEmergencyAccessConfig({ EMERGENCY_ACCESS_MINUTES: '1441' })).toThrow(RangeError);
  });
});

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(
    `EmergencyAccessStore on ${backend.name}${backend.available ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
    () => {
      let db: Database;
      let cleanup: () => Promise<void>;
      let grants: EmergencyAccessStore;
      let audit: AuditStore;
      beforeAll(async () => {
        ({ db, cleanup } = await openTestDatabase(backend.name));
        audit = await AuditStore.open(db);
        grants = await EmergencyAccessStore.open(db);
      });
      afterAll(() => cleanup?.());

      it('grants for 4 h by default and writes an emergency-flagged audit event with the reason', async () => {
        const { hetu, sub, identity, requestId } = fresh();
        const g = await grants.start({ identity, hetu, reason: `  ${REASON} `, requestId, now: T0 });
        expect(g).toMatchObject({ sub, hetu, reason: REASON, startedAt: T0, expiresAt: new Date(T0.getTime() + 4 * HOUR) });
        const events = await audit.byRequest(requestId);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          action: 'EMERGENCY_ACCESS',
          actorSub: sub,
          actorRole: 'professional',
          actorName: 'Päivystäjä Demo',
          subjectHetu: hetu,
          dataGroups: [],
          outcome: 'ALLOWED',
          basis: 'EMERGENCY',
          emergency: true,
          emergencyReason: REASON,
        });
        expect(await grants.active(sub, hetu, T0)).toEqual([g]);
      });

      it('expires by the clock; an expired grant is still looked up for a day, then not', async () => {
        const { hetu, sub, identity, requestId } = fresh();
        const clock = new ManualClock(T0.getTime());
        const g = await grants.start({ identity, hetu, reason: REASON, requestId, now: clock.now() });
        clock.advance(4 * HOUR - 1);
        expect(await grants.active(sub, hetu, clock.now())).toHaveLength(1);
        clock.advance(1);
        expect(await grants.active(sub, hetu, clock.now())).toEqual([]);
        expect(await grants.grantsFor(sub, [hetu], clock.now())).toEqual([[g]]);
        clock.advance(24 * HOUR);
        expect(await grants.grantsFor(sub, [hetu], clock.now())).toEqual([[]]);
      });

      it('a configured duration applies', async () => {
        const { hetu, identity, requestId } = fresh();
        const short = await EmergencyAccessStore.open(db, { durationMs: 30 * 60_000 });
        const g = await short.start({ identity, hetu, reason: REASON, requestId, now: T0 });
        expect(g.expiresAt.getTime() - g.startedAt.getTime()).toBe(30 * 60_000);
      });

      it('looks grants up for many persons in one query, per code in order, only this professional', async () => {
        const a = fresh();
        const other = makeHetu('1944-04-04', 950 + (n % 40));
        const g1 = await grants.start({ identity: a.identity, hetu: a.hetu, reason: REASON, requestId: a.requestId, now: T0 });
        const someoneElse = fresh();
        await grants.start({ identity: someoneElse.identity, hetu: other, reason: REASON, requestId: someoneElse.requestId, now: T0 });
        expect(await grants.grantsFor(a.sub, [other, a.hetu, other], T0)).toEqual([[], [g1], []]);
        expect(await grants.grantsFor(a.sub, [], T0)).toEqual([]);
      });

      it('refuses a trivial reason, an invalid code, and non-professionals (recording the refused role)', async () => {
        const { hetu, identity, requestId } = fresh();
        const err = (p: Promise<unknown>) =>
          p.then(
            () => null,
            (e: unknown) => e,
          );
        expect(await err(grants.start({ identity, hetu, reason: 'kiireellinen', requestId, now: T0 }))).toBeNull(); // 11 chars, 11 letters: enough
        expect(await err(grants.start({ identity, hetu, reason: 'hätä!', requestId, now: T0 }))).toMatchObject({
          extensions: { code: 'BAD_USER_INPUT', reason: 'EMERGENCY_REASON_REQUIRED' },
        });
        const badCode = await err(grants.start({ identity, hetu: '131052-308X', reason: REASON, requestId, now: T0 }));
        expect(badCode).toBeInstanceOf(EmergencyAccessError);
        expect(badCode).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_IDENTITY_CODE' } });
        expect((badCode as Error).message).not.toContain('131052');

        const citizen: Identity = { kind: 'citizen', sub: `c-${requestId}`, hetu };
        const r2 = `${requestId}-citizen`;
        expect(await err(grants.start({ identity: citizen, hetu, reason: REASON, requestId: r2, now: T0 }))).toMatchObject({
          extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_PERMITTED' },
        });
        const r3 = `${requestId}-anon`;
        expect(await err(grants.start({ identity: null, hetu, reason: REASON, requestId: r3, now: T0 }))).toMatchObject({
          extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_AUTHENTICATED' },
        });
        expect((await audit.byRequest(r2)).map((e) => [e.actorRole, e.outcome, e.reason, e.emergency])).toEqual([
          ['citizen', 'DENIED', 'ROLE_NOT_PERMITTED', false],
        ]);
        expect((await audit.byRequest(r3)).map((e) => [e.actorRole, e.actorSub, e.reason])).toEqual([
          ['anonymous', null, 'NOT_AUTHENTICATED'],
        ]);
        expect(await grants.grantsFor(citizen.sub, [hetu], T0)).toEqual([[]]);
      });

      it('no grant without its audit event: a failed audit write rolls the grant back', async () => {
        const { hetu, sub, identity, requestId } = fresh();
        const broken = await EmergencyAccessStore.open(failingInTransaction(db, /INSERT INTO audit_event/));
        await expect(broken.start({ identity, hetu, reason: REASON, requestId, now: T0 })).rejects.toBeInstanceOf(AuditUnavailableError);
        expect(await grants.grantsFor(sub, [hetu], T0)).toEqual([[]]);
        expect(await audit.byRequest(requestId)).toEqual([]);
      });

      it('grants are append-only too', async () => {
        const { hetu, sub, identity, requestId } = fresh();
        await grants.start({ identity, hetu, reason: REASON, requestId, now: T0 });
        await expect(
          db.query("UPDATE emergency_grant SET expires_at = expires_at + interval '1 day' WHERE sub = $1", [sub]),
        ).rejects.toThrow(/append-only/);
        await expect(db.query('DELETE FROM emergency_grant WHERE sub = $1', [sub])).rejects.toThrow(/append-only/);
      });

      it('end to end: break the glass, read under EMERGENCY, the read is audited flagged (basic data by role, unflagged); after expiry EMERGENCY_EXPIRED', async () => {
        const { hetu, sub, identity, requestId } = fresh();
        const clock = new ManualClock(T0.getTime());
        await grants.start({ identity, hetu, reason: REASON, requestId, now: clock.now() });
        const appointment: Appointment = {
          careArea: 'PRIMARY_HEALTH',
          start: '2025-05-20T09:00:00+03:00',
          durationMinutes: 20,
          unit: { oid: '1.2.246.10.12345678.10.1', name: 'Terveysasema' },
          status: 'COMPLETED',
          source: { instance: 'lifecare-porvoo', product: 'lifecare', municipality: '638', localId: 'A1' },
        };
        const records = { appointments: [appointment], customerships: [], decisions: [], plans: [], fees: [], consents: [] };
        const subject = { hetu, birthDate: '1955-03-03', guardians: [], turvakielto: false };

        const readAt = async (rid: string) => {
          const [found = []] = await grants.grantsFor(sub, [hetu], clock.now());
          const ctx = accessContext({ identity, subject, records, grants: found, now: clock.now() });
          const filtered = filterRecords(ctx, 'APPOINTMENTS', records.appointments);
          const events = readEvents({ requestId: rid, at: clock.now() }, ctx, [
            ...outcomesOf('APPOINTMENTS', filtered),
            { group: 'BASIC', decision: decideGroup(ctx, 'BASIC') },
          ]);
          return auditedRead(audit, events, () => filtered.allowed);
        };

        clock.advance(HOUR);
        expect(await readAt(`${requestId}-read1`)).toEqual([appointment]);
        expect((await audit.byRequest(`${requestId}-read1`)).map((e) => [e.dataGroups, e.basis, e.emergency, e.emergencyReason])).toEqual([
          [['APPOINTMENTS'], 'EMERGENCY', true, REASON],
          [['BASIC'], 'PROFESSIONAL_ROLE', false, undefined],
        ]);

        clock.advance(3 * HOUR);
        expect(await readAt(`${requestId}-read2`)).toEqual([]);
        expect((await audit.byRequest(`${requestId}-read2`)).map((e) => [e.dataGroups, e.outcome, e.reason, e.emergency])).toEqual([
          [['APPOINTMENTS'], 'DENIED', 'EMERGENCY_EXPIRED', false],
          [['BASIC'], 'ALLOWED', undefined, false],
        ]);

        // The person's own view shows the start, the read and the refused read.
        const mine = (await audit.readsOf(hetu)).entries.map((x) => x.event);
        expect(mine.map((e) => [e.action, e.dataGroups, e.outcome, e.basis ?? e.reason])).toEqual([
          ['READ', ['BASIC'], 'ALLOWED', 'PROFESSIONAL_ROLE'],
          ['READ', ['APPOINTMENTS'], 'DENIED', 'EMERGENCY_EXPIRED'],
          ['READ', ['BASIC'], 'ALLOWED', 'PROFESSIONAL_ROLE'],
          ['READ', ['APPOINTMENTS'], 'ALLOWED', 'EMERGENCY'],
          ['EMERGENCY_ACCESS', [], 'ALLOWED', 'EMERGENCY'],
        ]);
      });
    },
  );
}
