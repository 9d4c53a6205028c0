package com.algosure.spring.autoconfigure;

import com.algosure.spring.InvalidAlgosureConfigurationException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Checks {@code algosure.web.public-paths} as the default security filter chain reads them (Spring's path patterns):
 * each must be a valid pattern, and none may match every path, alone or together with the others, which would let
 * every request through without a token.
 * Loaded only where Spring Web is present. Thread-safe.
 */
final class PublicPaths {

  /** Paths of several depths that no pattern meant to open a part of a service matches all of. */
  private static final List<PathContainer> EVERY_PATH = List.of("/x0q7", "/x0q7/k2m", "/x0q7/k2m/z9.json",
      "/a/b/c/d/e/f").stream().map(PathContainer::parsePath).toList();

  private static final String ADVICE = "list only the paths that must be open, such as /api/callbacks/**, or declare "
      + "your own SecurityFilterChain if the service really needs no token anywhere";

  private PublicPaths() {}

  /**
   * @param property the property's name, such as {@code algosure.web.public-paths[0]}
   * @param pattern the pattern
   * @throws InvalidAlgosureConfigurationException if it is no valid pattern, or it matches every path
   */
  static void check(String property, String pattern) {
    PathPattern parsed = parse(property, pattern);
    if (EVERY_PATH.stream().allMatch(parsed::matches)) {
      throw new InvalidAlgosureConfigurationException(property, "'" + pattern + "' matches every path, so the default "
          + "security filter chain would let every request through without a token: " + ADVICE);
    }
  }

  /**
   * Checks the patterns together, each valid on its own: the chain opens a path any of them matches, so patterns that
   * each leave some paths closed may together leave none.
   *
   * @param property the property's name, such as {@code algosure.web.public-paths}
   * @param patterns the patterns, each checked with {@link #check}
   * @throws InvalidAlgosureConfigurationException if every path is matched by one of them
   */
  static void checkAll(String property, List<String> patterns) {
    List<PathPattern> parsed = patterns.stream().map(p -> parse(property, p)).toList();
    if (EVERY_PATH.stream().allMatch(path -> parsed.stream().anyMatch(p -> p.matches(path)))) {
      // name only those that match one of the paths: the rest did not open anything of it
      String together = IntStream.range(0, patterns.size()).filter(i -> EVERY_PATH.stream().anyMatch(parsed.get(i)::matches))
          .mapToObj(i -> "'" + patterns.get(i) + "'").collect(Collectors.joining(", "));
      throw new InvalidAlgosureConfigurationException(property, together + " together match every path, so the default "
          + "security filter chain would let every request through without a token: " + ADVICE);
    }
  }

  private static PathPattern parse(String property, String pattern) {
    PathPattern parsed;
    try {
      parsed = PathPatternParser.defaultInstance.parse(pattern);
    } catch (PatternParseException e) {
      // Spring's message says what is wrong with the pattern, and the pattern is the host's own text
      throw new InvalidAlgosureConfigurationException(property, "'" + pattern + "' is not a valid path pattern ("
          + e.getMessage() + ", at character " + e.getPosition() + "): use one such as /api/callbacks/**");
    }
    return parsed;
  }
}
