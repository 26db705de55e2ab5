package dev.herald.bench;

import dev.herald.store.MasterProbe.MasterReading;
import dev.herald.store.ServerProbe;
import dev.herald.store.ServerProbe.StreamEntryTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Redis CPU per master over one drain on shards: each master's {@code INFO cpu} and script calls
 * ({@code INFO commandstats}) before and after, and the routes it carried (the entries of the
 * streams of its shards) with the last one's append time. On one Redis with shards there is one
 * master; with {@code shards: 1} this is not used, and the drain's output is what it always was.
 */
final class MasterCpu {

  /**
   * What one master did in one drain.
   *
   * @param shards the shards it served, as {@code 0, 3, 7}
   * @param cpuSeconds its Redis CPU over the drain
   * @param scriptCalls script calls (claims and completions)
   * @param scriptMicros wall time inside them, as {@code INFO commandstats} counts it
   * @param routes the routes it appended
   * @param busyMs from the due instant to its last append (its clock); 0 when it appended none
   */
  record Drained(
      String address,
      String shards,
      double cpuSeconds,
      long scriptCalls,
      long scriptMicros,
      long routes,
      long busyMs) {}

  private final BenchEnvironment env;
  private final Map<String, MasterReading> before;

  private MasterCpu(BenchEnvironment env, Map<String, MasterReading> before) {
    this.env = env;
    this.before = before;
  }

  /** Reads every master: call right before the drain. */
  static MasterCpu start(BenchEnvironment env) {
    return new MasterCpu(env, byAddress(env.stores().masters().read()));
  }

  /**
   * Reads every master again and counts what each carried: call right after the drain. A master
   * that is new (a failover during the run) counts from zero.
   *
   * @param dueMs the routes' due instant
   */
  List<Drained> stop(long dueMs) {
    List<MasterReading> after = env.stores().masters().read();
    List<String> streams = env.streams();
    List<Long> lengths = env.stores().masters().streamLengths(streams);
    ServerProbe probe = env.stores().probe();
    List<Drained> drained = new ArrayList<>();
    for (MasterReading a : after) {
      MasterReading b =
          before.getOrDefault(a.address(), new MasterReading(a.address(), a.shards(), 0, 0, 0));
      long routes = 0;
      long last = 0;
      for (int shard : a.shards()) {
        routes += lengths.get(shard);
        StreamEntryTime tail = probe.lastEntry(streams.get(shard));
        last = tail == null ? last : Math.max(last, tail.appendedAtMs());
      }
      drained.add(
          new Drained(
              a.address(),
              a.shards().stream().map(String::valueOf).collect(Collectors.joining(", ")),
              a.cpuSeconds() - b.cpuSeconds(),
              a.scriptCalls() - b.scriptCalls(),
              a.scriptMicros() - b.scriptMicros(),
              routes,
              last == 0 ? 0 : Math.max(1, last - dueMs)));
    }
    return drained;
  }

  private static Map<String, MasterReading> byAddress(List<MasterReading> readings) {
    Map<String, MasterReading> map = new LinkedHashMap<>();
    readings.forEach(r -> map.put(r.address(), r));
    return map;
  }

  /**
   * The figures of one run: over the masters, then each master's as {@code master_<k>_…} (k from 1,
   * in address order), and each master's address and shards in the context.
   *
   * @param routes the routes drained
   * @param heraldCpu the CPU seconds of this process (publisher and benchmark) over the drain
   */
  static void addTo(BenchResult result, List<Drained> masters, int routes, double heraldCpu) {
    double cpu = masters.stream().mapToDouble(Drained::cpuSeconds).sum();
    long calls = masters.stream().mapToLong(Drained::scriptCalls).sum();
    long micros = masters.stream().mapToLong(Drained::scriptMicros).sum();
    double busiest = masters.stream().mapToDouble(Drained::cpuSeconds).max().orElse(0);
    result.context("masters", masters.size());
    result.add(new Figure("herald_cpu_us_per_route", heraldCpu * 1e6 / routes, "µs"));
    // Wall time inside scripts (commandstats' usec): above the CPU, Redis was descheduled in them.
    result.add(new Figure("script_wall_us_per_route", micros / (double) routes, "µs"));
    result.add(
        new Figure("routes_per_script_call", routes / (double) Math.max(1, calls), "routes"));
    // The busiest master sets the pace: N masters carry N / (busiest / mean) masters' worth.
    result.add(
        new Figure(
            "redis_cpu_busiest_over_mean", cpu > 0 ? busiest / (cpu / masters.size()) : 0, "x"));
    for (int k = 0; k < masters.size(); k++) {
      Drained m = masters.get(k);
      String name = "master_" + (k + 1) + "_";
      result.context(name + "address", m.address() + " (shards " + m.shards() + ")");
      result.add(
          new Figure(name + "redis_cpu_share", cpu > 0 ? m.cpuSeconds() * 100 / cpu : 0, "%"));
      result.add(new Figure(name + "routes", m.routes(), "routes"));
      result.add(
          new Figure(
              name + "redis_cpu_us_per_route",
              m.cpuSeconds() * 1e6 / Math.max(1, m.routes()),
              "µs"));
      // Its ceiling: what one core running only this master would carry.
      result.add(
          new Figure(
              name + "routes_per_cpu_s",
              m.cpuSeconds() > 0 ? m.routes() / m.cpuSeconds() : 0,
              "routes/CPU-s"));
      result.add(
          new Figure(
              name + "routes_per_s",
              m.busyMs() == 0 ? 0 : m.routes() * 1000.0 / m.busyMs(),
              "routes/s"));
      result.add(
          new Figure(
              name + "routes_per_script_call",
              m.routes() / (double) Math.max(1, m.scriptCalls()),
              "routes"));
    }
  }
}
