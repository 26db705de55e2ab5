package dev.herald.cli;

import dev.herald.config.HeraldConfig;
import dev.herald.daemon.Daemon;
import dev.herald.logging.Logging;
import dev.herald.publish.PublisherListener;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "run",
    description = {
      "Run the publisher until SIGTERM or SIGINT.",
      "Without a config file (or with redis.embedded: true) it starts an embedded Redis "
          + "on 127.0.0.1:6399 (data in ./data); a config file must name its Redis "
          + "(redis.url).",
    },
    footer = {
      "",
      "Examples:",
      "  herald run                                   # embedded Redis, for a first look",
      "  herald run --config /etc/herald/herald.yaml",
      "  HERALD_REDIS_URL=redis://10.0.0.5:6379 herald run",
      "",
      "On SIGTERM it stops claiming, finishes the batches in hand and exits 0 within",
      "publisher.shutdown-grace. While Redis does not answer it waits and retries.",
      "It keeps time by Redis's clock (TIME), shared by every host, and warns when this",
      "host's clock is more than 1s off.",
      "On SIGHUP it reads the config file again: publisher, backoff, delivery.max-attempts",
      "and logging.level apply at once; other keys need a restart (it logs which).",
      "With sources.postgres.enabled it also relays the PostgreSQL outbox table.",
      "Metrics, health and readiness: http://<ops.listen>/metrics, /healthz, /readyz.",
      "Exit codes: 0 stopped cleanly, 78 bad config, Redis refused the credentials or the",
      "ACL, or Redis may evict any key (maxmemory-policy allkeys-*).",
    })
final class RunCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    HeraldConfig cfg = config.load();
    Logging.configure(cfg.logging());
    Daemon daemon = new Daemon(cfg, PublisherListener.NONE);
    Signals.onStop(daemon::requestStop);
    Signals.onReload(() -> daemon.reload(config::load));
    return daemon.run() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
