package dev.herald.model;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.herald.testing.RedisServerProcess;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.PerProperty;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.statistics.Statistics;
import org.slf4j.LoggerFactory;

/**
 * A model-based test of the route state machine: random sequences of steps run against Herald on a
 * real Redis and, after every step, the store must say what a plain in-memory model of the route
 * state table says. A failing sequence is shrunk to a minimal one and printed step by step, with a
 * trace of what each step did.
 *
 * <h2>What runs</h2>
 *
 * Herald's own stores and publish cycle ({@code RedisBackend}: RouteStore, NotificationStore
 * through {@code Intake}, the intents stream through {@code IntakeCycle}, DeadLetterStore; {@code
 * PublishCycle}; {@code Janitor}) on a namespace of their own of a private {@code redis-server}
 * ({@code appendfsync always}, {@code noeviction}), with a {@code MutableClock}. The steps ({@link
 * Steps}):
 *
 * <ul>
 *   <li>accept 1-3 notifications (1 to 10,000 recipients, 1-2 channels, with or without an
 *       idempotency key, a send time, an expiry, a max of attempts; now and then an invalid one);
 *       the same, and cancels, as intents written to the intents stream and settled by one round of
 *       the stream intake;
 *   <li>claim by one of three scripted workers (batch 1 to 10,000), and complete what it holds
 *       later, with outcomes published, retry, dead letter, deferred (breaker open), probe,
 *       follower (published only behind an append to its stream in the same call), or a mix; a
 *       worker sends again, under the same lease, what the store did not record; a scripted worker
 *       may die holding its batch; one real publish cycle (claim with a byte budget, its own plan
 *       and breaker, completion in one step, a batch the server refused held for the next cycle);
 *   <li>faults on a store call: the server refusing writes ({@code CONFIG SET maxmemory 1}), or the
 *       reply lost after Redis ran the script (a proxy that drops it, {@link ReplyDroppingProxy}),
 *       once (the intake's repeat gets its reply) or for every call of the step (the outcome stays
 *       unknown); a stream key holding a string (every append refused), mended later; {@code SCRIPT
 *       FLUSH}; Redis killed and started again on its AOF;
 *   <li>the clock moved (past a lease, to an {@code expires_at} and a millisecond either side, past
 *       the idempotency window); cancel by id or idempotency key; requeue and purge of dead
 *       letters; the dead-letter retention (a count and an age cap, a slice at a time); retention
 *       (the clock past {@code retention.published}, the janitor).
 * </ul>
 *
 * <h2>The model</h2>
 *
 * {@link RouteModel} holds each accepted notification and the state of each route (pending, failed,
 * published, dead letter, expired, cancelled, purged, with attempts, due time, when it ended, its
 * stream entry and failure history), the leases on route groups ({@link GroupLease}: 64 routes of a
 * notification are leased together; the store shows a waiting route leased while its group's lease,
 * taken after it fell due, exists), the idempotency keys, the store counters and the totals by
 * type. Its rules are Herald's documented behaviour, written again without Herald's Lua or codecs:
 * {@link ClaimRules} and {@link CompletionRules}, {@link RouteModel} for the rest. Where the store
 * may legitimately choose (which due groups a claim reaches, which of them it expires; where a
 * server refusing writes stops a completion; the ids the stream intake gives), the model learns the
 * choice from the store and checks that it is allowed. A completion judges expiry by Redis's clock
 * as the script runs, which a hand-moved clock cannot tell: {@link TimedRouteStore} bounds it by
 * the real time of the calls to a window of a few ms ({@link ExpiryWindow}); outside it the model
 * decides, inside it follows the store's verdict, which must be one instant for the whole call.
 *
 * <h2>Invariants, after every step ({@link StoreCheck})</h2>
 *
 * <ul>
 *   <li>each route is appended to its stream at most once, and exactly when the model published it
 *       (the entry id the completion reported, the fields of the event);
 *   <li>every route is stored as the model has it (state, attempts, due time, lease holder and end,
 *       published or end time, entry, failures kept), and each notification's record, its {@code
 *       open} count and its place in the retention index;
 *   <li>every waiting route has a way forward: its group is scheduled no later than it is due (now,
 *       when overdue) or than its group's lease runs out; the schedule names nothing else; the
 *       dead-letter index holds exactly the dead letters;
 *   <li>a claim hands out only routes a claim may take, and, when it had room to spare (routes and
 *       bytes) and no more groups were due than it could take, every one of them;
 *   <li>{@code herald:stats} and the figures by type ({@code herald:stats:types}) equal the
 *       model's;
 *   <li>the namespace holds no key the model cannot account for (a retired notification leaves
 *       nothing behind; {@code UNAVAILABLE} wrote nothing);
 *   <li>an outcome is {@code UNAVAILABLE} or {@code UNKNOWN}, and a store call fails, only under a
 *       fault that explains it.
 * </ul>
 *
 * At the end ({@link FinalDrain}) the sequence's publish cycle drains with the clock moved to each
 * next due time: every route must end, every route published exactly once unless it ended dead,
 * cancelled, expired or purged, and after the retention only the stats hashes, idempotency keys and
 * dead letters (with their notifications) may be left.
 *
 * <h2>Running it</h2>
 *
 * 100 sequences of up to 30 steps by default; 2,000 of up to 50 with {@code -Pchaos} (system
 * property {@code herald.chaos=full}). System properties:
 *
 * <ul>
 *   <li>{@code herald.model.tries=N}, {@code herald.model.seed=S}: how many sequences, and the seed
 *       jqwik printed for a failing run (jqwik also tries the last failing sample first, from
 *       {@code target/.jqwik-database}: delete it once the failure is fixed);
 *   <li>{@code herald.model.without=…}, for debugging only (neither run leaves anything out): steps
 *       to leave out, to look past a hole already found: a kind ({@code accept}, {@code intents},
 *       {@code claim}, {@code complete}, {@code cycle}, {@code clock}, {@code expiry}, {@code
 *       cancel}, {@code requeue}, {@code purge}, {@code dead-letter-retention}, {@code retention},
 *       {@code script-flush}, {@code restart}, {@code break-stream}, {@code mend}, {@code dies}), a
 *       kind and its fault ({@code accept:reply_lost}, {@code accept:reply_lost_repeatedly}, {@code
 *       cycle:oom}), a completion's outcome ({@code complete:defer}, {@code complete:follow}, also
 *       left out of mixed completions), or {@code big-batches} (claims of at most 3,900 routes);
 *   <li>{@code herald.model.print=true}: print every sequence's trace.
 * </ul>
 */
class RouteStateModelIT {

  static final boolean FULL = "full".equals(System.getProperty("herald.chaos"));

  private static RedisServerProcess redis;
  private static ReplyDroppingProxy proxy;
  private static World current;

  /** The publish cycle logs every failed append: thousands of lines in a run, none of them news. */
  private static final Logger HERALD_LOG = (Logger) LoggerFactory.getLogger("dev.herald");

  private static Level logLevel;

  @BeforeContainer
  static void startRedis() {
    logLevel = HERALD_LOG.getLevel();
    HERALD_LOG.setLevel(Level.OFF);
    redis =
        RedisServerProcess.start(
            "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction");
    proxy = new ReplyDroppingProxy(redis.port());
  }

  @AfterContainer
  static void stopRedis() {
    HERALD_LOG.setLevel(logLevel);
    closeCurrent();
    proxy.close();
    redis.close();
  }

  @Property(tries = 100)
  @PerProperty(RouteStateModelIT.Size.class)
  void the_store_follows_the_model_of_the_route_state_table(
      @ForAll("sequences") ActionChain<World> sequence) {
    try {
      World end =
          sequence.withInvariant("the store matches the model", World::checkInvariants).run();
      new FinalDrain(end, StepParameters.mostBatch(without())).run();
      collectStatistics(end);
    } finally {
      closeCurrent();
    }
  }

  /** What the sequences did, in jqwik's report: the share of sequences in which each happened. */
  private static void collectStatistics(World w) {
    if (Boolean.getBoolean("herald.model.print")) {
      System.err.println("[herald model] sequence " + w.sut.namespace + ":\n" + w.trace());
    }
    w.seen.addAll(w.sut.breakerEvents);
    Statistics.label("routes accepted").collect(bucket(w.model.stats.get("routes_accepted")));
    for (String counter :
        List.of(
            "published",
            "retried",
            "dead_lettered",
            "deferred",
            "lease_conflicts",
            "expired",
            "cancelled",
            "requeued",
            "purged",
            "purged_by_retention",
            "notifications_retired",
            "intents_acknowledged",
            "intents_rejected")) {
      Statistics.label("counter " + counter).collect(w.model.stats.get(counter) > 0);
    }
    for (String event :
        List.of(
            "expired by a claim",
            "expiry inside the window: the store's verdict followed",
            "complete stopped by OOM",
            "complete reply lost",
            "claim reply lost",
            "claim stopped by its byte budget",
            "claim published inline",
            "claim published inline, its reply lost",
            "accept reply lost, repeated",
            "accept replies lost, repeats too",
            "cancel reply lost, repeated",
            "cancel replies lost, repeats too",
            "intents settle reply lost",
            "intents settle refused",
            "append refused by its stream, uncharged",
            "the cycle's breaker opened",
            "the cycle's breaker closed",
            "follower in a completion that published",
            "complete of 3,930+ routes of one notification",
            "Redis restarted",
            "script flush")) {
      Statistics.label(event).collect(w.seen.contains(event));
    }
  }

  private static String bucket(long n) {
    return n == 0
        ? "0"
        : n <= 100
            ? "1-100"
            : n <= 1_000 ? "101-1,000" : n <= 10_000 ? "1,001-10,000" : "over 10,000";
  }

  @Provide
  Arbitrary<ActionChain<World>> sequences() {
    return Steps.sequences(RouteStateModelIT::newWorld, FULL ? 50 : 30, without());
  }

  private static Set<String> without() {
    String without = System.getProperty("herald.model.without", "");
    return Set.of(without.isBlank() ? new String[0] : without.trim().split("\\s*,\\s*"));
  }

  private static World newWorld() {
    closeCurrent();
    current = World.start(redis, proxy, StepParameters.mixed(without()));
    return current;
  }

  private static void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** The number of sequences: 100, 2,000 with {@code -Pchaos}, or {@code herald.model.tries}. */
  static final class Size implements PerProperty.Lifecycle {
    @Override
    public void before(PropertyLifecycleContext context) {
      String tries = System.getProperty("herald.model.tries");
      context.attributes().setTries(tries != null ? Integer.parseInt(tries) : FULL ? 2_000 : 100);
      String seed = System.getProperty("herald.model.seed");
      if (seed != null) {
        context.attributes().setSeed(seed);
      }
    }
  }
}
