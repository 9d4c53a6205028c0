package com.algosure.authz.token;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Deep, null-free, unmodifiable copies of JSON claim values. */
final class Claims {

  private Claims() {}

  static Map<String, Object> immutableCopy(Map<String, ?> claims) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : claims.entrySet()) {
      Object v = value(e.getValue());
      if (e.getKey() != null && v != null) {
        out.put(e.getKey(), v);
      }
    }
    return Collections.unmodifiableMap(out);
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
}
