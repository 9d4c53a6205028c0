package com.algosure.authz.token;

import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Deep, null-free, unmodifiable copies of JSON claim values. */
final class Claims {

  private Claims() {}

  /**
   * A deep, null-free, unmodifiable copy. A map this class made ({@link #of(JWTClaimsSet)} or an earlier copy) is
   * already one, and is returned as it is.
   */
  static Map<String, Object> immutableCopy(Map<String, ?> claims) {
    if (claims instanceof Frozen f) {
      return f;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : claims.entrySet()) {
      Object v = value(e.getValue());
      if (e.getKey() != null && v != null) {
        out.put(e.getKey(), v);
      }
    }
    return new Frozen(Collections.unmodifiableMap(out));
  }

  /**
   * The verified claims as JSON values, in one copy: what {@code immutableCopy(claims.toJSONObject())} gives (dates
   * as epoch seconds, a single audience as a string, several as a list, no audience or null claims left out), made
   * without nimbus's intermediate JSON object. Shares nothing mutable with the claims set.
   */
  static Map<String, Object> of(JWTClaimsSet claims) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : claims.getClaims().entrySet()) {
      String name = e.getKey();
      Object v = e.getValue();
      if (name == null) {
        continue;
      }
      if (v instanceof Date d) {
        out.put(name, d.getTime() / 1000);
      } else if (JWTClaimNames.AUDIENCE.equals(name)) {
        List<String> aud = claims.getAudience();
        if (aud.size() == 1) {
          if (aud.get(0) != null) {
            out.put(name, aud.get(0));
          }
        } else if (!aud.isEmpty()) {
          out.put(name, value(aud));
        }
      } else {
        Object copy = value(v);
        if (copy != null) {
          out.put(name, copy);
        }
      }
    }
    return new Frozen(Collections.unmodifiableMap(out));
  }

  private static @Nullable Object value(@Nullable Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object inner = value(e.getValue());
        if (e.getKey() != null && inner != null) {
          out.put(e.getKey().toString(), inner);
        }
      }
      return Collections.unmodifiableMap(out);
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      for (Object o : c) {
        Object inner = value(o);
        if (inner != null) {
          out.add(inner);
        }
      }
      return Collections.unmodifiableList(out);
    }
    return v;
  }

  /**
   * The top-level map of a copy made here: unmodifiable, its values deep copies. Its type is private to this
   * package, so a map a caller hands to {@link AuthenticatedToken} is never taken for one and is always copied.
   * Equal to, and hashing and printing like, any map with the same entries.
   */
  private static final class Frozen extends AbstractMap<String, Object> {
    private final Map<String, Object> claims;

    Frozen(Map<String, Object> claims) {
      this.claims = claims;
    }

    @Override
    public Set<Map.Entry<String, Object>> entrySet() {
      return claims.entrySet();
    }

    @Override
    public @Nullable Object get(@Nullable Object key) {
      return claims.get(key);
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return claims.containsKey(key);
    }

    @Override
    public int size() {
      return claims.size();
    }
  }
}
