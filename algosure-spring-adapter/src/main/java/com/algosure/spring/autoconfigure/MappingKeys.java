package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Refuses role-mapping keys that Spring would bind as something else than written. Spring keeps only letters, digits,
 * '-' and '_' of a map key that is not in brackets, and splits it at each '.', so {@code client-roles.api.filings:read}
 * becomes a rule for the role {@code filingsread}, and {@code client-roles.my.client.viewer} one for the role
 * {@code client.viewer} of a client {@code my}: the role the token carries then maps to nothing, without a word. Keycloak
 * role names often hold ':' or '/', so such a key is a start-up error naming its bracketed form.
 */
final class MappingKeys {

  private static final Pattern MAPPING = Pattern.compile(
      "algosure\\.keycloak\\.(realm[-_]?roles|client[-_]?roles)\\.(.+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern LIST_INDEX = Pattern.compile("\\[\\d+\\]$");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]+");

  private MappingKeys() {}

  /**
   * @param environment the environment whose property sources are read as the host wrote them
   * @throws InvalidAlgosureConfigurationException naming the first key that would not bind as written
   */
  static void check(Environment environment) {
    if (!(environment instanceof ConfigurableEnvironment configurable)) {
      return;
    }
    for (PropertySource<?> source : configurable.getPropertySources()) {
      if (source instanceof EnumerablePropertySource<?> enumerable) {
        for (String name : enumerable.getPropertyNames()) {
          check(name);
        }
      }
    }
  }

  private static void check(String name) {
    Matcher m = MAPPING.matcher(name);
    if (!m.matches()) {
      return;
    }
    boolean client = m.group(1).toLowerCase(Locale.ROOT).startsWith("client");
    String rest = m.group(2);
    Matcher index = LIST_INDEX.matcher(rest);
    String listIndex = "";
    if (index.find() && index.start() > 0) {
      listIndex = index.group();
      rest = rest.substring(0, index.start());
    }
    List<String> elements = elements(rest);
    String prefix = name.substring(0, m.start(2));
    if (client) {
      if (elements.size() != 2) {
        throw new InvalidAlgosureConfigurationException(name, "it does not say where the client id ends and the role "
            + "begins: write each in brackets when it holds a '.' or other characters than letters, digits, '-' and '_', "
            + "such as " + prefix + "[my.client].[viewer]");
      }
      for (int i = 0; i < 2; i++) {
        String e = elements.get(i);
        if (!bracketed(e) && !PLAIN.matcher(e).matches()) {
          List<String> fixed = new ArrayList<>(elements);
          fixed.set(i, "[" + e + "]");
          throw lossy(name, e, prefix + String.join(".", fixed) + listIndex);
        }
      }
    } else if (elements.size() == 1 ? !bracketed(rest) && !PLAIN.matcher(rest).matches()
        // unbracketed and dotted, Spring keeps the whole key of a realm role; anything else loses characters
        : elements.stream().anyMatch(e -> bracketed(e) || !PLAIN.matcher(e).matches())) {
      throw lossy(name, rest, prefix + "[" + rest + "]" + listIndex);
    }
  }

  private static InvalidAlgosureConfigurationException lossy(String name, String key, String fixed) {
    return new InvalidAlgosureConfigurationException(name, "the key '" + key + "' would lose the characters Spring drops "
        + "from a map key that is not in brackets (only letters, digits, '-' and '_' are kept): write it as " + fixed
        + " (in YAML, as the key \"[" + key + "]\")");
  }

  private static boolean bracketed(String element) {
    return element.length() >= 2 && element.charAt(0) == '[' && element.charAt(element.length() - 1) == ']';
  }

  /** The key's elements: split at each '.' outside brackets, brackets kept. */
  private static List<String> elements(String key) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int depth = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']' && depth > 0) {
        depth--;
      } else if (c == '.' && depth == 0) {
        out.add(current.toString());
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    out.add(current.toString());
    return out;
  }
}
