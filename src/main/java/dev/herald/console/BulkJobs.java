package dev.herald.console;

import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.DeadLetterSource;
import dev.herald.deadletter.Pacer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's requeues and purges, run one at a time on a thread of their own with the CLI's
 * {@link BulkRun} (slices of 250, each route changed atomically and only while it is a dead
 * letter), so that a page can follow their progress. Kept in memory until the process stops.
 */
final class BulkJobs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BulkJobs.class);

  /** One bulk action and how far it got. */
  static final class Job {
    final int id;
    final String verb;
    final String user;
    final String selection;
    final long expected;
    final Instant started;
    volatile BulkRun.Summary soFar = new BulkRun.Summary(0, 0, 0, 0, false, java.util.List.of());
    volatile long scanned;
    volatile long total;
    volatile boolean done;
    volatile String error;
    volatile Duration took = Duration.ZERO;

    Job(int id, String verb, String user, String selection, long expected, Instant started) {
      this.id = id;
      this.verb = verb;
      this.user = user;
      this.selection = selection;
      this.expected = expected;
      this.started = started;
    }
  }

  private final Clock clock;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Job> jobs = new ConcurrentHashMap<>();
  private final ExecutorService runner =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "herald-console-bulk");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopping;

  BulkJobs(Clock clock) {
    this.clock = clock;
  }

  /**
   * Starts {@code action} over {@code source}, acting on no more than {@code limit} routes.
   *
   * @param verb {@code requeue} or {@code purge}, for the page and the log
   */
  Job start(
      String verb,
      String user,
      String selection,
      DeadLetterSource source,
      BulkRun.Action action,
      long limit) {
    Job job = new Job(ids.incrementAndGet(), verb, user, selection, limit, clock.instant());
    jobs.put(job.id, job);
    runner.submit(
        () -> {
          try {
            BulkRun.Summary s =
                new BulkRun(clock)
                    .run(
                        source,
                        action,
                        new BulkRun.Options(
                            limit,
                            Pacer.unlimited(clock),
                            () -> stopping,
                            (soFar, scanned, total, elapsed) -> {
                              job.soFar = soFar;
                              job.scanned = scanned;
                              job.total = total;
                              job.took = elapsed;
                            },
                            d -> {}));
            job.soFar = s;
            job.took = Duration.between(job.started, clock.instant());
            LOG.info(
                "console: {} {}: matched {}, {} {}, skipped {} (not dead letters any more), errors"
                    + " {}{} ({})",
                user,
                verb,
                s.matched(),
                verb.equals("requeue") ? "requeued" : "purged",
                s.changed(),
                s.notDead(),
                s.failed(),
                s.interrupted() ? ", interrupted" : "",
                selection);
          } catch (RuntimeException e) {
            job.error = e.getMessage();
            LOG.warn("console: {} {} failed: {} ({})", user, verb, e.getMessage(), selection);
          } finally {
            job.done = true;
          }
        });
    return job;
  }

  Optional<Job> find(int id) {
    return Optional.ofNullable(jobs.get(id));
  }

  @Override
  public void close() {
    stopping = true; // a run in hand stops between slices
    runner.shutdown();
  }
}
