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

  /**
   * What to run, as the confirmation form asked for it.
   *
   * @param verb {@code requeue} or {@code purge}, for the page and the log
   * @param options the requeue's timing and pace in words ("" for none)
   * @param limit the most routes to act on: the dry run's count, or a lower limit
   * @param rate routes/s at most (0: as fast as Redis allows)
   */
  record Plan(
      String verb, String user, String selection, String options, long limit, double rate) {}

  /** One bulk action and how far it got. */
  static final class Job {
    final int id;
    final String verb;
    final String user;
    final String selection;
    final String options;
    final long expected;
    final double rate;
    final Instant started;
    volatile BulkRun.Summary soFar = new BulkRun.Summary(0, 0, 0, 0, false, java.util.List.of());
    volatile long scanned;
    volatile long total;
    volatile boolean done;
    volatile String error;
    volatile Duration took = Duration.ZERO;

    Job(int id, Plan plan, Instant started) {
      this.id = id;
      this.verb = plan.verb();
      this.user = plan.user();
      this.selection = plan.selection();
      this.options = plan.options();
      this.expected = plan.limit();
      this.rate = plan.rate();
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

  /** Starts {@code action} over {@code source} as {@code plan} says. */
  Job start(Plan plan, DeadLetterSource source, BulkRun.Action action) {
    Job job = new Job(ids.incrementAndGet(), plan, clock.instant());
    String verb = plan.verb();
    String user = plan.user();
    String selection = plan.selection();
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
                            plan.limit(),
                            new Pacer(plan.rate(), clock, d -> Thread.sleep(d.toMillis())),
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
