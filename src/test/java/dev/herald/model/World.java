package dev.herald.model;

import dev.herald.store.RouteRecord;
import dev.herald.store.StoreException;
import dev.herald.store.StoreUnavailableException;
import dev.herald.testing.RedisServerProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The state one sequence runs on: Herald on a fresh namespace, the model, and the steps that act on
 * both. Each step checks what the store answered against what the model expects and notes what
 * happened in a trace, which a failure prints after its message.
 */
final class World implements AutoCloseable {

  private static final AtomicInteger SEQUENCES = new AtomicInteger();

  final HeraldUnderTest sut;
  final RouteModel model;
  final ClaimRules claims;
  final CompletionRules completions;
  final IntakeSteps intake;
  final IntentSteps intents;
  final PublishSteps publish;
  final DeadLetterSteps deadLetters;
  private final StoreCheck check;

  /** What happened in this sequence besides the counters, for the run's statistics. */
  final java.util.Set<String> seen = new java.util.TreeSet<>();

  private final List<String> trace = new ArrayList<>();
  private int steps;

  private World(HeraldUnderTest sut, List<ScriptedWorker.Mix> mixed) {
    this.sut = sut;
    this.model =
        new RouteModel(
            HeraldUnderTest.RETENTION.toMillis(),
            HeraldUnderTest.WINDOW.toMillis(),
            HeraldUnderTest.HISTORY);
    this.claims = new ClaimRules(model);
    this.completions = new CompletionRules(model);
    this.check = new StoreCheck(model, sut);
    this.intake = new IntakeSteps(this);
    this.intents = new IntentSteps(this);
    this.publish = new PublishSteps(this, mixed);
    this.deadLetters = new DeadLetterSteps(this);
  }

  /**
   * A fresh world on an emptied Redis.
   *
   * @param mixed the outcomes a mixed completion picks from
   */
  static World start(
      RedisServerProcess redis, ReplyDroppingProxy proxy, List<ScriptedWorker.Mix> mixed) {
    redis.call("FLUSHALL");
    return new World(new HeraldUnderTest(redis, proxy, "m" + SEQUENCES.incrementAndGet()), mixed);
  }

  static int sequencesStarted() {
    return SEQUENCES.get();
  }

  // ---- running steps ----

  /** Runs one step; a mismatch it finds carries the trace of the sequence so far. */
  World step(String description, Runnable body) {
    trace.add(++steps + ". " + description);
    try {
      body.run();
    } catch (Mismatch m) {
      throw withTrace(m);
    }
    return this;
  }

  /** The invariants, after every step. */
  void checkInvariants() {
    try {
      check.afterStep();
    } catch (Mismatch m) {
      throw withTrace(m);
    }
  }

  void note(String what) {
    trace.add("     " + what);
  }

  private Mismatch withTrace(Mismatch m) {
    if (m.getMessage().contains("\ntrace:")) {
      return m;
    }
    List<String> shown = trace;
    if (trace.size() > 120) {
      shown = new ArrayList<>(trace.subList(0, 80));
      shown.add("… " + (trace.size() - 120) + " lines …");
      shown.addAll(trace.subList(trace.size() - 40, trace.size()));
    }
    Mismatch traced = new Mismatch(m.getMessage() + "\ntrace:\n  " + String.join("\n  ", shown));
    traced.setStackTrace(m.getStackTrace());
    return traced;
  }

  long now() {
    return sut.clock.millis();
  }

  /** The route states the store shows for a notification the model holds. */
  List<RouteRecord> stored(ModelNotification n) {
    return sut.direct.notifications().find(n.id).orElseThrow().routes();
  }

  /** Runs a store call under a fault; null when it threw a store error (noted). */
  <T> T attempt(Fault fault, Supplier<T> call) {
    try {
      return sut.under(fault, call);
    } catch (StoreUnavailableException | StoreException e) {
      note(e.getClass().getSimpleName() + ": " + e.getMessage());
      return null;
    }
  }

  // ---- time, retention, faults ----

  void advance(Duration d) {
    sut.clock.advance(d);
  }

  /** Sets the clock to a notification's {@code expires_at} plus {@code deltaMs}, if ahead. */
  void advanceToExpiry(int ordinal, long deltaMs) {
    ModelNotification n = model.byOrdinal(ordinal);
    if (n == null || n.expiresAt == null || n.expiresAt + deltaMs <= now()) {
      note("no expiry ahead");
      return;
    }
    sut.clock.set(Instant.ofEpochMilli(n.expiresAt + deltaMs));
    note("→ " + n + ": clock at " + sut.clock.instant());
  }

  /** The clock passes {@code retention.published}; the janitor deletes what is due. */
  void retention() {
    sut.clock.advance(HeraldUnderTest.RETENTION);
    int deleted = 0;
    for (int n = sut.janitor.runIfDue(); n > 0; n = sut.janitor.runIfDue()) {
      deleted += n;
    }
    int expected = model.retire(now());
    Mismatch.check(
        deleted == expected,
        "the janitor deleted %d notifications; the model retired %d",
        deleted,
        expected);
    note("retired " + deleted);
  }

  void scriptFlush() {
    sut.redis.call("SCRIPT", "FLUSH");
    seen.add("script flush");
  }

  void restartRedis() {
    sut.restartRedis();
    seen.add("Redis restarted");
  }

  /** The trace of the whole sequence, one line per step and per thing it did. */
  String trace() {
    return String.join("\n", trace);
  }

  @Override
  public String toString() {
    return "world "
        + sut.namespace
        + " at "
        + sut.clock.instant()
        + ", "
        + model.notifications.size()
        + " notifications, "
        + model.routesPublished()
        + " routes published";
  }

  @Override
  public void close() {
    sut.close();
  }
}
