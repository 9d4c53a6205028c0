package com.algosure.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script shipped in the jar and its SHA-1, the name Redis runs it by ({@code EVALSHA}). Immutable. */
record Script(String name, String body, String sha) {

  static Script load(String name) {
    String path = "META-INF/algosure/redis/" + name + ".lua";
    try (InputStream in = Script.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("Lua script " + path + " is missing from the classpath: the algosure-store-redis jar is broken");
      }
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Script(name, body, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8))));
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("Lua script " + path + " could not be read", e);
    }
  }
}
