package dev.herald.daemon;

import dev.herald.config.ConfigException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.ReloadPlan;
import dev.herald.logging.Logging;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the config file, read again on SIGHUP, to a running daemon. Reloadable keys go into the
 * shared config (read by every cycle), the worker count and log level apply at once; keys that need
 * a restart are logged as ignored and keep their running values. A file that does not load is
 * refused whole, with the messages a start would give, and the running config stays.
 */
final class ConfigReloader {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);

  private final AtomicReference<HeraldConfig> config;
  private final IntConsumer workers;

  /**
   * @param config the running config, replaced on a successful reload
   * @param workers told the worker count after each applied reload
   */
  ConfigReloader(AtomicReference<HeraldConfig> config, IntConsumer workers) {
    this.config = config;
    this.workers = workers;
  }

  synchronized void reload(Supplier<HeraldConfig> loader) {
    HeraldConfig loaded;
    try {
      loaded = loader.get();
    } catch (ConfigException e) {
      LOG.error("reload refused, the running configuration stays: {}", e.getMessage());
      return;
    } catch (RuntimeException e) {
      LOG.error("reload failed, the running configuration stays: {}", e.toString());
      return;
    }
    ReloadPlan plan = ReloadPlan.of(config.get(), loaded);
    if (plan.changesNothing()) {
      LOG.info("reload: the configuration is unchanged");
      return;
    }
    HeraldConfig effective = plan.effective();
    config.set(effective);
    workers.accept(effective.publisher().workers());
    Logging.setLevel(effective.logging().level());
    if (!plan.applied().isEmpty()) {
      LOG.info("reload applied: {}", join(plan.applied()));
    }
    if (!plan.ignored().isEmpty()) {
      LOG.warn("reload ignored until a restart: {}", join(plan.ignored()));
    }
  }

  private static String join(List<ReloadPlan.Change> changes) {
    return changes.stream().map(ReloadPlan.Change::toString).collect(Collectors.joining(", "));
  }
}
