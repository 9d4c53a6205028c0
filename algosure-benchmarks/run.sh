#!/usr/bin/env bash
# Runs every benchmark of the SDK side by side with its peers, then prints the ratio table.
#   algosure-benchmarks/run.sh quick   # ~5 minutes: 1 fork, 1 x 1 s warm-up, 3 x 1 s measurement
#   algosure-benchmarks/run.sh full    # ~27 minutes: 3 forks, 3 x 1 s warm-up, 5 x 1 s measurement
#   algosure-benchmarks/run.sh rounds [N]  # the rows near their bound, in N (default 5) rounds of 1 fork each
#                                          # (~75 s a round), ours and the peer within a minute of each other
# Extra arguments go to JMH (for example a benchmark regex, or -prof stack). Results (JMH JSON and the
# printed table) land in algosure-benchmarks/target/results-<pass>/. Measure on an idle machine: the
# 1-minute load average is printed before and after each part.
set -euo pipefail

pass="${1:-quick}"
shift || true
case "$pass" in
  quick) jmh=(-f 1 -wi 1 -w 1s -i 3 -r 1s) ;;
  full) jmh=(-f 3 -wi 3 -w 1s -i 5 -r 1s) ;;
  rounds) jmh=(-f 1 -wi 3 -w 1s -i 5 -r 1s) ;;
  *) echo "usage: $0 quick|full [JMH options] | $0 rounds [N]" >&2; exit 2 ;;
esac

# Every fork gets a fixed, pre-touched heap: on this kind of virtual machine the first touch of each new page is
# expensive, and while a default heap grew, whole iterations ran up to 5x slower (seen on the guard benchmark).
jvm=(-jvmArgsAppend "-Xms4g -Xmx4g -XX:+AlwaysPreTouch")

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl algosure-benchmarks -am package -DskipTests
jar=algosure-benchmarks/target/benchmarks.jar
out="algosure-benchmarks/target/results-$pass"
mkdir -p "$out"

load() { echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $(nproc) cores"; }

if [ "$pass" = rounds ]; then
  # A full pass runs each benchmark's forks in turn, so ours and its peer can be minutes apart, and this shared
  # machine drifts by more than some targets' margins in that time. Each round here measures a near-bound row's
  # two sides back to back; Report gives every round's ratio and their median.
  n="${1:-5}"
  echo "== rounds pass: $n rounds of JMH ${jmh[*]} ${jvm[*]}"
  load
  rm -f "$out"/round-*.json
  for r in $(seq 1 "$n"); do
    echo "== round $r of $n"
    java -jar "$jar" "${jmh[@]}" "${jvm[@]}" -rf json -rff "$out/round-$r-scaling.json" \
      'DecideScalingBenchmark.algosure' -p requests=256 -p size=10x10,1000x100000
    java -jar "$jar" "${jmh[@]}" "${jvm[@]}" -rf json -rff "$out/round-$r-token.json" \
      'TokenMissBenchmark.(algosure|nimbus)$'
    load
  done
  java -cp "$jar" com.algosure.benchmarks.Report rounds "$out"/round-*.json | tee "$out/report.md"
  exit 0
fi

echo "== $pass pass: JMH ${jmh[*]} ${jvm[*]} $*"
load
echo "== latency (sample time, with -prof gc)"
java -jar "$jar" "${jmh[@]}" "${jvm[@]}" -prof gc -e 'Throughput' -rf json -rff "$out/latency.json" "$@" | tee "$out/latency.txt"
load
for t in 1 2; do
  echo "== throughput, $t thread(s)"
  java -jar "$jar" "${jmh[@]}" "${jvm[@]}" -t "$t" -rf json -rff "$out/throughput-$t.json" 'Throughput' "$@" | tee "$out/throughput-$t.txt"
  load
done
echo "== memory"
java -Xmx2g -cp "$jar" com.algosure.benchmarks.MemoryFootprint | tee "$out/memory.txt"
load
echo "== ratios (ours / peer, same run)"
java -cp "$jar" com.algosure.benchmarks.Report "$pass" "$out"/latency.json "$out"/throughput-1.json "$out"/throughput-2.json \
  | tee "$out/report.md"
