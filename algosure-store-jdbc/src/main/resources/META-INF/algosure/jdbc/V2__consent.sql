-- Algosure consent registry, version 2: approved consents per tenant and scope, revocable, expiring.
-- Apply with your migration tool (Flyway: classpath:META-INF/algosure/jdbc) or JdbcConsentRegistry.initialize().
-- Idempotent: applying it twice changes nothing.

CREATE TABLE IF NOT EXISTS algosure_consent (
  id            text        NOT NULL,
  tenant        text        NOT NULL,
  organization  text,                              -- NULL: the whole tenant
  subject       text,                              -- NULL: every data subject of the tenant
  scope         text        NOT NULL,              -- a ConsentScope name, such as MAIL
  granted_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,                       -- NULL: not revoked
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT algosure_consent_pk PRIMARY KEY (id),
  CONSTRAINT algosure_consent_expires_after_grant CHECK (expires_at > granted_at)
);

-- the guard's one look-up per call: tenant + scope, then organization and subject
CREATE INDEX IF NOT EXISTS algosure_consent_tenant_scope ON algosure_consent (tenant, scope);
