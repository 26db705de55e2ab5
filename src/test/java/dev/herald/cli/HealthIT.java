package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.publish.PublisherListener;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and readiness apart: while Redis freezes (SIGSTOP) /healthz stays 200, since the workers
 * keep looping and backing off and a restart would not help, and /readyz turns 503; a worker that
 * stops looping turns /healthz 503. Neither, nor /metrics, waits on Redis longer than
 * ops.ready-timeout.
 */
class HealthIT {

  private static final Duration READY_TIMEOUT = Duration.ofMillis(300);

  /** What an answer may take beyond the timeout on a busy two-core machine. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  /**
   * The pool's command timeout, above {@link #READY_TIMEOUT} + {@link #SLACK}: a probe that waited
   * on the pool instead of its own budget would take this long. Liveness allows 3 of it.
   */
  private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;

  private static String config(String redisUrl) {
    return String.join(
        "\n",
        "redis:",
        "  url: " + redisUrl,
        "  timeout: " + REDIS_TIMEOUT.toSeconds() + "s",
        "namespace: " + TestRedis.namespace(),
        "publisher:",
        "  workers: 2",
        "  poll-interval: 100ms",
        "api:",
        "  listen: \'off\'",
        "console:",
        "  listen: 'off'",
        "ops:",
        "  listen: 127.0.0.1:0",
        "  ready-timeout: " + READY_TIMEOUT.toMillis() + "ms",
        "");
  }

  @Test
  void while_redis_is_paused_healthz_stays_200_and_readyz_turns_503() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        RunningDaemon d = RunningDaemon.start(dir, config(redis.url()))) {
      String base = d.baseUrl();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(base + "/readyz").status() == 200);
      assertThat(Http.get(base + "/healthz").status()).isEqualTo(200);

      redis.pause();
      try {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> Http.get(base + "/readyz").status() == 503);
        Http.Answer ready = Http.get(base + "/readyz");
        assertThat(ready.body()).isEqualTo("Redis did not answer within 300ms\n");
        assertThat(ready.took()).isLessThan(READY_TIMEOUT.plus(SLACK));

        Http.Answer metrics = Http.get(base + "/metrics");
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.took()).isLessThan(READY_TIMEOUT.plus(SLACK));
        Scrape m = Scrape.parse(metrics.body());
        assertThat(m.value("herald_redis_up")).isZero();
        assertThat(m.find("herald_schedule_groups")).isEmpty();

        // Longer than the liveness window (3 x redis.timeout): the workers fail a round each
        // timeout, back off and loop again, so the process is alive all along.
        long end = System.nanoTime() + REDIS_TIMEOUT.multipliedBy(4).toNanos();
        while (System.nanoTime() < end) {
          Http.Answer health = Http.get(base + "/healthz");
          assertThat(health.status()).as(health.body()).isEqualTo(200);
          assertThat(health.took()).isLessThan(SLACK);
          await().pollDelay(Duration.ofMillis(250)).until(() -> true);
        }
        assertThat(Http.get(base + "/healthz").body())
            .startsWith("ok: looping, backing off from Redis; last error: ");
        await()
            .atMost(REDIS_TIMEOUT.multipliedBy(3))
            .until(
                () -> {
                  Scrape later = Scrape.parse(Http.get(base + "/metrics").body());
                  return later.value("herald_redis_errors_total", "kind", "unavailable") > 0
                      && later.value("herald_redis_errors_total", "kind", "timeout") > 0
                      && later.value("herald_publish_cycles_total", "result", "failed") > 0;
                });
      } finally {
        redis.resume();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(base + "/readyz").status() == 200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(base + "/healthz").body().startsWith("ok: last publish cycle"));
      assertThat(Scrape.parse(Http.get(base + "/metrics").body()).value("herald_redis_up"))
          .isEqualTo(1);

      d.daemon.requestStop(); // the server may be gone by the next request: ask in memory
      assertThat(d.ops().health().message()).isEqualTo("stopping");
      assertThat(d.ops().readiness().message()).isEqualTo("stopping");
      assertThat(d.stop()).isZero();
    }
  }

  @Test
  void a_worker_that_stops_looping_turns_healthz_503_while_redis_answers() throws Exception {
    AtomicBoolean wedge = new AtomicBoolean();
    CountDownLatch release = new CountDownLatch(1);
    PublisherListener stuck =
        new PublisherListener() {
          @Override
          public void onClaimed(int routes, Duration took) {
            if (wedge.get()) {
              try {
                release.await(); // as a worker stuck in a call that never returns
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          }
        };
    try (RunningDaemon d = RunningDaemon.start(dir, config(TestRedis.url()), stuck)) {
      String base = d.baseUrl();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(base + "/healthz").status() == 200);
      wedge.set(true);
      try {
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> Http.get(base + "/healthz").status() == 503);
        assertThat(Http.get(base + "/healthz").body())
            .startsWith("wedged: herald-publisher-")
            .contains("(limit 6s: 3 x the longer of publisher.poll-interval and redis.timeout)");
        assertThat(Http.get(base + "/readyz").status()).isEqualTo(200);
      } finally {
        wedge.set(false);
        release.countDown();
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Http.get(base + "/healthz").status() == 200);
      assertThat(d.stop()).isZero();
    }
  }
}
