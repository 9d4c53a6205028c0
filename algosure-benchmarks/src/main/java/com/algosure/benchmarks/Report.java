package com.algosure.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads JMH JSON results and prints, per benchmark class and parameter set, each result and the ratio of
 * ours to each peer measured in the same run: methods whose names start with {@code algosure} are ours,
 * the others are peers. Usage: {@code Report <pass> <result.json>...}, or {@code Report rounds
 * round-<n>-<part>.json...} for {@code run.sh rounds}: each round's ratios of the rows near their bound, and
 * their medians.
 */
public final class Report {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Report() {}

  /** One JMH result. */
  record Result(String group, String method, String mode, String unit, double score, double error, double p50,
      double p99, double allocBytes, int threads, int forks, int warmups, int iterations, String warmupTime,
      String measurementTime) {

    boolean ours() {
      return method.startsWith("algosure");
    }

    boolean throughput() {
      return mode.equals("thrpt");
    }
  }

  /**
   * @param args the pass name, then JMH JSON files
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length < 2) {
      out.println("usage: Report <pass> <result.json>...");
      return;
    }
    if (args[0].equals("rounds")) {
      rounds(out, List.of(args).subList(1, args.length));
      return;
    }
    Map<String, List<Result>> groups = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      read(out, new File(args[i]), groups);
    }
    out.println("Pass: " + args[0]);
    out.println();
    out.println("| benchmark | method | threads | score | p50 | p99 | alloc B/op | ours / peer |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (List<Result> group : groups.values()) {
      for (Result r : group) {
        StringBuilder ratios = new StringBuilder();
        if (r.ours()) {
          for (Result peer : group) {
            if (!peer.ours()) {
              double ratio = r.throughput() ? peer.score() / r.score() : r.score() / peer.score();
              String med = r.throughput() || Double.isNaN(r.p50()) ? "" : String.format(Locale.ROOT, ", p50 %.3f", r.p50() / peer.p50());
              ratios.append(ratios.length() == 0 ? "" : "; ").append(peer.method()).append(": ")
                  .append(String.format(Locale.ROOT, r.throughput() ? "%.3f (time per op)" : "mean %.3f", ratio)).append(med);
            }
          }
        }
        out.printf(Locale.ROOT, "| %s | %s | %d | %s ± %s %s | %s | %s | %s | %s |%n", r.group(), r.method(), r.threads(),
            num(r.score()), num(r.error()), r.unit(), num(r.p50()), num(r.p99()), num(r.allocBytes()), ratios);
      }
    }
    targets(out, groups);
    if (groups.isEmpty()) {
      return;
    }
    Result any = groups.values().iterator().next().get(0);
    out.println();
    out.printf(Locale.ROOT, "JMH: %d fork(s), %d warm-up iteration(s) of %s, %d measurement iteration(s) of %s; "
        + "error is JMH's 99.9%% confidence half-interval.%n", any.forks(), any.warmups(), any.warmupTime(),
        any.iterations(), any.measurementTime());
  }

  private static void read(PrintStream out, File f, Map<String, List<Result>> groups) throws IOException {
    if (!f.isFile()) {
      out.println("(no results in " + f + ")");
      return;
    }
    for (JsonNode r : JSON.readTree(f)) {
      Result result = result(r);
      groups.computeIfAbsent(result.group() + " [" + result.threads() + "t " + result.mode() + "]", k -> new ArrayList<>())
          .add(result);
    }
  }

  /**
   * Prints, for each round ({@code round-<n>-*.json}), the ratio of each row near its bound, measured back to
   * back within the round, then each ratio's median over the rounds, checked against its target.
   */
  private static void rounds(PrintStream out, List<String> files) throws IOException {
    Map<String, Map<String, List<Result>>> rounds = new TreeMap<>(Comparator.comparingInt(Report::roundNumber));
    for (String file : files) {
      String name = new File(file).getName();
      String round = name.substring(0, name.indexOf('-', "round-".length()));
      read(out, new File(file), rounds.computeIfAbsent(round, k -> new LinkedHashMap<>()));
    }
    List<String> rows = List.of("decide median, 10x10 -> 1000x100000 (256 requests in turn) <= 1.5x",
        "token cache miss RS256 median <= 1.05 x raw nimbus", "token cache miss ES256 median <= 1.05 x raw nimbus");
    double[] bounds = {1.5, 1.05, 1.05};
    List<double[]> ratios = new ArrayList<>();
    out.println("Pass: rounds (" + rounds.size() + ")");
    out.println();
    out.println("| round | scaling, 256 requests | RS256 / nimbus | ES256 / nimbus |");
    out.println("| --- | --- | --- | --- |");
    for (Map.Entry<String, Map<String, List<Result>>> e : rounds.entrySet()) {
      Map<String, List<Result>> g = e.getValue();
      double[] r = {
          ratio(find(g, "DecideScalingBenchmark requests=256 size=1000x100000", "algosure"),
              find(g, "DecideScalingBenchmark requests=256 size=10x10", "algosure")),
          ratio(find(g, "TokenMissBenchmark alg=RS256", "algosure"), find(g, "TokenMissBenchmark alg=RS256", "nimbus")),
          ratio(find(g, "TokenMissBenchmark alg=ES256", "algosure"), find(g, "TokenMissBenchmark alg=ES256", "nimbus"))};
      ratios.add(r);
      out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", e.getKey(), num(r[0]), num(r[1]), num(r[2]));
    }
    out.println();
    out.println("| target | median of the rounds | rounds within the target | |");
    out.println("| --- | --- | --- | --- |");
    for (int i = 0; i < rows.size(); i++) {
      List<Double> column = new ArrayList<>();
      for (double[] r : ratios) {
        if (!Double.isNaN(r[i])) {
          column.add(r[i]);
        }
      }
      Collections.sort(column);
      int n = column.size();
      double median = n == 0 ? Double.NaN : n % 2 == 1 ? column.get(n / 2) : (column.get(n / 2 - 1) + column.get(n / 2)) / 2;
      int within = 0;
      for (double v : column) {
        within += v <= bounds[i] ? 1 : 0;
      }
      String verdict = Double.isNaN(median) ? "not in this run" : median <= bounds[i] ? "met" : "**missed**";
      out.printf(Locale.ROOT, "| %s | %s | %d of %d | %s |%n", rows.get(i), num(median) + "x", within, n, verdict);
    }
  }

  private static int roundNumber(String round) {
    return Integer.parseInt(round.substring("round-".length()));
  }

  /** Prints the targets, each checked against this run's figures (medians unless the row says). */
  private static void targets(PrintStream out, Map<String, List<Result>> groups) {
    out.println();
    out.println("| target | measured | |");
    out.println("| --- | --- | --- |");
    Result decide = find(groups, "DecideBenchmark", "algosure");
    Result casbin = find(groups, "DecideBenchmark", "jcasbin");
    target(out, "decide median <= 250 ns", decide == null ? Double.NaN : nanos(decide, decide.p50()), 250, " ns");
    target(out, "decide median <= 0.1 x jCasbin's (10x faster)", ratio(decide, casbin), 0.1, "");
    for (String users : List.of("256", "1")) {
      Result small = find(groups, "DecideScalingBenchmark requests=" + users + " size=10x10", "algosure");
      Result large = find(groups, "DecideScalingBenchmark requests=" + users + " size=1000x100000", "algosure");
      target(out, "decide median, 10x10 -> 1000x100000 (" + users + " request(s) in turn) <= 1.5x", ratio(large, small), 1.5, "x");
    }
    Result hit = find(groups, "TokenCachedBenchmark", "algosure");
    target(out, "token cache hit median <= 1 us", hit == null ? Double.NaN : nanos(hit, hit.p50()), 1000, " ns");
    target(out, "token cache hit mean <= 1 us", hit == null ? Double.NaN : nanos(hit, hit.score()), 1000, " ns");
    for (String alg : List.of("RS256", "ES256")) {
      Result ours = find(groups, "TokenMissBenchmark alg=" + alg, "algosure");
      Result nimbus = find(groups, "TokenMissBenchmark alg=" + alg, "nimbus");
      target(out, "token cache miss " + alg + " median <= 1.05 x raw nimbus", ratio(ours, nimbus), 1.05, "x");
    }
    Result total = find(groups, "GuardBenchmark", "algosureTotal");
    target(out, "IntegrationGuard.execute median <= 1.5 us", total == null ? Double.NaN : nanos(total, total.p50()), 1500, " ns");
    target(out, "guard resilience part median <= 1.2 x bare Failsafe",
        ratio(find(groups, "GuardBenchmark", "algosureResilience"), find(groups, "GuardBenchmark", "failsafe")), 1.2, "x");
    // not ours: the least work the design asks of any guard's resilience part; if it misses, so must every guard
    target(out, "(floor, no guard code) the design's least resilience work median <= 1.2 x bare Failsafe",
        ratio(find(groups, "GuardBenchmark", "resilienceFloor"), find(groups, "GuardBenchmark", "failsafe")), 1.2, "x");
    for (String size : List.of("1024", "20480")) {
      target(out, "CallbackGuard " + size + " B median <= 1.3 x raw HMAC",
          ratio(find(groups, "CallbackBenchmark size=" + size, "algosure"), find(groups, "CallbackBenchmark size=" + size, "raw")),
          1.3, "x");
      target(out, "(restated) CallbackGuard " + size + " B median <= 1.3 x raw HMAC + the payload's SHA-256",
          ratio(find(groups, "CallbackBenchmark size=" + size, "algosure"),
              find(groups, "CallbackBenchmark size=" + size, "rawPlusPayloadSha256")), 1.3, "x");
    }
  }

  private static @Nullable Result find(Map<String, List<Result>> groups, String group, String method) {
    List<Result> g = groups.get(group + " [1t sample]");
    if (g == null) {
      return null;
    }
    for (Result r : g) {
      if (r.method().equals(method)) {
        return r;
      }
    }
    return null;
  }

  private static double ratio(@Nullable Result ours, @Nullable Result peer) {
    return ours == null || peer == null ? Double.NaN : nanos(ours, ours.p50()) / nanos(peer, peer.p50());
  }

  private static double nanos(Result r, double value) {
    switch (r.unit()) {
      case "ns/op":
        return value;
      case "us/op":
        return value * 1_000;
      case "ms/op":
        return value * 1_000_000;
      default:
        throw new IllegalArgumentException("unexpected unit " + r.unit() + " of " + r.group() + "." + r.method());
    }
  }

  private static void target(PrintStream out, String what, double measured, double bound, String unit) {
    String verdict = Double.isNaN(measured) ? "not in this run" : measured <= bound ? "met" : "**missed**";
    out.printf(Locale.ROOT, "| %s | %s | %s |%n", what, Double.isNaN(measured) ? "" : num(measured) + unit, verdict);
  }

  private static Result result(JsonNode r) {
    String benchmark = r.get("benchmark").asText();
    int dot = benchmark.lastIndexOf('.');
    String cls = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
    StringBuilder group = new StringBuilder(cls);
    JsonNode params = r.get("params");
    if (params != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        group.append(' ').append(p.getKey()).append('=').append(p.getValue().asText());
      }
    }
    JsonNode primary = r.get("primaryMetric");
    JsonNode percentiles = primary.get("scorePercentiles");
    JsonNode alloc = r.path("secondaryMetrics").get("gc.alloc.rate.norm");
    return new Result(group.toString(), benchmark.substring(dot + 1), r.get("mode").asText(),
        primary.get("scoreUnit").asText(), primary.get("score").asDouble(), primary.get("scoreError").asDouble(),
        percentile(r, percentiles, "50.0"), percentile(r, percentiles, "99.0"),
        alloc == null ? Double.NaN : alloc.get("score").asDouble(), r.get("threads").asInt(), r.get("forks").asInt(),
        r.get("warmupIterations").asInt(), r.get("measurementIterations").asInt(), r.get("warmupTime").asText(),
        r.get("measurementTime").asText());
  }

  private static double percentile(JsonNode r, JsonNode percentiles, String which) {
    if (!r.get("mode").asText().equals("sample") || percentiles == null || percentiles.get(which) == null) {
      return Double.NaN;
    }
    return percentiles.get(which).asDouble();
  }

  private static String num(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }
}
