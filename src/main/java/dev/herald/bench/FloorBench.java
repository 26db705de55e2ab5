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

  /**
   * One call's entries, as many routes as the batch size. The bare loop takes the shared fields
   * once per call; those of the call's first notification stand for all of its notifications (they
   * differ only in ids), so the call's arguments are the size a batch's are.
   */
  private record Call(List<String> shared, List<List<String>> routes) {}

  private static List<Call> calls(int routes, int perCall) {
    NotificationIds ids = new NotificationIds();
    Instant now = Instant.now();
    List<Call> calls = new ArrayList<>();
    Call call = null;
    int made = 0;
    for (int n = 0; made < routes; n++) {
      NotificationRequest request = Workload.notification("floor", n, now);
      String id = ids.next(now);
      if (call == null || call.routes.size() >= perCall) {
        // The fields EventEncoder shares among a notification's routes.
        List<String> shared =
            List.of(
                "event_type", request.type(),
                "payload_bytes", request.payloadJson(),
                "notification_id", id,
                "request_id", request.requestId());
        call = new Call(shared, new ArrayList<>());
        calls.add(call);
      }
      for (String recipient : request.recipients()) {
        if (made == routes) {
          break;
        }
        String routeId = "push:" + recipient;
        call.routes.add(List.of(id + "/" + routeId, recipient, routeId));
        made++;
      }
    }
    return calls;
  }
}
