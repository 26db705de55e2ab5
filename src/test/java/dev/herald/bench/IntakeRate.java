package dev.herald.bench;

import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.store.IntentStream;
import dev.herald.store.redis.RedisBackend;
import dev.herald.testing.RedisTestSupport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * Measures stream intake: pre-loads intents into the intents stream, then times one consumer (one
 * {@link IntakeCycle}, as {@code herald run} has) reading, validating and accepting them all.
 * Prints routes/s per run and the median. Not a test: run it by hand against a private Redis, which
 * it fills under its own namespaces (flush it afterwards).
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.herald.bench.IntakeRate \
 *     redis://127.0.0.1:PORT [routes=200000] [recipients=10] [batch=200] [runs=3]
 * </pre>
 */
public final class IntakeRate {

  private IntakeRate() {}

  public static void main(String[] args) {
    String url = args[0];
    int routes = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int recipients = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    String payload = "{\"game\":\"" + "x".repeat(270) + "\",\"turn\":42}"; // ~300 bytes
    List<Double> rates = new ArrayList<>();
    // Run 0, of the same size, warms the JIT up and is not counted.
    for (int run = 0; run <= runs; run++) {
      int intents = routes / recipients;
      String ns = "bench" + ProcessHandle.current().pid() + "r" + run;
      String stream = ns + ":intents";
      try (RedisClient raw = RedisTestSupport.raw(url);
          RedisBackend backend =
              RedisBackend.connect(
                  RedisTestSupport.endpoint(url),
                  ns,
                  4,
                  RedisTestSupport.RETENTION,
                  Clock.systemUTC())) {
        IntentStream intake =
            backend.intents(
                new IntentStream.Names(stream, "herald", stream + ":rejected", 10_000),
                Duration.ofSeconds(1));
        intake.createGroup();
        try (AbstractPipeline pipe = raw.pipelined()) {
          for (int i = 0; i < intents; i++) {
            StringBuilder json =
                new StringBuilder("{\"type\":\"game.turn_ready\",\"producer\":\"bench\",")
                    .append("\"recipients\":[");
            for (int r = 0; r < recipients; r++) {
              json.append(r == 0 ? "\"" : ",\"").append("u-").append(i).append('-').append(r);
              json.append('"');
            }
            json.append("],\"channels\":[\"push\"],\"payload\":").append(payload).append('}');
            pipe.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("intent", json.toString()));
          }
          pipe.sync();
        }
        IntakeCycle cycle =
            new IntakeCycle(
                intake,
                () ->
                    new IntakeCycle.Settings(
                        batch,
                        Duration.ofSeconds(30),
                        Duration.ofHours(24),
                        new NotificationValidator(Set.of("push"), 65_536)),
                new NotificationIds(),
                Clock.systemUTC(),
                IntakeListener.NONE,
                "bench-1");
        long start = System.nanoTime();
        int settled = 0;
        while (settled < intents) {
          settled += cycle.runOnce(Duration.ZERO);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = (double) intents * recipients / seconds;
        if (run > 0) {
          rates.add(rate);
        }
        System.out.printf(
            "%s: %d intents of %d recipients (%d routes) accepted in %.2f s: %.0f routes/s%n",
            run == 0 ? "warm-up" : "run " + run,
            intents,
            recipients,
            intents * recipients,
            seconds,
            rate);
        if (raw.xlen(stream) != 0) {
          throw new IllegalStateException("intents left in the stream: " + raw.xlen(stream));
        }
      }
    }
    List<Double> sorted = new ArrayList<>(rates);
    Collections.sort(sorted);
    System.out.printf(
        "intake: min %.0f, median %.0f, max %.0f routes/s (batch %d)%n",
        sorted.get(0), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), batch);
  }
}
