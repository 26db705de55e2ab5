package dev.herald.bench;

import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.store.ServerProbe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code floor}: what the stream appends alone cost Redis. The XADDs Herald's completion makes for
 * the benchmark's routes (the same fields, the same ~300-byte payload, {@code MAXLEN ~}, as many
 * per call as the batch size) in a bare Lua loop with nothing else: Redis CPU per entry here is the
 * floor that Herald's Redis CPU per published route is measured against.
 */
public final class FloorBench {

  private final BenchEnvironment env;
  private final int routes;
  private final int runs;

  public FloorBench(BenchEnvironment env, int routes, int runs) {
    this.env = env;
    this.routes = routes;
    this.runs = runs;
  }

  public BenchResult run(String command) {
    BenchResult result =
        env.result("floor", command)
            .context("routes", routes)
            .context("entries_per_call", env.batchSize());
    measure(env, Math.min(routes, 50_000)); // warm-up: the stream's first radix-tree nodes
    for (int run = 1; run <= runs; run++) {
      result.add(new Figure("floor_redis_cpu_us_per_entry", measure(env, routes), "µs"));
    }
    return result;
  }

  /**
   * Appends {@code routes} entries to a stream of the namespace and deletes them again.
   *
   * @return Redis CPU microseconds per entry
   */
  static double measure(BenchEnvironment env, int routes) {
    ServerProbe probe = env.stores().probe();
    String stream = env.stream() + ":floor";
    List<Call> calls = calls(routes, env.batchSize());
    double cpu0 = probe.cpuSeconds();
    for (Call call : calls) {
      probe.appendFloor(stream, routes * 2L, call.shared, call.routes);
    }
    double cpu = probe.cpuSeconds() - cpu0;
    env.clean();
    return cpu * 1e6 / routes;
  }

  /** One call's entries: whole notifications of the benchmark's workload, as a batch holds them. */
  private record Call(List<String> shared, List<List<String>> routes) {}

  private static List<Call> calls(int routes, int perCall) {
    NotificationIds ids = new NotificationIds();
    Instant now = Instant.now();
    List<Call> calls = new ArrayList<>();
    int made = 0;
    for (int n = 0; made < routes; n++) {
      NotificationRequest request = Workload.notification("floor", n, now);
      String id = ids.next(now);
      // The fields EventEncoder shares among a notification's routes.
      List<String> shared =
          List.of(
              "event_type", request.type(),
              "payload_bytes", request.payloadJson(),
              "notification_id", id,
              "request_id", request.requestId());
      List<List<String>> entries = new ArrayList<>();
      for (String recipient : request.recipients()) {
        if (made == routes) {
          break;
        }
        String routeId = "push:" + recipient;
        entries.add(List.of(id + "/" + routeId, recipient, routeId));
        made++;
      }
      calls.add(new Call(shared, entries));
    }
    return batched(calls, perCall);
  }

  /**
   * One call per notification would measure call overhead, not appends; the bare loop takes the
   * shared fields once per call, so a call holds notifications of identical shape, as many routes
   * as the batch size. The shared fields of the first stand for all: they differ only in ids.
   */
  private static List<Call> batched(List<Call> perNotification, int perCall) {
    List<Call> calls = new ArrayList<>();
    List<List<String>> routes = new ArrayList<>();
    List<String> shared = perNotification.get(0).shared;
    for (Call n : perNotification) {
      if (routes.isEmpty()) {
        shared = n.shared;
      }
      routes.addAll(n.routes);
      if (routes.size() >= perCall) {
        calls.add(new Call(shared, routes));
        routes = new ArrayList<>();
      }
    }
    if (!routes.isEmpty()) {
      calls.add(new Call(shared, routes));
    }
    return calls;
  }
}
