package dev.herald.daemon;

import dev.herald.publish.PublisherLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A publisher loop and the wake-up subscription its workers sleep on. {@link #stop} ends the loop
 * (the batches in hand finished within the grace); {@link #close} then ends the subscription.
 */
public final class Publisher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  private final PublisherLoop loop;
  private final AutoCloseable wakeups;

  Publisher(PublisherLoop loop, AutoCloseable wakeups) {
    this.loop = loop;
    this.wakeups = wakeups;
  }

  public void start() {
    loop.start();
  }

  /** See {@link PublisherLoop#stop}: false if a worker was still busy after {@code grace}. */
  public boolean stop(Duration grace) {
    return loop.stop(grace);
  }

  public void resize(int workers) {
    loop.resize(workers);
  }

  public int workers() {
    return loop.workers();
  }

  /** Stops the loop at once if it still runs, then the wake-up subscription. */
  @Override
  public void close() {
    if (loop.isRunning()) {
      loop.stop(Duration.ZERO);
    }
    try {
      wakeups.close();
    } catch (Exception e) {
      LOG.warn("closing the wake-up listener failed: {}", e.toString());
    }
  }
}
