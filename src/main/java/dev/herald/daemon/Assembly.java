package dev.herald.daemon;

import dev.herald.config.HeraldConfig;
import dev.herald.config.PostgresSourceSettings;
import dev.herald.domain.Channels;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.Shards;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeCycle;
import dev.herald.intake.IntakeListener;
import dev.herald.intake.IntakeLoop;
import dev.herald.logging.RateLimitedLog;
import dev.herald.loop.Waiter;
import dev.herald.outbox.OutboxListener;
import dev.herald.outbox.OutboxRelay;
import dev.herald.publish.EventEncoder;
import dev.herald.publish.Janitor;
import dev.herald.publish.PublishSettings;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.PublisherSetup;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationStore;
import dev.herald.store.redis.RedisBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one place that turns a config into Herald's parts: the intakes, the intents consumer, the
 * publisher and its janitor, the outbox relay. {@code herald run}, the demo, the benchmarks and the
 * commands all build them here, so that each is built one way. Every part reads its settings from
 * the config supplier at each cycle, so that a reload applies from the next cycle on; the channels
 * are those Herald started with (a change needs a restart).
 */
public final class Assembly {

  /** How long one read of the intents stream waits while it is empty (no busy polling). */
  public static final Duration INTAKE_BLOCK = Duration.ofSeconds(1);

  private final Supplier<HeraldConfig> config;
  private final Channels channels;
  private final Clock clock;

  /**
   * @param config read at each cycle
   * @param channels the channels routes may use and their streams
   * @param clock the time the store sees: Redis's, in a connected process
   */
  public Assembly(Supplier<HeraldConfig> config, Channels channels, Clock clock) {
    this.config = config;
    this.channels = channels;
    this.clock = clock;
  }

  /** The parts of a fixed config, on its own channels. */
  public static Assembly of(HeraldConfig config, Clock clock) {
    return new Assembly(() -> config, config.channels(), clock);
  }

  /** The same parts on another clock. */
  public Assembly withClock(Clock other) {
    return new Assembly(config, channels, other);
  }

  public HeraldConfig config() {
    return config.get();
  }

  public Channels channels() {
    return channels;
  }

  public Clock clock() {
    return clock;
  }

  /** What intake accepts, as the config says now (built again only when the config changed). */
  public NotificationValidator validator() {
    HeraldConfig now = config.get();
    Rules r = rules;
    if (r == null || r.config != now) {
      r = new Rules(now, CycleSettings.validator(now, channels));
      rules = r;
    }
    return r.validator;
  }

  /** The validator of one config: each request asks for it. */
  private record Rules(HeraldConfig config, NotificationValidator validator) {}

  private volatile Rules rules;

  /** The publish settings of the config now. */
  public PublishSettings publishSettings() {
    return CycleSettings.publish(config.get());
  }

  /** The intents stream and its group, as configured. */
  public IntentStream.Names intentNames() {
    return CycleSettings.intentNames(config.get());
  }

  /** A source of ids in the config's shards (a change of {@code shards} needs a restart). */
  private NotificationIds ids() {
    return new NotificationIds(new Shards(config.get().shards()));
  }

  /** The intake of the Java API, the CLI and the HTTP API, keeping keys for the config's window. */
  public Intake intake(NotificationStore store, IntakeListener listener) {
    return new Intake(
        store,
        this::validator,
        ids(),
        clock,
        () -> config.get().intake().idempotencyWindow(),
        listener);
  }

  /**
   * The outbox relay's intake: keys kept for {@code pg}'s window, its rejections counted as source
   * {@code outbox}.
   */
  public Intake outboxIntake(
      PostgresSourceSettings pg, NotificationStore store, IntakeListener listener) {
    return new Intake(
        store,
        this::validator,
        ids(),
        clock,
        pg::idempotencyWindow,
        OutboxRelay.intakeListener(listener));
  }

  /** One round of the consumer {@code consumer} of {@code stream}. */
  public IntakeCycle intakeCycle(IntentStream stream, IntakeListener listener, String consumer) {
    return new IntakeCycle(
        stream,
        () -> CycleSettings.intake(config.get(), channels),
        ids(),
        clock,
        listener,
        consumer);
  }

  /**
   * The consumer of {@code stream}, reading on the stream's connection of its own: of each of its
   * parts (the shards' intents streams), each on a thread of its own.
   */
  public IntakeLoop intakeLoop(IntentStream stream, IntakeListener listener, String consumer) {
    List<IntentStream> parts = stream.parts();
    return new IntakeLoop(
        parts, parts.stream().map(p -> intakeCycle(p, listener, consumer)).toList(), INTAKE_BLOCK);
  }

  /**
   * The publisher: the configured workers, a janitor keeping the dead letters within the config's
   * limits, the process's breakers reported to the store, woken by the store's wake-ups.
   *
   * @param leaseTag names this process in lease tokens and breaker reports
   * @param trouble where the wake-up subscription's trouble is logged
   */
  public Publisher publisher(
      RedisBackend backend, PublisherListener listener, String leaseTag, RateLimitedLog trouble) {
    Waiter waiter = new Waiter(clock);
    AutoCloseable wakeups =
        backend
            .wakeups()
            .subscribe(
                waiter::signal,
                e -> trouble.warn("wakeups", "wake-up listener: {}; retrying", e.getMessage()));
    PublisherSetup setup =
        new PublisherSetup(
            backend.routes(),
            new EventEncoder(channels),
            () -> CycleSettings.publish(config.get()),
            () -> config.get().publisher().pollInterval(),
            clock,
            listener,
            backend.breakers());
    Janitor janitor =
        new Janitor(
            backend.routes(),
            backend.deadLetters(),
            () -> CycleSettings.deadLetterRetention(config.get()),
            clock,
            listener);
    return new Publisher(
        setup.loop(config.get().publisher().workers(), waiter, leaseTag, janitor), wakeups);
  }

  /**
   * The outbox relay of {@code pg} (idle unless enabled), with an intake of its own.
   *
   * @param tag names this process in the relay's attempt records
   */
  public OutboxRelay outboxRelay(
      PostgresSourceSettings pg,
      NotificationStore store,
      IntakeListener intakeListener,
      OutboxListener listener,
      String tag) {
    return OutboxRelay.start(
        pg, outboxIntake(pg, store, intakeListener), this::validator, listener, clock, tag);
  }
}
