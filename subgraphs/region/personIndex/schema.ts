/**
 * The person index's tables. The index holds where a person's records are
 * (instance, local id, municipality) and when they were seen, nothing of the
 * records themselves: the data stays at its source (CONTEXT.md).
 */
import type { Migration } from '../../database/migrations.ts';

export const PERSON_INDEX_MIGRATIONS: readonly Migration[] = [
  {
    name: 'person-index-001',
    sql: `
      CREATE TABLE person_index (
        hetu         text        NOT NULL,
        instance     text        NOT NULL,
        local_id     text,
        municipality text,
        changed_at   timestamptz,
        last_seen    timestamptz NOT NULL,
        PRIMARY KEY (hetu, instance)
      );
      CREATE INDEX person_index_instance ON person_index (instance, last_seen);
      CREATE TABLE person_index_source (
        instance         text PRIMARY KEY,
        state            text        NOT NULL,
        built            boolean     NOT NULL,
        last_full_build  timestamptz,
        last_success     timestamptz,
        last_change_seen timestamptz,
        last_error_code  text,
        last_error_at    timestamptz,
        updated_at       timestamptz NOT NULL
      );
    `,
  },
];
