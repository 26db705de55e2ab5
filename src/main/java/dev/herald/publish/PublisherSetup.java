package dev.herald.publish;

import dev.herald.store.BreakerBoard;
import dev.herald.store.RouteStore;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What a publisher is made of, so that the daemon, the demo and the benchmarks build it the same
 * way. Settings are suppliers: a reloaded configuration applies from the next cycle.
 *
 * @param breakers where the process reports its open stream breakers
 */
public record PublisherSetup(
    RouteStore store,
    EventEncoder encoder,
    Supplier<PublishSettings> settings,
    Supplier<Duration> pollInterval,
    Clock clock,
    PublisherListener listener,
    BreakerBoard breakers) {

  /** A publisher that reports its breakers nowhere. */
  public PublisherSetup(
      RouteStore store,
      EventEncoder encoder,
      Supplier<PublishSettings> settings,
      Supplier<Duration> pollInterval,
      Clock clock,
      PublisherListener listener) {
    this(store, encoder, settings, pollInterval, clock, listener, BreakerBoard.NONE);
  }

  /**
   * A loop of {@code workers} threads sleeping on {@code waiter}.
   *
   * @param processTag names this process in lease tokens and breaker reports; worker i is {@code
   *     <tag>-w<i>}
   */
  public PublisherLoop loop(int workers, Waiter waiter, String processTag) {
    return loop(workers, waiter, processTag, new Janitor(store, clock));
  }

  /** As {@link #loop(int, Waiter, String)}, with the housekeeping of worker 0 given. */
  public PublisherLoop loop(int workers, Waiter waiter, String processTag, Janitor janitor) {
    // One breaker per process: the workers share what they learn, and report it together.
    SinkBreaker breaker = new SinkBreaker(clock);
    BreakerReports reports = new BreakerReports(breaker, breakers, processTag, clock);
    return new PublisherLoop(
        i -> new PublishCycle(this, breaker, reports, processTag + "-w" + i),
        workers,
        janitor,
        waiter,
        clock,
        pollInterval,
        listener);
  }
}
