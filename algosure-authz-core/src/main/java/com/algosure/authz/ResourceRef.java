package com.algosure.authz;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The resource a request acts on: its type (which names the owning domain, such as {@code filing}) and,
 * where the action targets one resource, its id.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ResourceRef {

  private final String type;
  private final @Nullable String id;

  private ResourceRef(String type, @Nullable String id) {
    this.type = Identifiers.require("resource type", type);
    this.id = id == null ? null : Identifiers.require("resource id", id);
  }

  /**
   * A single resource.
   *
   * @param type the resource type, which names the owning domain
   * @param id the resource's id
   * @return the reference
   * @throws IllegalArgumentException if the type or the id is not valid
   */
  public static ResourceRef of(String type, String id) {
    if (id == null) {
      throw new IllegalArgumentException("resource id must not be null: use ResourceRef.type(type) for a collection");
    }
    return new ResourceRef(type, id);
  }

  /**
   * All resources of a type, for actions such as listing or creating.
   *
   * @param type the resource type
   * @return the reference
   * @throws IllegalArgumentException if the type is not valid
   */
  public static ResourceRef type(String type) {
    return new ResourceRef(type, null);
  }

  /** @return the resource type, which names the owning domain */
  public String type() {
    return type;
  }

  /** @return the resource's id, absent for a collection */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResourceRef other && type.equals(other.type) && java.util.Objects.equals(id, other.id);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + (id == null ? 0 : id.hashCode());
  }

  @Override
  public String toString() {
    return id == null ? type : type + "/" + id;
  }
}
