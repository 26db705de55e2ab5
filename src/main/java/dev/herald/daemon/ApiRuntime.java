package dev.herald.daemon;

import dev.herald.api.ApiServer;
import dev.herald.api.Tokens;
import dev.herald.config.ApiSettings;
import dev.herald.config.HeraldConfig;
import dev.herald.config.SpoolSettings;
import dev.herald.intake.Intake;
import dev.herald.ops.Ops;
import dev.herald.spool.Spool;
import dev.herald.spool.SpoolOptions;
import dev.herald.spool.SpoolReplayer;
import dev.herald.store.DeferredNotificationStore;
import dev.herald.store.NotificationStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API and its spool in {@code herald run}. Started before Herald connects to Redis, so
 * that it answers (202, from the spool) while Redis is down at start too; {@link #connected} gives
 * it the store. Stopped first: no new requests, then the replayer, then the spool (its appends
 * written and forced), before Redis is closed.
 */
final class ApiRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ApiRuntime.class);

  private final DeferredNotificationStore store = new DeferredNotificationStore();
  private Spool spool;
  private SpoolReplayer replayer;
  private ApiServer server;

  private ApiRuntime() {}

  /**
   * Opens the spool and serves the API, unless {@code api.listen} is off.
   *
   * @param parts on the clock the spool's times are taken from
   */
  static ApiRuntime start(Assembly parts, Ops ops) throws IOException {
    ApiRuntime api = new ApiRuntime();
    if (!parts.config().api().enabled()) {
      return api;
    }
    try {
      api.serve(parts, ops);
    } catch (IOException | RuntimeException e) {
      api.close();
      throw e;
    }
    return api;
  }

  private void serve(Assembly parts, Ops ops) throws IOException {
    HeraldConfig cfg = parts.config();
    Intake intake = parts.intake(store, ops.intakeListener());
    Intake front = intake.withGroupCommit();
    SpoolSettings s = cfg.spool();
    if (s.enabled()) {
      spool = Spool.open(options(s), parts.clock(), ops.spoolListener());
      ops.watchSpool(spool::figures);
      front = intake.withSpool(spool, s.storeBudget());
      // Its successes tell the API that Redis answers again.
      replayer = new SpoolReplayer(spool, front, ops.spoolListener());
      replayer.start();
      LOG.info(
          "spool in {}: {} notification(s) to replay",
          Path.of(s.dir()).toAbsolutePath(),
          spool.figures().records());
    }
    ApiSettings a = cfg.api();
    server =
        ApiServer.start(
            new ApiServer.Settings(
                a.address(),
                a.tls().keystore(),
                tlsPassword(a),
                a.maxBodyBytes(),
                a.maxBatch(),
                a.threads()),
            new Tokens(
                a.allTokens().stream()
                    .map(t -> new Tokens.Entry(t.producer(), t.sha256().toLowerCase(Locale.ROOT)))
                    .toList()),
            front,
            store,
            () -> parts.config().delivery().maxAttempts(),
            ops.apiListener());
    LOG.info(
        "serving the API on {}://{}:{}/v1/notifications{}",
        a.tls().enabled() ? "https" : "http",
        server.address().getHostString(),
        server.address().getPort(),
        s.enabled() ? "" : " (spool off: while Redis is down, requests are answered 503)");
  }

  static SpoolOptions options(SpoolSettings s) {
    return new SpoolOptions(
        Path.of(s.dir()),
        s.maxBytes(),
        SpoolOptions.Fsync.valueOf(s.fsync().toUpperCase(Locale.ROOT)),
        s.fsyncInterval(),
        s.segmentBytes(),
        s.segmentAge(),
        s.replayRate(),
        s.replayBatch());
  }

  private static char[] tlsPassword(ApiSettings a) {
    String p = a.tls().keystorePassword();
    if (p == null) {
      p = System.getenv("HERALD_API_TLS_PASSWORD");
    }
    return p == null ? new char[0] : p.toCharArray();
  }

  /** Redis answers: the API and the replayer use it from now on. */
  void connected(NotificationStore notifications) {
    store.connect(notifications);
  }

  /** Where the API serves, once started. */
  Optional<InetSocketAddress> address() {
    return Optional.ofNullable(server).map(ApiServer::address);
  }

  /** Stops taking requests; those in hand are answered, for up to {@code grace}. */
  void stopAccepting(Duration grace) {
    if (server != null) {
      server.stop(grace);
      server = null;
    }
  }

  @Override
  public void close() {
    stopAccepting(Duration.ofSeconds(1));
    if (replayer != null) {
      replayer.stop(Duration.ofSeconds(5));
    }
    if (spool != null) {
      spool.close();
    }
  }
}
