package com.algosure.integration;

import static com.algosure.authz.internal.Options.once;

import com.algosure.authz.Actor;
import com.algosure.authz.OrganizationId;
import com.algosure.authz.Permission;
import com.algosure.authz.ResourceRef;
import com.algosure.authz.TenantId;
import com.algosure.integration.spi.IdempotencyKey;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One outbound call a domain wants to make: who (actor), where (tenant, organization), to which provider,
 * which action, with which payload and idempotency key.
 *
 * <p>The provider and the action are required when building; a missing tenant or actor is not a build
 * error but a {@link IntegrationOutcome.Denied} at execution, because they come from run-time context.
 * The payload is kept as the exact bytes that will be sent (for {@link Builder#jsonPayload(Object)}, the
 * canonical JSON with sorted keys). The request's {@linkplain #fingerprint() fingerprint}, which the
 * idempotency key is claimed with, covers everything of the request that changes what is sent: the payload,
 * its content type and the endpoint override.
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows ids and the payload's size, never the payload.
 *
 * @since 0.1.0
 */
public final class IntegrationRequest {

  private final @Nullable Actor actor;
  private final @Nullable TenantId tenant;
  private final @Nullable OrganizationId organization;
  private final ProviderId provider;
  private final Permission action;
  private final @Nullable ResourceRef resource;
  private final @Nullable String idempotencyKey;
  private final byte[] payload;
  private final String contentType;
  private final String fingerprint;
  private final @Nullable String consentSubject;
  private final @Nullable String correlationId;
  private final @Nullable String approvalId;
  private final @Nullable String task;
  private final @Nullable URI endpoint;

  private IntegrationRequest(Builder b) {
    this.actor = b.actor;
    this.tenant = b.tenant;
    this.organization = b.organization;
    this.provider = Objects.requireNonNull(b.provider);
    this.action = Objects.requireNonNull(b.action);
    this.resource = b.resource;
    this.idempotencyKey = b.idempotencyKey;
    this.payload = b.payload == null ? new byte[0] : b.payload;
    this.contentType = b.contentType == null ? Payloads.NO_PAYLOAD : b.contentType;
    this.consentSubject = b.consentSubject;
    this.correlationId = b.correlationId;
    this.approvalId = b.approvalId;
    this.task = b.task;
    this.endpoint = b.endpoint;
    this.fingerprint = Payloads.fingerprint(this.payload, this.contentType, this.endpoint);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the authenticated actor; absent means the call is denied */
  public Optional<Actor> actor() {
    return Optional.ofNullable(actor);
  }

  /** @return the tenant; absent means the call is denied */
  public Optional<TenantId> tenant() {
    return Optional.ofNullable(tenant);
  }

  /** @return the active organization, if named */
  public Optional<OrganizationId> organization() {
    return Optional.ofNullable(organization);
  }

  /** @return the provider */
  public ProviderId provider() {
    return provider;
  }

  /** @return the action, which is also the permission the policy decision point checks */
  public Permission action() {
    return action;
  }

  /** @return the resource for the authorization request; default {@code integration/<provider>} */
  public ResourceRef resource() {
    return resource != null ? resource : ResourceRef.of("integration", provider.value());
  }

  @Nullable ResourceRef resourceOrNull() {
    return resource;
  }

  /** @return the caller's idempotency key, if any */
  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /** @return a copy of the payload bytes (empty if none) */
  public byte[] payload() {
    return payload.clone();
  }

  /** @return the payload's size in bytes */
  public int payloadSize() {
    return payload.length;
  }

  /** @return the payload's media type */
  public String contentType() {
    return contentType;
  }

  /**
   * The fingerprint the idempotency key is claimed with: a key reused with another fingerprint is rejected
   * ({@code IDEMPOTENCY_KEY_REUSED}), and one used again with the same fingerprint replays the first outcome
   * without sending.
   *
   * <p>It covers every part of the request that changes what the guard sends: the payload bytes, their content
   * type and the {@linkplain #endpoint() endpoint override} (as written: {@code https://A.example/} and
   * {@code https://a.example/} differ). It does not cover what only decides whether the call may run (actor,
   * organization, resource, consent subject, approval, task; tenant, provider and action scope the key itself),
   * nor the correlation id, which traces each submission. Nor can it cover what the {@link ProviderCall} adds:
   * its method and path, or headers and a body it builds itself. <b>A call whose provider call builds the path
   * (or anything else it sends) from data outside the request, such as {@code ProviderCall.http("DELETE",
   * "items/" + id, ...)}, must put that data in the request (in the payload or the endpoint) or use a distinct
   * idempotency key for each target</b>: otherwise a second target under the same key replays the first
   * target's outcome and is never sent.
   *
   * <p>The form is {@code sha256:} and 64 lowercase hex digits. For a request without an endpoint override
   * whose payload is JSON ({@code application/json}) or absent, it is the SHA-256 of the payload bytes alone,
   * as before; for any other request, the SHA-256 of an unambiguous encoding of content type, endpoint and
   * payload, which never equals the input of another request.
   *
   * @return {@code sha256:} and the hex SHA-256 of the request's fingerprint input
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** @return the data subject the call is about (for consent), if named */
  public Optional<String> consentSubject() {
    return Optional.ofNullable(consentSubject);
  }

  /** @return the caller's correlation id, if any */
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  /** @return the approval presented for a high-impact action, if any */
  public Optional<String> approvalId() {
    return Optional.ofNullable(approvalId);
  }

  /** @return the task an agent works on, if any */
  public Optional<String> task() {
    return Optional.ofNullable(task);
  }

  /**
   * @return an endpoint overriding the provider's registered one (a tenant's own server of the provider), if
   *     any; it must be on one of the provider's {@linkplain ProviderPolicy#allowedOrigins() allowed origins}
   */
  public Optional<URI> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  // allocation-free accessors for the guard
  @Nullable Actor actorOrNull() {
    return actor;
  }

  @Nullable TenantId tenantOrNull() {
    return tenant;
  }

  @Nullable OrganizationId organizationOrNull() {
    return organization;
  }

  @Nullable String idempotencyKeyOrNull() {
    return idempotencyKey;
  }

  @Nullable String correlationIdOrNull() {
    return correlationId;
  }

  @Nullable String approvalIdOrNull() {
    return approvalId;
  }

  @Nullable String taskOrNull() {
    return task;
  }

  @Nullable URI endpointOrNull() {
    return endpoint;
  }

  byte[] payloadUnsafe() {
    return payload;
  }

  @Override
  public String toString() {
    return "IntegrationRequest[provider=" + provider + ", action=" + action + ", tenant=" + tenant
        + ", organization=" + organization + ", actor=" + (actor == null ? null : actor.id())
        + ", idempotencyKey=" + idempotencyKey + ", correlationId=" + correlationId + ", payload="
        + payload.length + " bytes]";
  }

  /**
   * Builds an {@link IntegrationRequest}. Each option may be set once. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Actor actor;
    private @Nullable TenantId tenant;
    private @Nullable OrganizationId organization;
    private @Nullable ProviderId provider;
    private @Nullable Permission action;
    private @Nullable ResourceRef resource;
    private @Nullable String idempotencyKey;
    private byte @Nullable [] payload;
    private @Nullable String contentType;
    private @Nullable String consentSubject;
    private @Nullable String correlationId;
    private @Nullable String approvalId;
    private @Nullable String task;
    private @Nullable URI endpoint;

    private Builder() {}

    /**
     * @param actor the authenticated actor
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder actor(Actor actor) {
      once(this.actor, "actor");
      this.actor = Objects.requireNonNull(actor, "actor");
      return this;
    }

    /**
     * @param tenant the tenant
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder tenant(TenantId tenant) {
      once(this.tenant, "tenant");
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      return this;
    }

    /**
     * @param tenant the tenant
     * @return this builder
     * @throws IllegalArgumentException if not a valid id
     */
    public Builder tenant(String tenant) {
      return tenant(TenantId.of(tenant));
    }

    /**
     * @param organization the active organization
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder organization(OrganizationId organization) {
      once(this.organization, "organization");
      this.organization = Objects.requireNonNull(organization, "organization");
      return this;
    }

    /**
     * @param organization the active organization
     * @return this builder
     */
    public Builder organization(String organization) {
      return organization(OrganizationId.of(organization));
    }

    /**
     * @param provider the provider (required)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder provider(ProviderId provider) {
      once(this.provider, "provider");
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * @param provider the provider (required)
     * @return this builder
     */
    public Builder provider(String provider) {
      return provider(ProviderId.of(provider));
    }

    /**
     * @param action the action (required), a permission name such as {@code mail:send}
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not a valid permission name
     */
    public Builder action(String action) {
      once(this.action, "action");
      this.action = Permission.of(action);
      return this;
    }

    /**
     * @param resource the resource for authorization (default {@code integration/<provider>})
     * @return this builder
     */
    public Builder resource(ResourceRef resource) {
      once(this.resource, "resource");
      this.resource = Objects.requireNonNull(resource, "resource");
      return this;
    }

    /**
     * The key is an identifier, recorded as it is: in every audit event of the call, its evidence and escalation, the
     * idempotency store and the request's {@code toString} (only a SHA-256 of it, scoped to tenant, provider and
     * action, goes to the provider). Make it from ids (an order id, a UUID), never from personal data or a secret,
     * which it would carry into the audit trail.
     *
     * @param key the caller's idempotency key: the same key for every submission of the same request
     * @return this builder
     * @throws IllegalArgumentException if not 1 to 255 visible ASCII characters
     */
    public Builder idempotencyKey(String key) {
      once(this.idempotencyKey, "idempotencyKey");
      this.idempotencyKey = IdempotencyKey.requireKey(key);
      return this;
    }

    /**
     * @param payload the exact bytes to send (copied)
     * @param contentType their media type, sent to the provider in the {@code Content-Type} header
     * @return this builder
     * @throws IllegalStateException if a payload was already set
     * @throws IllegalArgumentException if the content type is not 1 to 255 printable ASCII characters
     */
    public Builder payload(byte[] payload, String contentType) {
      once(this.payload, "payload");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(contentType, "contentType");
      boolean printable = !contentType.isBlank() && contentType.length() <= 255;
      for (int i = 0; printable && i < contentType.length(); i++) {
        char c = contentType.charAt(i);
        printable = c >= 0x20 && c <= 0x7e;
      }
      if (!printable) {
        // never quoted: it may hold line breaks
        throw new IllegalArgumentException("contentType must be a media type of 1 to 255 printable ASCII characters, "
            + "such as application/json; charset=utf-8: it is sent to the provider in the Content-Type header");
      }
      this.payload = payload.clone();
      this.contentType = contentType;
      return this;
    }

    /**
     * @param value a value Jackson can write; sent as canonical JSON (object keys sorted), so equal values
     *     have equal fingerprints
     * @return this builder
     * @throws IllegalStateException if a payload was already set
     * @throws IllegalArgumentException if Jackson cannot write the value
     */
    public Builder jsonPayload(Object value) {
      once(this.payload, "payload");
      this.payload = Payloads.canonicalJson(Objects.requireNonNull(value, "value"));
      this.contentType = "application/json";
      return this;
    }

    /**
     * @param subject the data subject the call is about, for subject-limited consents
     * @return this builder
     */
    public Builder consentSubject(String subject) {
      once(this.consentSubject, "consentSubject");
      this.consentSubject = Objects.requireNonNull(subject, "subject");
      return this;
    }

    /**
     * @param correlationId the caller's correlation id, forwarded to the provider in a header
     * @return this builder
     * @throws IllegalArgumentException if not 1 to 255 visible ASCII characters
     */
    public Builder correlationId(String correlationId) {
      once(this.correlationId, "correlationId");
      Objects.requireNonNull(correlationId, "correlationId");
      boolean visible = !correlationId.isEmpty() && correlationId.length() <= 255;
      for (int i = 0; visible && i < correlationId.length(); i++) {
        char c = correlationId.charAt(i);
        visible = c >= 0x21 && c <= 0x7e;
      }
      if (!visible) {
        // never quoted: it may hold line breaks, and it is the caller's to see
        throw new IllegalArgumentException("correlationId must be 1 to 255 visible ASCII characters (no spaces or "
            + "control characters): it is forwarded to the provider in a header");
      }
      this.correlationId = correlationId;
      return this;
    }

    /**
     * @param approvalId the approval for a high-impact action
     * @return this builder
     */
    public Builder approvalId(String approvalId) {
      once(this.approvalId, "approvalId");
      this.approvalId = Objects.requireNonNull(approvalId, "approvalId");
      return this;
    }

    /**
     * @param task the task an agent works on
     * @return this builder
     */
    public Builder task(String task) {
      once(this.task, "task");
      this.task = Objects.requireNonNull(task, "task");
      return this;
    }

    /**
     * @param endpoint an endpoint overriding the provider's registered one; checked at execution against the
     *     transport policy and the provider's {@linkplain ProviderPolicy#allowedOrigins() allowed origins} (by
     *     default only the registered endpoint's scheme, host and port), since the provider's credentials go
     *     wherever the call goes: any other origin is {@code DENIED} ({@code ENDPOINT_NOT_ALLOWED}) before
     *     anything is sent
     * @return this builder
     * @throws IllegalArgumentException if the URI is not absolute
     */
    public Builder endpoint(URI endpoint) {
      once(this.endpoint, "endpoint");
      Objects.requireNonNull(endpoint, "endpoint");
      if (!endpoint.isAbsolute() || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint must be an absolute URI with a host, such as https://api.example.com/v1/");
      }
      this.endpoint = endpoint;
      return this;
    }

    /**
     * @return the request
     * @throws IllegalStateException if the provider or the action is missing
     */
    public IntegrationRequest build() {
      if (provider == null) {
        throw new IllegalStateException("provider is required: set it with provider(\"acme-mail\")");
      }
      if (action == null) {
        throw new IllegalStateException("action is required: set it with action(\"mail:send\")");
      }
      return new IntegrationRequest(this);
    }
  }
}
