package com.algosure.benchmarks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Measures the retained heap of the SDK's in-memory stores: 1,000,000 idempotency records and 100,000
 * tenant × provider rate-limit keys. Heap is read after repeated full collections, before and after
 * filling the store, with the store kept reachable.
 */
public final class MemoryFootprint {

  private MemoryFootprint() {}

  /** @param args none */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.println("memory: not measured: the integration guard's in-memory idempotency and rate-limit stores are not"
        + " in this build yet");
  }
}
