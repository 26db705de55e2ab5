package dev.herald.bench;

import dev.herald.config.HeraldConfig;
import dev.herald.config.PublisherSettings;
import dev.herald.daemon.Assembly;
import dev.herald.daemon.Stores;
import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.store.IntentStream;
import dev.herald.store.ProcessBoard;
import dev.herald.store.ProcessBoard.Heartbeat;
import dev.herald.store.redis.EmbeddedRedis;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * One run of a scenario of {@code herald bench}: on the config's Redis or Redis Cluster (a private
 * embedded Redis when the config names neither), in its namespace, which must hold nothing (its
 * keys are deleted at the end), with Herald's parts built as the daemon builds them.
 */
public final class BenchRun {

  /** What a scenario measures, given its environment and the command that repeats it. */
  @FunctionalInterface
  public interface Scenario {
    BenchResult run(BenchEnvironment env, String command) throws Exception;
  }

  /**
   * Options every scenario takes.
   *
   * @param force run even if the namespace holds data (deleting it)
   * @param workers publisher threads, null for {@code publisher.workers}
   * @param batchSize routes per claim, null for {@code publisher.batch-size}
   * @param streamMaxLength MAXLEN of the benchmark's stream
   */
  public record Options(boolean force, Integer workers, Integer batchSize, long streamMaxLength) {}

  /** The namespace holds data, and the run would delete it. */
  public static final class NamespaceInUseException extends RuntimeException {
    NamespaceInUseException(String message) {
      super(message);
    }
  }

  private BenchRun() {}

  /**
   * Beats once and leaves, as a process of its own on the namespace: with no other process there,
   * the store moves to the newest stored format (ProcessBoard), so that the bench measures what an
   * upgraded deployment stores; with one that reads less running, it measures what the gate lets.
   */
  private static void declareFormats(ProcessBoard board) {
    Instant now = Instant.now();
    long pid = ProcessHandle.current().pid();
    String process = "bench-" + pid;
    board.beat(
        new Heartbeat(process, "bench", pid, "bench", 0, now, null, 0, now, board.formatsRead()));
    board.leave(process);
  }

  /**
   * Runs {@code scenario}; its result notes a private embedded Redis.
   *
   * @throws NamespaceInUseException when the namespace holds data and not {@code options.force()}
   */
  public static BenchResult run(
      HeraldConfig config, Options options, Scenario scenario, String command) throws Exception {
    boolean named = config.redis().url() != null || config.redis().cluster().configured();
    EmbeddedRedis embedded = named ? null : EmbeddedRedis.startPrivate();
    HeraldConfig cfg = embedded == null ? config : config.withRedisUrl(embedded.url());
    cfg = cfg.withPublisher(publisher(cfg.publisher(), options));
    // Due times as Redis stamps stream entries: the benchmark's clock is Redis's.
    try (embedded;
        Stores stores = new Stores(cfg, Clock.systemUTC(), cfg.publisher().workers() + 4)) {
      String intents = cfg.namespace() + ":bench:intents";
      // With shards there is no intents stream (intake.stream is off): drain and floor need none.
      BenchStores bench =
          new BenchStores(
              stores.backend(),
              cfg.sharded()
                  ? null
                  : stores
                      .backend()
                      .intents(
                          new IntentStream.Names(
                              intents, "herald-bench", intents + ":rejected", 10_000),
                          Assembly.INTAKE_BLOCK),
              intents);
      if (bench.probe().namespaceHasData() && !options.force()) {
        throw new NamespaceInUseException(
            "namespace '"
                + cfg.namespace()
                + "' at "
                + stores.target().endpoint().redacted()
                + " holds data; the benchmark would delete it. Use another namespace, or --force");
      }
      declareFormats(stores.backend().processes());
      Channels channel =
          new Channels(
              List.of(
                  new Channel(
                      "push", cfg.namespace() + ":bench:stream", options.streamMaxLength())));
      HeraldConfig effective = cfg;
      Assembly parts = new Assembly(() -> effective, channel, stores.clock());
      try {
        BenchResult result = scenario.run(new BenchEnvironment(bench, parts), command);
        if (embedded != null) {
          result.note("ran on a private embedded Redis " + embedded.url() + " (no redis.url)");
        }
        return result;
      } finally {
        bench.probe().deleteNamespace();
      }
    }
  }

  private static PublisherSettings publisher(PublisherSettings p, Options options) {
    return new PublisherSettings(
        options.workers() != null ? options.workers() : p.workers(),
        options.batchSize() != null ? options.batchSize() : p.batchSize(),
        p.batchBytes(),
        p.pollInterval(),
        p.lease(),
        p.shutdownGrace(),
        p.inlinePublish());
  }
}
