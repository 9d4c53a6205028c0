package com.algosure.authz.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UntrustedTextTest {

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\n", "\r", "\u001b", "\u007f", "\u0080", "\u0085", "\u009b", "\u009f",
      "\u2028", "\u2029", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
      "\u200b", "\u200e", "\u200f", "\u061c", "\u00ad", "\ufeff", "\ud800", "\udc00", "\udb40\udc41"})
  void printableWhenLineBreakingBidiFormatOrControlCharacterThenReplaced(String c) {
    // U+2028, U+202E and C1 controls passed: only C0 and DEL were replaced
    assertThat(UntrustedText.printable("a" + c + "b", 64)).isEqualTo("a?b");
  }

  @Test
  void printableWhenOrdinaryTextThenKept() {
    String text = "https://sso.example.com/realms/äöü-日本-😀 ~!@#$%^&*()";

    assertThat(UntrustedText.printable(text, 64)).isEqualTo(text);
  }

  @Test
  void printableWhenLongerThanTheMaximumThenCutWithoutLeavingHalfACharacter() {
    assertThat(UntrustedText.printable("abcdef", 3)).isEqualTo("abc...");
    assertThat(UntrustedText.printable("ab😀", 3)).isEqualTo("ab?...");
  }

  @Test
  void safeWhenShortAndPrintableThenTheValueItselfElsePrintableAndCut() {
    String id = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    assertThat(UntrustedText.safe(id, 128)).isSameAs(id);
    assertThat(UntrustedText.safe("a\nb\u202Ec", 128)).isEqualTo("a?b?c");
    assertThat(UntrustedText.safe("abcdef", 3)).isEqualTo("abc...");
  }
}
