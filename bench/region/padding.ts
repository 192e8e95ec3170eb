/**
 * Pads the person index to a given number of persons with synthetic rows,
 * for the benchmark's *scale* scenario (issue 6): the same client overview
 * on an index of 1 000, 100 000 or 1 000 000 persons.
 *
 * Why padding is a fair model of a larger region: a query touches the index
 * only through lookups by key (`hetu = ANY(…)` on the primary key, a B-tree
 * whose depth grows with log N) and then reads the persons the index names
 * from their sources. The sources' own lookups are hash maps keyed by
 * identity code or local id (the emulators load their fixtures into maps),
 * flat in their size, so a region whose sources hold 1 M persons answers a
 * client overview like one whose index holds 1 M persons and whose sources
 * hold the fixtures' persons. What grows with N, the index table and its
 * indexes, is real: every padding row is a real row in the same table.
 * Padding persons are never queried; they name instances that do not hold
 * them, which only matters if someone queries them (the mix does not).
 */
import { INSTANCES } from '../../domain/region.ts';
import { CHECK_CHARS } from '../../domain/hetu.ts';
import type { Database } from '../../subgraphs/database/database.ts';

/** The record instances (not VTJ) and the municipality their padding rows name. */
const RECORD_INSTANCES = INSTANCES.filter((i) => i.product !== 'vtj');

/** Days from 1900-01-01 to 1999-12-31: the birth dates padding codes use (century signs of the 1900s). */
const DAYS = 36_524;
/**
 * Century signs of the 1900s, the 2023 letters first: each gives DAYS × 100
 * codes (individual numbers 900–999), 3.65 M per sign, 21.9 M in all.
 */
const SIGNS = 'UVWXY-';
/** Most persons padding can make. */
export const MAX_PADDING = DAYS * 100 * SIGNS.length;

export interface PaddingResult {
  /** Distinct persons in the index before padding (the fixtures' own). */
  readonly before: number;
  /** Padding persons inserted. */
  readonly inserted: number;
  /** Distinct persons in the index now. */
  readonly persons: number;
  /** Index rows (person × instance) inserted. */
  readonly rows: number;
}

/**
 * Inserts synthetic persons until the index holds `target` distinct persons
 * (none when it already holds that many or more). Each padding person gets a
 * valid synthetic identity code (DDMMYY, a 1900s century sign, individual
 * number 900–999, the right check character) not already in the index, and
 * names one instance, or two for every third person. Rows are generated in
 * SQL (generate_series), never sent row by row, and the table's two indexes
 * are rebuilt once afterwards: a million persons load in about 20 s on
 * PGlite. `last_seen` is infinity so a full refresh of the index does not
 * prune them.
 */
export async function padPersonIndex(db: Database, target: number): Promise<PaddingResult> {
  if (!Number.isSafeInteger(target) || target < 0)
    throw new RangeError(`expected the index size as a whole number of at least 0, received ${target}`);
  const before = (await db.query<{ n: number }>('SELECT count(DISTINCT hetu)::int AS n FROM person_index'))[0]?.n ?? 0;
  const need = target - before;
  if (need <= 0) return { before, inserted: 0, persons: before, rows: 0 };
  if (need > MAX_PADDING - before)
    throw new RangeError(`expected at most ${MAX_PADDING} padding persons, received a target needing ${need}`);
  // Candidates: `need` codes plus one per existing person (at most that many can collide with the index).
  const candidates = need + before;
  const n = RECORD_INSTANCES.length;
  const rows = await db.transaction(async (tx) => {
    // Why drop and rebuild the two indexes: a million random-key inserts into B-trees take three
    // times as long as a sorted build afterwards. In one transaction, so nothing sees the table
    // without them (PGlite runs one transaction at a time; PostgreSQL locks the table).
    await tx.exec(`SET LOCAL maintenance_work_mem = '512MB'`);
    await tx.exec('ALTER TABLE person_index DROP CONSTRAINT person_index_pkey; DROP INDEX person_index_instance');
    // One instance per person, a second one for every third person; each row names the instance's first municipality.
    const inserted = await tx.query<{ n: number; persons: number }>(
      `WITH ins AS (
         INSERT INTO person_index (hetu, instance, local_id, municipality, changed_at, last_seen)
         SELECT c.hetu, ($5::text[])[k + 1], NULL, ($6::text[])[k + 1], NULL, 'infinity'::timestamptz
           FROM (
             SELECT g, hetu FROM (
               SELECT g, dmy || substr($2, (g / ${DAYS * 100})::int + 1, 1) || nnn
                         || substr($3, ((dmy || nnn)::bigint % 31)::int + 1, 1) AS hetu
                 FROM (
                   SELECT g,
                          to_char(date '1900-01-01' + (g % ${DAYS})::int, 'DDMMYY') AS dmy,
                          (900 + (g / ${DAYS}) % 100)::text AS nnn
                     FROM generate_series(0::bigint, $1::bigint - 1) AS g
                 ) parts
             ) codes
             WHERE NOT EXISTS (SELECT 1 FROM person_index p WHERE p.hetu = codes.hetu)
             LIMIT $4
           ) c
           CROSS JOIN LATERAL (
             SELECT (c.g % ${n})::int AS k
             UNION ALL
             SELECT ((c.g % ${n}) + 1 + (c.g / ${n}) % ${n - 1})::int % ${n} WHERE c.g % 3 = 0
           ) pick
         RETURNING hetu)
       SELECT count(*)::int AS n, count(DISTINCT hetu)::int AS persons FROM ins`,
      [candidates, SIGNS, CHECK_CHARS, need, RECORD_INSTANCES.map((i) => i.id), RECORD_INSTANCES.map((i) => i.municipalities[0])],
    );
    // The same constraint and index as the migration made (subgraphs/region/personIndex/schema.ts).
    await tx.exec('ALTER TABLE person_index ADD CONSTRAINT person_index_pkey PRIMARY KEY (hetu, instance)');
    await tx.exec('CREATE INDEX person_index_instance ON person_index (instance, last_seen)');
    return inserted[0] ?? { n: 0, persons: 0 };
  });
  // Fresh statistics, so lookups plan on the table's real size.
  await db.exec('ANALYZE person_index');
  const inserted = rows.persons;
  return { before, inserted, persons: before + inserted, rows: rows.n };
}
