package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.config.HeraldConfig;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health and readiness on a Redis that freezes (SIGSTOP) and thaws: /healthz turns 503 when the
 * loop is stuck and 200 again when it moves; /readyz and /metrics never wait on Redis longer than
 * ops.ready-timeout.
 */
class HealthIT {

  private static final Duration READY_TIMEOUT = Duration.ofMillis(300);

  /** What an answer may take beyond the timeout on a busy two-core machine. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  /**
   * The pool's command timeout, far above {@link #READY_TIMEOUT} + {@link #SLACK}: a probe that
   * waited on the pool instead of its own budget would take this long.
   */
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void healthz_turns_503_while_redis_is_paused_and_200_again_once_it_answers() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      String yaml =
          String.join(
              "\n",
              "redis:",
              "  url: " + redis.url(),
              "  timeout: " + REDIS_TIMEOUT.toSeconds() + "s",
              "namespace: " + TestRedis.namespace(),
              "publisher:",
              "  workers: 2",
              "  poll-interval: 100ms",
              "api:",
              "  listen: \'off\'",
              "ops:",
              "  listen: 127.0.0.1:0",
              "  ready-timeout: " + READY_TIMEOUT.toMillis() + "ms",
              "");
      try (RunningDaemon d = RunningDaemon.start(dir, yaml, HeraldConfig.defaults().channels())) {
        String base = d.baseUrl();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> Http.get(base + "/healthz").status() == 200);
        assertThat(Http.get(base + "/readyz").status()).isEqualTo(200);

        redis.pause();
        try {
          await()
              .atMost(Duration.ofSeconds(15))
              .until(() -> Http.get(base + "/healthz").status() == 503);
          Http.Answer health = Http.get(base + "/healthz");
          assertThat(health.body())
              .startsWith("stuck: no publish cycle finished for")
              .contains("(limit 1s, 3 poll intervals)");
          assertThat(health.took()).isLessThan(SLACK);

          Http.Answer ready = Http.get(base + "/readyz");
          assertThat(ready.status()).isEqualTo(503);
          assertThat(ready.body()).isEqualTo("Redis did not answer within 300ms\n");
          assertThat(ready.took()).isLessThan(READY_TIMEOUT.plus(SLACK));

          Http.Answer metrics = Http.get(base + "/metrics");
          assertThat(metrics.status()).isEqualTo(200);
          assertThat(metrics.took()).isLessThan(READY_TIMEOUT.plus(SLACK));
          Scrape m = Scrape.parse(metrics.body());
          assertThat(m.value("herald_redis_up")).isZero();
          assertThat(m.find("herald_schedule_groups")).isEmpty();
          // Cycles fail once the pool's timeout runs out; the store figures are read after the
          // counters, so a later scrape counts this scrape's timeout.
          await()
              .atMost(REDIS_TIMEOUT.multipliedBy(3))
              .until(
                  () -> {
                    Scrape later = Scrape.parse(Http.get(base + "/metrics").body());
                    return later.value("herald_redis_errors_total", "kind", "unavailable") > 0
                        && later.value("herald_redis_errors_total", "kind", "timeout") > 0
                        && later.value("herald_publish_cycles_total", "result", "failed") > 0;
                  });
          assertThat(Http.get(base + "/healthz").body()).contains("last error: ");
          System.err.println(
              "[herald tests] Redis paused: /healthz 503 \""
                  + health.body().strip()
                  + "\" in "
                  + health.took().toMillis()
                  + " ms; /readyz 503 in "
                  + ready.took().toMillis()
                  + " ms; /metrics in "
                  + metrics.took().toMillis()
                  + " ms");
        } finally {
          redis.resume();
        }
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> Http.get(base + "/healthz").status() == 200);
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> Http.get(base + "/readyz").status() == 200);
        assertThat(Scrape.parse(Http.get(base + "/metrics").body()).value("herald_redis_up"))
            .isEqualTo(1);

        d.daemon.requestStop(); // the server may be gone by the next request: ask in memory
        assertThat(d.ops().health().message()).isEqualTo("stopping");
        assertThat(d.ops().readiness().message()).isEqualTo("stopping");
        assertThat(d.stop()).isZero();
      }
    }
  }
}
