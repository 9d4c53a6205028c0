package com.algosure.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.examples.filings.FilingsApplication;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The examples are what hosts copy: they use the SDK's API only, never a package it documents as not API. */
class PublicApiOnlyTests {

  /** A reference to a class of an Algosure {@code internal} package, as it stands in a class file's constant pool. */
  private static final Pattern INTERNAL = Pattern.compile("com/algosure/[a-z/]*?internal/[A-Za-z0-9_$]+");

  /**
   * Regression: the example's audit of its own refusals used com.algosure.authz.internal (UntrustedText, ActorKinds),
   * which the SDK documents as not API and may change in any release, so a host copying it would break.
   */
  @Test
  void examplesWhenCompiledThenReferToNoInternalPackage() throws IOException, URISyntaxException {
    Path classes = Path.of(FilingsApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> internal;
    try (Stream<Path> files = Files.walk(classes)) {
      internal = files.filter(f -> f.toString().endsWith(".class")).flatMap(f -> {
        String text = new String(read(f), StandardCharsets.ISO_8859_1);
        return INTERNAL.matcher(text).results().map(m -> classes.relativize(f) + " uses " + m.group());
      }).distinct().toList();
    }
    assertThat(classes.resolve("com/algosure/examples/filings/domain/Refusals.class")).exists();
    assertThat(internal).isEmpty();
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
