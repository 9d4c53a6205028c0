package com.algosure.authz;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One question for the {@link PolicyDecisionPoint}: may this actor perform this action on this resource, in
 * this tenant and organization?
 *
 * <p>The tenant and the active organization are what the caller asks to act in (for example from the URL
 * and an {@code X-Organization-Id} header). When the tenant is left out it is resolved from a trusted
 * claim or the directory; when the organization is left out it is resolved only if the actor belongs to
 * exactly one. Attributes carry domain state (for domain rules and attribute policies); they are never
 * written to the audit trail.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder()}.
 *
 * @since 0.1.0
 */
public final class AuthorizationRequest {

  private final @Nullable Actor actor;
  private final @Nullable TenantId tenant;
  private final @Nullable OrganizationId organization;
  private final @Nullable Permission action;
  private final @Nullable ResourceRef resource;
  private final Map<String, Object> attributes;
  private final @Nullable String approvalId;
  private final @Nullable String task;
  private final @Nullable String correlationId;

  private AuthorizationRequest(Builder b) {
    this.actor = b.actor;
    this.tenant = b.tenant;
    this.organization = b.organization;
    this.action = b.action;
    this.resource = b.resource;
    this.attributes = b.attributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(b.attributes));
    this.approvalId = b.approvalId;
    this.task = b.task;
    this.correlationId = b.correlationId;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the authenticated actor; absent means the request is denied */
  public Optional<Actor> actor() {
    return Optional.ofNullable(actor);
  }

  /** @return the tenant the request asks to act in, if named */
  public Optional<TenantId> tenant() {
    return Optional.ofNullable(tenant);
  }

  /** @return the active organization the request names, if any */
  public Optional<OrganizationId> organization() {
    return Optional.ofNullable(organization);
  }

  /** @return the action (a permission name); absent means the request is denied */
  public Optional<Permission> action() {
    return Optional.ofNullable(action);
  }

  /** @return the resource; absent means the request is denied */
  public Optional<ResourceRef> resource() {
    return Optional.ofNullable(resource);
  }

  /** @return domain state and context for domain rules and attribute policies; never audited */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /**
   * @return the id of an approval presented for a high-impact action, if any, as the caller gave it (the decision's
   *     explanation and audit record quote it printable if it is no identifier)
   */
  public Optional<String> approvalId() {
    return Optional.ofNullable(approvalId);
  }

  /** @return the task an agent works on, if any */
  public Optional<String> task() {
    return Optional.ofNullable(task);
  }

  /**
   * @return the caller's correlation id, carried into the audit record (as it is, or cut to 128 characters and
   *     printable if it could break a log line or hide text)
   */
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  // Null-returning accessors for the decision path, which avoids Optional allocation.
  @Nullable Actor actorOrNull() {
    return actor;
  }

  @Nullable TenantId tenantOrNull() {
    return tenant;
  }

  @Nullable OrganizationId organizationOrNull() {
    return organization;
  }

  @Nullable Permission actionOrNull() {
    return action;
  }

  @Nullable ResourceRef resourceOrNull() {
    return resource;
  }

  @Nullable String approvalIdOrNull() {
    return approvalId;
  }

  @Nullable String taskOrNull() {
    return task;
  }

  @Nullable String correlationIdOrNull() {
    return correlationId;
  }

  @Override
  public String toString() {
    return "AuthorizationRequest[actor=" + (actor == null ? null : actor.id()) + ", tenant=" + tenant
        + ", organization=" + organization + ", action=" + action + ", resource=" + resource
        // the caller's text (headers, body fields): quoted safe to log
        + ", approvalId=" + Identifiers.recorded(approvalId) + ", task=" + Identifiers.recorded(task)
        + ", correlationId=" + Identifiers.recorded(correlationId) + "]";
  }

  /**
   * Builds an {@link AuthorizationRequest}. Missing parts are not errors here: the decision denies them
   * with a reason. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable Actor actor;
    private @Nullable TenantId tenant;
    private @Nullable OrganizationId organization;
    private @Nullable Permission action;
    private @Nullable ResourceRef resource;
    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private @Nullable String approvalId;
    private @Nullable String task;
    private @Nullable String correlationId;

    private Builder() {}

    /** @param actor the authenticated actor @return this builder */
    public Builder actor(Actor actor) {
      this.actor = Objects.requireNonNull(actor, "actor");
      return this;
    }

    /** @param tenant the tenant to act in @return this builder */
    public Builder tenant(TenantId tenant) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
      return this;
    }

    /** @param tenant the tenant to act in @return this builder */
    public Builder tenant(String tenant) {
      return tenant(TenantId.of(tenant));
    }

    /** @param organization the active organization @return this builder */
    public Builder organization(OrganizationId organization) {
      this.organization = Objects.requireNonNull(organization, "organization");
      return this;
    }

    /** @param organization the active organization @return this builder */
    public Builder organization(String organization) {
      return organization(OrganizationId.of(organization));
    }

    /** @param action the action, a permission @return this builder */
    public Builder action(Permission action) {
      this.action = Objects.requireNonNull(action, "action");
      return this;
    }

    /** @param action the action, a permission name @return this builder */
    public Builder action(String action) {
      return action(Permission.of(action));
    }

    /** @param resource the resource @return this builder */
    public Builder resource(ResourceRef resource) {
      this.resource = Objects.requireNonNull(resource, "resource");
      return this;
    }

    /** @param type the resource type @param id the resource's id @return this builder */
    public Builder resource(String type, String id) {
      return resource(ResourceRef.of(type, id));
    }

    /** @param name an attribute's name @param value its value @return this builder */
    public Builder attribute(String name, Object value) {
      attributes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** @param approvalId the id of an approval for this action @return this builder */
    public Builder approvalId(String approvalId) {
      this.approvalId = Objects.requireNonNull(approvalId, "approvalId");
      return this;
    }

    /** @param task the task an agent works on @return this builder */
    public Builder task(String task) {
      this.task = Objects.requireNonNull(task, "task");
      return this;
    }

    /** @param correlationId the caller's correlation id @return this builder */
    public Builder correlationId(String correlationId) {
      this.correlationId = Objects.requireNonNull(correlationId, "correlationId");
      return this;
    }

    /** @return the request */
    public AuthorizationRequest build() {
      return new AuthorizationRequest(this);
    }
  }
}
