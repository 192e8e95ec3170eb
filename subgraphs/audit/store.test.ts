import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeHetu } from '../../domain/hetu.ts';
import type { Database } from '../database/database.ts';
import { BACKENDS, ManualClock, countingDatabase, openTestDatabase } from '../database/testSupport.ts';
import type { AuditEventInput } from './events.ts';
import { AuditStore, AuditUnavailableError, auditedRead } from './store.ts';
import type { ReadLogPosition } from './store.ts';

const PERSON = makeHetu('1980-05-01', 901);
const OTHER = makeHetu('1990-02-02', 907);
const T0 = new Date('2025-06-15T09:00:00Z');

let seq = 0;
/** A fresh request id per test, so tests on one (append-only) database never see each other's rows. */
const rid = () => `req-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

function ev(requestId: string, over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    at: T0,
    requestId,
    action: 'READ',
    actorSub: 'physician-1',
    actorRole: 'professional',
    actorName: 'Demo Lääkäri',
    subjectHetu: PERSON,
    dataGroups: ['APPOINTMENTS', 'FEES'],
    outcome: 'ALLOWED',
    basis: 'CARE_RELATION',
    emergency: false,
    ...over,
  };
}

/** A database whose statements matching `pattern` fail (the rest pass through). */
function failingDatabase(db: Database, pattern: RegExp): Database {
  const fail = (sql: string) => {
    if (pattern.test(sql)) throw new Error('simulated database failure');
  };
  return {
    kind: db.kind,
    query: async (sql, params) => (fail(sql), db.query(sql, params)),
    exec: (sql) => db.exec(sql),
    transaction: (fn) =>
      db.transaction((tx) => fn({ query: async (sql, params) => (fail(sql), tx.query(sql, params)), exec: (sql) => tx.exec(sql) })),
    close: () => db.close(),
  };
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.available)(
    `AuditStore on ${backend.name}${backend.available ? '' : ' (skipped: TEST_DATABASE_URL not set)'}`,
    () => {
      let db: Database;
      let cleanup: () => Promise<void>;
      let store: AuditStore;
      beforeAll(async () => {
        ({ db, cleanup } = await openTestDatabase(backend.name));
        store = await AuditStore.open(db);
      });
      afterAll(() => cleanup?.());

      it('migrates once, by name', async () => {
        await AuditStore.open(db);
        const rows = await db.query<{ name: string }>("SELECT name FROM schema_migrations WHERE name LIKE 'audit-log-%' ORDER BY name");
        expect(rows.map((r) => r.name)).toEqual([
          'audit-log-001',
          'audit-log-002-emergency-grants',
          'audit-log-003-lookups',
          'audit-log-004-family-relation',
        ]);
      });

      it('writes every field and reads it back, ids ascending in write order', async () => {
        const r = rid();
        const events: AuditEventInput[] = [
          ev(r),
          ev(r, { outcome: 'DENIED', basis: undefined, reason: 'CHILD_WELFARE_RESTRICTED', dataGroups: ['CUSTOMERSHIPS'] }),
          ev(r, { basis: 'EMERGENCY', emergency: true, emergencyReason: 'Tajuton potilas, äkillinen rintakipu', dataGroups: ['BASIC'] }),
          ev(r, {
            actorSub: null,
            actorRole: 'anonymous',
            actorName: undefined,
            outcome: 'DENIED',
            basis: undefined,
            reason: 'NOT_AUTHENTICATED',
            dataGroups: [],
          }),
          ev(r, { action: 'LOOKUP', basis: 'PROFESSIONAL_ROLE', dataGroups: [], lookupResult: 'NOT_FOUND' }),
        ];
        const ids = await store.record(events);
        expect(ids).toHaveLength(5);
        expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
        const back = await store.byRequest(r);
        expect(back.map((e) => e.id)).toEqual(ids);
        expect(back.map(({ id: _id, ...rest }) => rest)).toEqual(
          events.map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))),
        );
      });

      it('reads a request back in numeric id order (ids 9 and 10 included)', async () => {
        // A fresh database, so the ids are 1..12 and cross from one digit to two.
        const fresh = await openTestDatabase(backend.name);
        try {
          const s = await AuditStore.open(fresh.db);
          const r = rid();
          const ids = await s.record(Array.from({ length: 12 }, () => ev(r)));
          expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
          expect((await s.byRequest(r)).map((e) => e.id)).toEqual(ids);
          expect((await s.readsOf(PERSON, { limit: 12 })).entries.map((x) => x.event.id)).toEqual([...ids].reverse());
        } finally {
          await fresh.cleanup();
        }
      });

      it('writes 200 events of one request in one INSERT', async () => {
        const r = rid();
        const counting = countingDatabase(db);
        const counted = await AuditStore.open(counting.db);
        counting.queries.length = 0;
        const events = Array.from({ length: 200 }, (_, i) => ev(r, { subjectHetu: makeHetu('1970-01-01', 900 + (i % 100)) }));
        await counted.record(events);
        expect(counting.queries).toHaveLength(1);
        expect(counting.queries[0]).toMatch(/^\s*INSERT INTO audit_event/);
        expect(await store.byRequest(r)).toHaveLength(200);
      });

      it('batches 200 concurrent audited reads of one request into one INSERT, data after the write', async () => {
        const r = rid();
        const counting = countingDatabase(db);
        const counted = await AuditStore.open(counting.db);
        counting.queries.length = 0;
        const batch = counted.batcher();
        const seenWritten: boolean[] = [];
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            auditedRead(batch, [ev(r, { subjectHetu: makeHetu('1970-01-01', 900 + (i % 100)) })], async () => {
              seenWritten.push(counting.queries.length === 1);
              return i;
            }),
          ),
        );
        expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
        expect(counting.queries).toHaveLength(1);
        expect(seenWritten.every(Boolean)).toBe(true);
        expect(await store.byRequest(r)).toHaveLength(200);
      });

      it('writes more than 1000 events atomically in chunks', async () => {
        const r = rid();
        const ids = await store.record(Array.from({ length: 2_500 }, () => ev(r)));
        expect(ids).toHaveLength(2_500);
        expect(new Set(ids).size).toBe(2_500);
        // A bad event at the end: nothing of the batch is written.
        const r2 = rid();
        const broken = failingDatabase(db, /__never__/);
        const s2 = await AuditStore.open(broken);
        const events = Array.from({ length: 1_500 }, () => ev(r2));
        await expect(s2.record([...events, ev(r2, { dataGroups: ['NOT_A_GROUP' as never] })])).rejects.toThrow(TypeError);
        expect(await store.byRequest(r2)).toEqual([]);
      });

      it('is append-only in SQL: UPDATE, DELETE and TRUNCATE are refused', async () => {
        const r = rid();
        await store.record([ev(r)]);
        await expect(
          db.query("UPDATE audit_event SET outcome = 'DENIED', reason = 'NO_CONSENT', basis = NULL WHERE request_id = $1", [r]),
        ).rejects.toThrow(/append-only/);
        await expect(db.query('DELETE FROM audit_event WHERE request_id = $1', [r])).rejects.toThrow(/append-only/);
        await expect(db.exec('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
        await expect(db.query('UPDATE emergency_grant SET expires_at = expires_at')).resolves.toEqual([]); // no rows: the row trigger never fires
        await expect(db.exec('TRUNCATE emergency_grant')).rejects.toThrow(/append-only/);
        const back = await store.byRequest(r);
        expect(back).toHaveLength(1);
        expect(back[0]).toMatchObject({ outcome: 'ALLOWED', basis: 'CARE_RELATION' });
      });

      it('refuses inconsistent rows in SQL too (not only in TypeScript)', async () => {
        const insert = (outcome: string, basis: string | null, reason: string | null) =>
          db.query(
            `INSERT INTO audit_event (at, request_id, action, actor_sub, actor_role, subject_hetu, data_groups, outcome, basis, reason, emergency)
           VALUES (now(), 'x', 'READ', 's', 'citizen', $1, '{}', $2, $3, $4, false)`,
            [PERSON, outcome, basis, reason],
          );
        await expect(insert('ALLOWED', null, null)).rejects.toThrow();
        await expect(insert('DENIED', 'SELF', 'NO_CONSENT')).rejects.toThrow();
        await expect(insert('MAYBE', 'SELF', null)).rejects.toThrow();
        const lookup = (outcome: string, basis: string | null, reason: string | null, result: string | null) =>
          db.query(
            `INSERT INTO audit_event (at, request_id, action, actor_sub, actor_role, subject_hetu, data_groups, outcome, basis, reason, emergency, lookup_result)
           VALUES (now(), 'x', 'LOOKUP', 's', 'professional', $1, '{}', $2, $3, $4, false, $5)`,
            [PERSON, outcome, basis, reason, result],
          );
        await expect(lookup('ALLOWED', 'PROFESSIONAL_ROLE', null, null)).rejects.toThrow();
        await expect(lookup('ALLOWED', 'PROFESSIONAL_ROLE', null, 'MAYBE')).rejects.toThrow();
        await expect(lookup('DENIED', null, 'NOT_OWN_DATA', 'FOUND')).rejects.toThrow();
        await expect(
          db.query(
            `INSERT INTO audit_event (at, request_id, action, actor_sub, actor_role, subject_hetu, data_groups, outcome, basis, emergency, lookup_result)
           VALUES (now(), 'x', 'READ', 's', 'citizen', $1, '{}', 'ALLOWED', 'SELF', false, 'FOUND')`,
            [PERSON],
          ),
        ).rejects.toThrow();
      });

      it('refuses malformed events before writing', async () => {
        const r = rid();
        await expect(store.record([ev(r), ev(r, { basis: undefined })])).rejects.toThrow(TypeError);
        await expect(store.record([ev(r, { outcome: 'DENIED', basis: undefined })])).rejects.toThrow(TypeError);
        await expect(store.record([ev(r, { emergency: true })])).rejects.toThrow(TypeError);
        await expect(store.record([ev(r, { actorSub: null })])).rejects.toThrow(TypeError);
        await expect(store.record([ev('')])).rejects.toThrow(TypeError);
        await expect(store.record([ev(r, { action: 'LOOKUP', basis: 'PROFESSIONAL_ROLE', dataGroups: [] })])).rejects.toThrow(TypeError);
        await expect(store.record([ev(r, { action: 'LOOKUP', basis: 'PROFESSIONAL_ROLE', lookupResult: 'FOUND' })])).rejects.toThrow(
          TypeError,
        );
        await expect(store.record([ev(r, { lookupResult: 'FOUND' })])).rejects.toThrow(TypeError);
        expect(await store.byRequest(r)).toEqual([]);
      });

      it('fails closed: a failing write means the data is never produced', async () => {
        const r = rid();
        const broken = await AuditStore.open(failingDatabase(db, /INSERT INTO audit_event/));
        const produce = vi.fn(() => ({ secret: 'appointments' }));
        const err = await auditedRead(broken, [ev(r)], produce).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AuditUnavailableError);
        expect(err).toMatchObject({ code: 'AUDIT_UNAVAILABLE', extensions: { code: 'FORBIDDEN', reason: 'AUDIT_UNAVAILABLE' } });
        expect((err as Error).message).not.toMatch(/simulated|INSERT|audit_event/);
        expect(produce).not.toHaveBeenCalled();
        expect(await store.byRequest(r)).toEqual([]);
      });

      it('fails closed through a batcher: every read of the failed batch is refused', async () => {
        const r = rid();
        const broken = await AuditStore.open(failingDatabase(db, /INSERT INTO audit_event/));
        const batch = broken.batcher();
        const produce = vi.fn(() => 1);
        const outcomes = await Promise.allSettled([1, 2, 3].map(() => auditedRead(batch, [ev(r)], produce)));
        expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
        expect(produce).not.toHaveBeenCalled();
      });

      it('fails closed on a read with no events, and when the database is gone', async () => {
        const produce = vi.fn(() => 1);
        await expect(auditedRead(store, [], produce)).rejects.toBeInstanceOf(AuditUnavailableError);
        const gone = await AuditStore.open(db).then(() => AuditStore.open(failingDatabase(db, /./)).catch(() => null));
        expect(gone).toBeNull(); // even opening fails when every statement does
        const unreachable = { record: () => Promise.reject(new Error('connection refused')) };
        await expect(auditedRead(unreachable, [ev(rid())], produce)).rejects.toBeInstanceOf(AuditUnavailableError);
        expect(produce).not.toHaveBeenCalled();
      });

      it("readsOf: the person's events newest first, with filters and paging; nobody else's", async () => {
        const subject = makeHetu('1966-06-06', 960 + (seq % 30)); // a person of this test alone
        const r = rid();
        const at = (min: number) => new Date(T0.getTime() + min * 60_000);
        await store.record([
          ev(r, { subjectHetu: subject, at: at(1), actorSub: 'c-self', actorRole: 'citizen', actorName: undefined, basis: 'SELF' }),
          ev(r, { subjectHetu: subject, at: at(2) }),
          ev(r, {
            subjectHetu: subject,
            at: at(3),
            outcome: 'DENIED',
            basis: undefined,
            reason: 'NO_CONSENT',
            dataGroups: ['CUSTOMERSHIPS'],
          }),
          ev(r, {
            subjectHetu: subject,
            at: at(4),
            basis: 'EMERGENCY',
            emergency: true,
            emergencyReason: 'Tajuton potilas päivystyksessä',
          }),
          ev(r, { subjectHetu: OTHER, at: at(5) }),
        ]);
        const events = async (o: Parameters<AuditStore['readsOf']>[1] = {}) =>
          (await store.readsOf(subject, o)).entries.map((x) => x.event);
        const all = await events();
        expect(all.map((e) => e.at.getTime())).toEqual([4, 3, 2, 1].map((m) => at(m).getTime()));
        expect(all.every((e) => e.subjectHetu === subject)).toBe(true);
        expect(all[0]).toMatchObject({
          actorName: 'Demo Lääkäri',
          basis: 'EMERGENCY',
          emergency: true,
          emergencyReason: 'Tajuton potilas päivystyksessä',
        });
        expect((await events({ excludeSelf: true })).map((e) => e.basis ?? e.reason)).toEqual(['EMERGENCY', 'NO_CONSENT', 'CARE_RELATION']);
        expect((await events({ outcome: 'ALLOWED' })).map((e) => e.basis)).toEqual(['EMERGENCY', 'CARE_RELATION', 'SELF']);
        const first = await store.readsOf(subject, { limit: 2 });
        expect(first.entries.map((x) => x.event.basis ?? x.event.reason)).toEqual(['EMERGENCY', 'NO_CONSENT']);
        expect(first.hasNextPage).toBe(true);
        const second = await store.readsOf(subject, { limit: 2, after: first.entries[1]!.position });
        expect(second.entries.map((x) => x.event.basis)).toEqual(['CARE_RELATION', 'SELF']);
        expect(second.hasNextPage).toBe(false);
      });

      it('pages a log of many entries written within one millisecond: every entry exactly once, newest first', async () => {
        const subject = makeHetu('1967-07-07', 970 + (seq % 30)); // a person of this test alone
        // An injected clock that never moves: 25 reads in one millisecond, plus 5 a millisecond earlier.
        const clock = new ManualClock(Date.parse('2025-06-15T09:00:00.123Z'));
        const same = Array.from({ length: 25 }, () => ev(rid(), { subjectHetu: subject, at: clock.now() }));
        clock.advance(-1);
        const earlier = Array.from({ length: 5 }, () => ev(rid(), { subjectHetu: subject, at: clock.now() }));
        // Written in two orders, so ids do not follow time: the earlier millisecond gets the larger ids.
        const ids = [...(await store.record(same)), ...(await store.record(earlier))];
        const seen: string[] = [];
        const sizes: number[] = [];
        let after: ReadLogPosition | undefined;
        for (let page = 0; page < 40; page++) {
          const p = await store.readsOf(subject, { limit: 4, ...(after ? { after } : {}) });
          seen.push(...p.entries.map((x) => x.event.id));
          sizes.push(p.entries.length);
          after = p.entries[p.entries.length - 1]!.position;
          if (!p.hasNextPage) break;
        }
        expect(sizes).toEqual([4, 4, 4, 4, 4, 4, 4, 2]);
        expect(new Set(seen).size).toBe(30);
        expect([...seen].sort()).toEqual([...ids].sort());
        // Newest first: the 25 of the later millisecond (highest id first), then the 5 earlier ones.
        expect(seen).toEqual([...ids.slice(0, 25).reverse(), ...ids.slice(25).reverse()]);
      });
    },
  );
}
