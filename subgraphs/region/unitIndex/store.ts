/**
 * The unit index's storage (schema.ts): the leader replaces a person's rows
 * at one instance from the records it has just read (fenced by the leader
 * lock, like the statistics it publishes), drops the rows of persons the
 * person index no longer holds after a full walk, and every replica answers
 * a professional's unit calendar and client candidates from it.
 */
import type { InstanceId } from '../../../domain/region.ts';
import type { ServiceTask } from '../../../domain/model.ts';
import type { Database, Queryable } from '../../database/database.ts';
import { LEADER_LOCK_CLASS, leaderFence } from '../../database/leader.ts';
import { migrate } from '../../database/migrations.ts';
import type { AppointmentRow, CustomershipRow, PersonRows } from './rows.ts';
import { UNIT_INDEX_MIGRATIONS } from './schema.ts';

/** One person's new rows at an instance (empty: the person has none there now). */
export interface PersonReplacement {
  readonly hetu: string;
  readonly rows: PersonRows;
}

/** What the region subgraph reads of the unit index (every replica). */
export interface UnitIndexReader {
  /** Appointments at any of the units (`unitKey`s) starting in [fromMs, toMs), by start then instance and local id; at most `limit`. */
  appointments(unitKeys: readonly string[], fromMs: number, toMs: number, limit: number): Promise<AppointmentRow[]>;
  /**
   * Open customerships that may give a care relation: at one of the units,
   * or of the municipality and one of the service tasks (the policy decides
   * each; a superset, in pages by person): rows of persons after `afterHetu`,
   * at most `limit` rows, by person.
   */
  customershipCandidates(
    query: {
      readonly unitKeys: readonly string[];
      readonly municipality: string;
      readonly serviceTasks: readonly ServiceTask[];
    },
    afterHetu: string,
    limit: number,
  ): Promise<CustomershipRow[]>;
}

/** Rows per INSERT. */
const CHUNK = 2_000;

/** The unit index's tables; open with `UnitIndexStore.open`, which migrates them. */
export class UnitIndexStore implements UnitIndexReader {
  private constructor(readonly db: Database) {}

  static async open(db: Database): Promise<UnitIndexStore> {
    await migrate(db, UNIT_INDEX_MIGRATIONS);
    return new UnitIndexStore(db);
  }

  /**
   * Replaces these persons' rows at `instance` in one transaction. With
   * `leaderPid` (PostgreSQL) nothing is written unless that server session
   * still holds the leader lock. Resolves true when written, false when fenced off.
   */
  async replace(instance: InstanceId, persons: readonly PersonReplacement[], leaderPid: number | null): Promise<boolean> {
    if (persons.length === 0) return true;
    return this.db.transaction(async (tx) => {
      if (!(await fenced(tx, leaderPid))) return false;
      const hetus = [...new Set(persons.map((p) => p.hetu))];
      await tx.query('DELETE FROM unit_index_appointment WHERE instance = $1 AND hetu = ANY($2::text[])', [instance, hetus]);
      await tx.query('DELETE FROM unit_index_customership WHERE instance = $1 AND hetu = ANY($2::text[])', [instance, hetus]);
      // One statement may not insert a key twice: the last row of a (local id, person) wins.
      const appointments = [
        ...new Map(persons.flatMap((p) => p.rows.appointments).map((r) => [`${r.localId}\u0000${r.hetu}`, r])).values(),
      ];
      const customerships = [
        ...new Map(persons.flatMap((p) => p.rows.customerships).map((r) => [`${r.localId}\u0000${r.hetu}`, r])).values(),
      ];
      for (let i = 0; i < appointments.length; i += CHUNK) {
        const chunk = appointments.slice(i, i + CHUNK);
        await tx.query(
          `INSERT INTO unit_index_appointment (instance, local_id, hetu, unit_key, start_at)
           SELECT $1, t.local_id, t.hetu, t.unit_key, to_timestamp(t.start_ms / 1000.0)
             FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) AS t(local_id, hetu, unit_key, start_ms)`,
          [instance, chunk.map((r) => r.localId), chunk.map((r) => r.hetu), chunk.map((r) => r.unitKey), chunk.map((r) => r.startMs)],
        );
      }
      for (let i = 0; i < customerships.length; i += CHUNK) {
        const chunk = customerships.slice(i, i + CHUNK);
        await tx.query(
          `INSERT INTO unit_index_customership (instance, local_id, hetu, unit_key, municipality, service_task, end_date, restricted)
           SELECT $1, t.local_id, t.hetu, t.unit_key, t.municipality, t.service_task, t.end_date::date, t.restricted
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[])
               AS t(local_id, hetu, unit_key, municipality, service_task, end_date, restricted)`,
          [
            instance,
            chunk.map((r) => r.localId),
            chunk.map((r) => r.hetu),
            chunk.map((r) => r.unitKey),
            chunk.map((r) => r.municipality),
            chunk.map((r) => r.serviceTask),
            chunk.map((r) => r.endDate),
            chunk.map((r) => r.restricted),
          ],
        );
      }
      return true;
    });
  }

  /**
   * Drops the rows of persons the person index no longer holds at that
   * instance (after a full walk: their removal may have been missed). Fenced as `replace`.
   */
  async prune(leaderPid: number | null): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await fenced(tx, leaderPid))) return false;
      for (const table of ['unit_index_appointment', 'unit_index_customership']) {
        await tx.query(
          `DELETE FROM ${table} u
            WHERE NOT EXISTS (SELECT 1 FROM person_index p WHERE p.hetu = u.hetu AND p.instance = u.instance)`,
        );
      }
      return true;
    });
  }

  async appointments(unitKeys: readonly string[], fromMs: number, toMs: number, limit: number): Promise<AppointmentRow[]> {
    if (unitKeys.length === 0) return [];
    const rows = await this.db.query<{ instance: InstanceId; local_id: string; hetu: string; unit_key: string; start_ms: number }>(
      `SELECT instance, local_id, hetu, unit_key, (extract(epoch FROM start_at) * 1000)::float8 AS start_ms
         FROM unit_index_appointment
        WHERE unit_key = ANY($1::text[]) AND start_at >= to_timestamp($2 / 1000.0) AND start_at < to_timestamp($3 / 1000.0)
        ORDER BY start_at, instance, local_id, hetu
        LIMIT $4`,
      [[...unitKeys], fromMs, toMs, limit],
    );
    return rows.map((r) => ({
      instance: r.instance,
      localId: r.local_id,
      hetu: r.hetu,
      unitKey: r.unit_key,
      startMs: Math.round(Number(r.start_ms)),
    }));
  }

  async customershipCandidates(
    query: { readonly unitKeys: readonly string[]; readonly municipality: string; readonly serviceTasks: readonly ServiceTask[] },
    afterHetu: string,
    limit: number,
  ): Promise<CustomershipRow[]> {
    const rows = await this.db.query<{
      instance: InstanceId;
      local_id: string;
      hetu: string;
      unit_key: string | null;
      municipality: string;
      service_task: ServiceTask;
      end_date: string | null;
      restricted: boolean;
    }>(
      `SELECT instance, local_id, hetu, unit_key, municipality, service_task, end_date::text AS end_date, restricted
         FROM unit_index_customership
        WHERE hetu > $4
          AND (unit_key = ANY($1::text[]) OR (municipality = $2 AND service_task = ANY($3::text[])))
        ORDER BY hetu, instance, local_id
        LIMIT $5`,
      [[...query.unitKeys], query.municipality, [...query.serviceTasks], afterHetu, limit],
    );
    return rows.map((r) => ({
      instance: r.instance,
      localId: r.local_id,
      hetu: r.hetu,
      unitKey: r.unit_key,
      municipality: r.municipality,
      serviceTask: r.service_task,
      endDate: r.end_date,
      restricted: r.restricted,
    }));
  }

  /** Rows held, per table (status and tests; no personal data). */
  async counts(): Promise<{ readonly appointments: number; readonly customerships: number }> {
    const [row] = await this.db.query<{ a: number; c: number }>(
      'SELECT (SELECT count(*) FROM unit_index_appointment)::int AS a, (SELECT count(*) FROM unit_index_customership)::int AS c',
    );
    return { appointments: row?.a ?? 0, customerships: row?.c ?? 0 };
  }
}

/** True while `leaderPid`'s session holds the leader lock (or without one: PGlite). */
async function fenced(tx: Queryable, leaderPid: number | null): Promise<boolean> {
  const rows = await tx.query<{ ok: boolean }>(`SELECT ${leaderFence('$1', '$2')} AS ok`, [leaderPid, LEADER_LOCK_CLASS]);
  return rows[0]?.ok === true;
}
