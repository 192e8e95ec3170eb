/**
 * The unit index's tables (same SQL on PGlite and PostgreSQL): where a
 * person has an appointment or an open customership, by unit, so a
 * professional's unit calendar and client list can be answered without
 * reading every source. A locator only: the keys to find the record at its
 * source and what the care relation matches on, no other record content
 * (CONTEXT.md, "No new copies": an index of who has records where is
 * acceptable, a second copy is not). The records themselves are read from
 * their source, through the policy, when asked.
 */
import type { Migration } from '../../database/migrations.ts';

export const UNIT_INDEX_MIGRATIONS: readonly Migration[] = [
  {
    name: 'unit-index-001',
    sql: `
      CREATE TABLE unit_index_appointment (
        instance text        NOT NULL,
        local_id text        NOT NULL,
        hetu     text        NOT NULL,
        unit_key text        NOT NULL,
        start_at timestamptz NOT NULL,
        PRIMARY KEY (instance, local_id, hetu)
      );
      CREATE INDEX unit_index_appointment_unit ON unit_index_appointment (unit_key, start_at);
      CREATE INDEX unit_index_appointment_person ON unit_index_appointment (hetu, instance);
      CREATE TABLE unit_index_customership (
        instance     text    NOT NULL,
        local_id     text    NOT NULL,
        hetu         text    NOT NULL,
        unit_key     text,
        municipality text    NOT NULL,
        service_task text    NOT NULL,
        end_date     date,
        restricted   boolean NOT NULL,
        PRIMARY KEY (instance, local_id, hetu)
      );
      CREATE INDEX unit_index_customership_unit ON unit_index_customership (unit_key);
      CREATE INDEX unit_index_customership_team ON unit_index_customership (municipality, service_task);
      CREATE INDEX unit_index_customership_person ON unit_index_customership (hetu, instance);
    `,
  },
];
