-- Algosure audit trail, version 1: append-only events, hash-chained per tenant.
-- Apply with your migration tool (Flyway: classpath:META-INF/algosure/jdbc) or JdbcAuditSink.initialize().
-- Idempotent: applying it twice changes nothing.

CREATE TABLE IF NOT EXISTS algosure_audit_event (
  tenant          text        NOT NULL,            -- '' for events without a tenant
  seq             bigint      NOT NULL,            -- 1, 2, 3 ... per tenant, no gaps
  event_id        text        NOT NULL,
  event_type      text        NOT NULL,
  occurred_at     timestamptz NOT NULL,            -- microsecond precision
  outcome         text        NOT NULL,
  organization    text,
  actor_id        text,
  actor_kind      text,
  action          text,
  resource        text,
  provider        text,
  correlation_id  text,
  reasons         jsonb       NOT NULL,            -- array of reason codes
  details         jsonb       NOT NULL,            -- object of safe details (ids, codes, hashes)
  chain_hash      bytea       NOT NULL,            -- SHA-256(previous chain_hash || canonical event)
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT algosure_audit_event_pk PRIMARY KEY (tenant, seq),
  CONSTRAINT algosure_audit_event_seq_positive CHECK (seq > 0),
  CONSTRAINT algosure_audit_event_hash_length CHECK (octet_length(chain_hash) = 32)
);

CREATE INDEX IF NOT EXISTS algosure_audit_event_event_id ON algosure_audit_event (event_id);
CREATE INDEX IF NOT EXISTS algosure_audit_event_occurred_at ON algosure_audit_event (tenant, occurred_at);

-- One row per tenant: the newest link. Writers lock it (SELECT ... FOR UPDATE) to append, so writers in
-- several processes chain one tenant's events one after another.
CREATE TABLE IF NOT EXISTS algosure_audit_chain (
  tenant     text   NOT NULL,
  last_seq   bigint NOT NULL,
  last_hash  bytea  NOT NULL,
  CONSTRAINT algosure_audit_chain_pk PRIMARY KEY (tenant)
);

-- Append-only: rows are never updated or deleted by the SDK. The trigger stops accidents and applications
-- running with the owner's role; the hash chain detects what a superuser does anyway. Retention (deleting
-- old rows) is an operator's job: disable the trigger in a maintenance transaction and publish the new head.
CREATE OR REPLACE FUNCTION algosure_audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'algosure_audit_event is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER IF EXISTS algosure_audit_event_append_only ON algosure_audit_event;
CREATE TRIGGER algosure_audit_event_append_only
  BEFORE UPDATE OR DELETE ON algosure_audit_event
  FOR EACH ROW EXECUTE FUNCTION algosure_audit_event_refuse_change();

DROP TRIGGER IF EXISTS algosure_audit_event_no_truncate ON algosure_audit_event;
CREATE TRIGGER algosure_audit_event_no_truncate
  BEFORE TRUNCATE ON algosure_audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION algosure_audit_event_refuse_change();
