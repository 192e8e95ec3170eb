/**
 * The person index's storage: bulk upserts of listed persons, batched
 * lookups, counts and per-source state, in SQL that runs unchanged on PGlite
 * and PostgreSQL.
 */
import type { InstanceId, MunicipalityCode } from '../../../domain/region.ts';
import type { Database } from '../../database/database.ts';
import { migrate } from '../../database/migrations.ts';
import { PERSON_INDEX_MIGRATIONS } from './schema.ts';

/** One person as an instance's listing (and municipality resolution) gave it. */
export interface IndexRow {
  readonly hetu: string;
  readonly localId: string | null;
  readonly municipality: MunicipalityCode | null;
  /** Source's change instant (ISO 8601 with offset), when the listing gave one. */
  readonly changedAt: string | null;
}

/** Where one person has records: one instance, and the municipality whose subgraph serves them. */
export interface IndexEntry {
  readonly instance: InstanceId;
  readonly localId: string | null;
  /** Null when the instance is shared and its municipality for the person could not be resolved. */
  readonly municipality: MunicipalityCode | null;
}

/** What the index already holds of a person in one instance (to skip re-resolving it). */
export interface KnownRow {
  readonly municipality: MunicipalityCode | null;
  /** Epoch ms of the stored change instant, or null. */
  readonly changedAtMs: number | null;
}

export type SourceStateName = 'building' | 'ready' | 'failing';

/** The poller's state of one source, persisted so it can be inspected from the database too. */
export interface SourceState {
  readonly instance: InstanceId;
  readonly state: SourceStateName;
  /** True once a full listing has completed. */
  readonly built: boolean;
  /** Epoch ms values, or null. */
  readonly lastFullBuild: number | null;
  readonly lastSuccess: number | null;
  readonly lastChangeSeen: number | null;
  readonly lastErrorCode: string | null;
  readonly lastErrorAt: number | null;
}

/** Rows per INSERT: large enough to amortise round trips, small enough for modest parameter arrays. */
const CHUNK = 5_000;

/** The person index tables; open with `PersonIndexStore.open`, which migrates them. */
export class PersonIndexStore {
  private constructor(readonly db: Database) {}

  /** Applies the index's migrations (once) and returns the store. */
  static async open(db: Database): Promise<PersonIndexStore> {
    await migrate(db, PERSON_INDEX_MIGRATIONS);
    return new PersonIndexStore(db);
  }

  /**
   * Inserts or refreshes one instance's persons, all marked seen at `seenAt`.
   * A null local id, municipality or change instant keeps what was stored.
   * Returns the number of distinct persons written.
   */
  async upsert(instance: InstanceId, rows: readonly IndexRow[], seenAt: Date): Promise<number> {
    // One statement may not touch a row twice (ON CONFLICT), so the last listing of a code wins.
    const unique = new Map<string, IndexRow>();
    for (const r of rows) unique.set(r.hetu, r);
    const all = [...unique.values()];
    for (let i = 0; i < all.length; i += CHUNK) {
      const chunk = all.slice(i, i + CHUNK);
      await this.db.query(
        `INSERT INTO person_index (hetu, instance, local_id, municipality, changed_at, last_seen)
         SELECT t.hetu, $1, t.local_id, t.municipality, t.changed_at::timestamptz, $6::timestamptz
           FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(hetu, local_id, municipality, changed_at)
         ON CONFLICT (hetu, instance) DO UPDATE SET
           local_id     = COALESCE(EXCLUDED.local_id, person_index.local_id),
           municipality = COALESCE(EXCLUDED.municipality, person_index.municipality),
           changed_at   = COALESCE(EXCLUDED.changed_at, person_index.changed_at),
           last_seen    = GREATEST(EXCLUDED.last_seen, person_index.last_seen)`,
        [
          instance,
          chunk.map((r) => r.hetu),
          chunk.map((r) => r.localId),
          chunk.map((r) => r.municipality),
          chunk.map((r) => r.changedAt),
          seenAt.toISOString(),
        ],
      );
    }
    return all.length;
  }

  /**
   * For each code, in order, the instances holding records of that person
   * (sorted by instance; empty when none). One query for the whole batch.
   */
  async lookup(hetus: readonly string[]): Promise<IndexEntry[][]> {
    if (hetus.length === 0) return [];
    const rows = await this.db.query<{
      hetu: string;
      instance: InstanceId;
      local_id: string | null;
      municipality: MunicipalityCode | null;
    }>(
      `SELECT hetu, instance, local_id, municipality FROM person_index
        WHERE hetu = ANY($1::text[]) ORDER BY hetu, instance`,
      [[...new Set(hetus)]],
    );
    const byHetu = new Map<string, IndexEntry[]>();
    for (const r of rows) {
      let list = byHetu.get(r.hetu);
      if (!list) byHetu.set(r.hetu, (list = []));
      list.push({ instance: r.instance, localId: r.local_id, municipality: r.municipality });
    }
    // Each slot gets its own array so callers may not alias a shared one.
    return hetus.map((h) => [...(byHetu.get(h) ?? [])]);
  }

  /** What is stored of these persons in one instance, by code (codes not stored are absent). */
  async known(instance: InstanceId, hetus: readonly string[]): Promise<Map<string, KnownRow>> {
    const out = new Map<string, KnownRow>();
    if (hetus.length === 0) return out;
    const rows = await this.db.query<{ hetu: string; municipality: MunicipalityCode | null; changed_ms: number | null }>(
      `SELECT hetu, municipality, (extract(epoch FROM changed_at) * 1000)::float8 AS changed_ms
         FROM person_index WHERE instance = $1 AND hetu = ANY($2::text[])`,
      [instance, [...new Set(hetus)]],
    );
    for (const r of rows) out.set(r.hetu, { municipality: r.municipality, changedAtMs: r.changed_ms });
    return out;
  }

  /**
   * Removes an instance's persons not seen since `before` (after a complete
   * listing); returns their codes (the statistics drop what they counted of them).
   */
  async prune(instance: InstanceId, before: Date): Promise<string[]> {
    const rows = await this.db.query<{ hetu: string }>(
      'DELETE FROM person_index WHERE instance = $1 AND last_seen < $2::timestamptz RETURNING hetu',
      [instance, before.toISOString()],
    );
    return rows.map((r) => r.hetu);
  }

  /** Persons indexed per instance (instances with none are absent). */
  async counts(): Promise<Map<InstanceId, number>> {
    const rows = await this.db.query<{ instance: InstanceId; n: number }>(
      'SELECT instance, count(*)::int AS n FROM person_index GROUP BY instance',
    );
    return new Map(rows.map((r) => [r.instance, r.n]));
  }

  /** Records one source's poller state. */
  async saveSourceState(s: SourceState, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO person_index_source
         (instance, state, built, last_full_build, last_success, last_change_seen, last_error_code, last_error_at, updated_at)
       VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz, $6::timestamptz, $7, $8::timestamptz, $9::timestamptz)
       ON CONFLICT (instance) DO UPDATE SET
         state = EXCLUDED.state, built = EXCLUDED.built, last_full_build = EXCLUDED.last_full_build,
         last_success = EXCLUDED.last_success, last_change_seen = EXCLUDED.last_change_seen,
         last_error_code = EXCLUDED.last_error_code, last_error_at = EXCLUDED.last_error_at,
         updated_at = EXCLUDED.updated_at`,
      [
        s.instance,
        s.state,
        s.built,
        iso(s.lastFullBuild),
        iso(s.lastSuccess),
        iso(s.lastChangeSeen),
        s.lastErrorCode,
        iso(s.lastErrorAt),
        at.toISOString(),
      ],
    );
  }

  /** Every recorded source state, by instance. */
  async sourceStates(): Promise<SourceState[]> {
    const rows = await this.db.query<{
      instance: InstanceId;
      state: SourceStateName;
      built: boolean;
      last_full_build: Date | null;
      last_success: Date | null;
      last_change_seen: Date | null;
      last_error_code: string | null;
      last_error_at: Date | null;
    }>('SELECT * FROM person_index_source ORDER BY instance');
    return rows.map((r) => ({
      instance: r.instance,
      state: r.state,
      built: r.built,
      lastFullBuild: ms(r.last_full_build),
      lastSuccess: ms(r.last_success),
      lastChangeSeen: ms(r.last_change_seen),
      lastErrorCode: r.last_error_code,
      lastErrorAt: ms(r.last_error_at),
    }));
  }
}

function iso(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString();
}

function ms(d: Date | null): number | null {
  return d === null ? null : d.getTime();
}
