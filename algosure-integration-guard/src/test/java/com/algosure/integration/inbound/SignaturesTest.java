package com.algosure.integration.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The helpers a host's own verifier is built from: a signature has one accepted spelling per case. */
class SignaturesTest {

  @Test
  void fromHexWhenAsciiHexDigitsOfEitherCaseThenTheirBytes() {
    assertThat(Signatures.fromHex("00ff7Fa1")).containsExactly(0x00, 0xff, 0x7f, 0xa1);
    assertThat(Signatures.fromHex("")).isEmpty();
  }

  @Test
  void fromHexWhenDigitsOfAnotherScriptThenNoBytesNotAnotherSpellingOfTheSignature() {
    // Character.digit reads these as hex digits too: fullwidth 0-9 and A-F, Arabic-Indic and Devanagari digits. A
    // signature header written with them must not verify as the ASCII signature it spells
    String hmac = "0a1b";
    for (String variant : new String[] {"\uff10\uff41\uff11\uff42", "\uff10\uff21\uff11\uff22", "\u0660a\u0661b",
        "\u0966a\u0967b"}) {
      assertThat(Signatures.fromHex(variant)).as(variant).isEmpty();
    }
    assertThat(Signatures.fromHex(hmac)).containsExactly(0x0a, 0x1b);
  }

  @Test
  void fromHexWhenOddLengthOrNotHexThenNoBytes() {
    assertThat(Signatures.fromHex("abc")).isEmpty();
    assertThat(Signatures.fromHex("zz")).isEmpty();
    assertThat(Signatures.fromHex("0x")).isEmpty();
  }
}
