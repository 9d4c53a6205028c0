-- Algosure idempotency records, version 3: one row per (tenant, provider, action, caller's key), for hosts
-- without Redis. Apply with your migration tool (Flyway: classpath:META-INF/algosure/jdbc) or
-- JdbcIdempotencyStore.initialize(). Idempotent: applying it twice changes nothing.

CREATE TABLE IF NOT EXISTS algosure_idempotency (
  key_hash     text        NOT NULL,               -- SHA-256 of the length-prefixed (tenant, provider, action, key)
  tenant       text        NOT NULL,
  provider     text        NOT NULL,
  action       text        NOT NULL,
  state        char(1)     NOT NULL,               -- I: in flight, C: completed
  fingerprint  text        NOT NULL,               -- the request's payload hash
  owner        text        NOT NULL,               -- the claiming call's token; only it may complete or release
  expires_at   timestamptz NOT NULL,               -- logical expiry, by the store's clock
  outcome      text,                               -- the encoded outcome, once completed (no payload, no secret)
  CONSTRAINT algosure_idempotency_pk PRIMARY KEY (key_hash),
  CONSTRAINT algosure_idempotency_state CHECK (state IN ('I', 'C'))
);

-- for purgeExpired()
CREATE INDEX IF NOT EXISTS algosure_idempotency_expires_at ON algosure_idempotency (expires_at);
