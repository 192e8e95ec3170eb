/**
 * The audit log's tables, in the same database as the person index. Both are
 * append-only, enforced in SQL: a trigger refuses UPDATE, DELETE and TRUNCATE
 * (the same on PGlite and PostgreSQL). Whoever owns the tables can still
 * drop the trigger; production should run the region as a role that owns
 * neither (and grant it INSERT and SELECT only).
 */
import type { Migration } from '../database/migrations.ts';

export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    name: 'audit-log-001',
    sql: `
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$;

      CREATE TABLE audit_event (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at               timestamptz NOT NULL,
        request_id       text        NOT NULL,
        action           text        NOT NULL CHECK (action IN ('READ', 'EMERGENCY_ACCESS')),
        actor_sub        text,
        actor_role       text        NOT NULL CHECK (actor_role IN ('citizen', 'professional', 'analyst', 'anonymous')),
        actor_name       text,
        subject_hetu     text        NOT NULL,
        data_groups      text[]      NOT NULL,
        outcome          text        NOT NULL CHECK (outcome IN ('ALLOWED', 'DENIED')),
        basis            text        CHECK (basis IN ('SELF', 'GUARDIAN', 'CARE_RELATION', 'CONSENT', 'EMERGENCY')),
        reason           text,
        emergency        boolean     NOT NULL,
        emergency_reason text,
        written_at       timestamptz NOT NULL DEFAULT now(),
        CHECK ((outcome = 'ALLOWED') = (basis IS NOT NULL)),
        CHECK ((outcome = 'DENIED') = (reason IS NOT NULL)),
        CHECK (NOT emergency OR emergency_reason IS NOT NULL),
        CHECK ((actor_role = 'anonymous') = (actor_sub IS NULL))
      );
      CREATE INDEX audit_event_subject ON audit_event (subject_hetu, at DESC, id DESC);
      CREATE INDEX audit_event_request ON audit_event (request_id);
      CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `,
  },
  {
    name: 'audit-log-002-emergency-grants',
    sql: `
      CREATE TABLE emergency_grant (
        id         text        PRIMARY KEY,
        sub        text        NOT NULL,
        hetu       text        NOT NULL,
        reason     text        NOT NULL,
        started_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        request_id text        NOT NULL,
        CHECK (expires_at > started_at)
      );
      CREATE INDEX emergency_grant_lookup ON emergency_grant (sub, hetu, expires_at);
      CREATE TRIGGER emergency_grant_no_change BEFORE UPDATE OR DELETE ON emergency_grant
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER emergency_grant_no_truncate BEFORE TRUNCATE ON emergency_grant
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `,
  },
  {
    // Lookups by identity code (issue 11): action LOOKUP, basis PROFESSIONAL_ROLE, and what the lookup answered.
    // Constraints are replaced, not rows: the append-only trigger is untouched.
    name: 'audit-log-003-lookups',
    sql: `
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_action_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_action_check CHECK (action IN ('READ', 'LOOKUP', 'EMERGENCY_ACCESS'));
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_basis_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_basis_check
        CHECK (basis IN ('SELF', 'GUARDIAN', 'CARE_RELATION', 'CONSENT', 'EMERGENCY', 'PROFESSIONAL_ROLE'));
      ALTER TABLE audit_event ADD COLUMN lookup_result text CHECK (lookup_result IN ('FOUND', 'NOT_FOUND'));
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_lookup_result_only_for_lookups
        CHECK ((action = 'LOOKUP' AND outcome = 'ALLOWED') = (lookup_result IS NOT NULL));
    `,
  },
  {
    // Relatives (issue 13): a guardian's or dependant's name and code read with the person VTJ lists them for.
    name: 'audit-log-004-family-relation',
    sql: `
      ALTER TABLE audit_event DROP CONSTRAINT audit_event_basis_check;
      ALTER TABLE audit_event ADD CONSTRAINT audit_event_basis_check
        CHECK (basis IN ('SELF', 'GUARDIAN', 'CARE_RELATION', 'CONSENT', 'EMERGENCY', 'PROFESSIONAL_ROLE', 'FAMILY_RELATION'));
    `,
  },
];
