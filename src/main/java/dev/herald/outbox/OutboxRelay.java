package dev.herald.outbox;

import dev.herald.config.PostgresSourceSettings;
import dev.herald.domain.NotificationValidator;
import dev.herald.intake.Intake;
import dev.herald.intake.IntakeListener;
import dev.herald.loop.DaemonTimer;
import dev.herald.loop.Waiter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL outbox relay of one process: its connection pool, its {@code LISTEN} connection
 * and its relaying threads, started together and stopped together. It talks to Herald only through
 * the {@link Intake} it is given.
 *
 * <pre>{@code
 * OutboxRelay relay =
 *     OutboxRelay.start(cfg.sources().postgres(), intake, validator, listener, clock, tag);
 * ...
 * relay.stop(grace); // next to the intake: stop taking new work first
 * }</pre>
 */
public final class OutboxRelay implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  /** A relay that relays nothing: {@code sources.postgres.enabled} is false. */
  private static final OutboxRelay OFF = new OutboxRelay(null, null, null, null);

  private final OutboxDatabase database;
  private final RelayLoop loop;
  private final NotifyListener notifications;
  private final ScheduledExecutorService housekeeping;

  private OutboxRelay(
      OutboxDatabase database,
      RelayLoop loop,
      NotifyListener notifications,
      ScheduledExecutorService housekeeping) {
    this.database = database;
    this.loop = loop;
    this.notifications = notifications;
    this.housekeeping = housekeeping;
  }

  /**
   * Starts relaying when {@code settings.enabled()}; else returns a relay that does nothing. Does
   * not wait for the database: the threads connect, and back off while it does not answer.
   *
   * @param intake the intake to hand rows to; its idempotency window should be {@code
   *     settings.idempotencyWindow()}
   * @param validator the intake's rules (for the reasons of rows the relay refuses itself)
   * @param relay names this process in the attempt records ({@code host-pid-random})
   */
  public static OutboxRelay start(
      PostgresSourceSettings settings,
      Intake intake,
      Supplier<NotificationValidator> validator,
      OutboxListener listener,
      Clock clock,
      String relay) {
    if (!settings.enabled()) {
      return OFF;
    }
    OutboxDatabase database =
        OutboxDatabase.open(settings, settings.workers() * 2 + 2, "herald-relay");
    Waiter waiter = new Waiter(clock);
    List<RelayCycle> cycles = new ArrayList<>();
    SourceName source = new SourceName(database, validator);
    for (int i = 0; i < settings.workers(); i++) {
      cycles.add(
          new RelayCycle(
              database,
              source::reader,
              intake::submit,
              () -> RelaySettings.of(settings),
              listener,
              relay + "-" + i,
              System::nanoTime));
    }
    RelayLoop loop = new RelayLoop(cycles, waiter, clock, settings::pollInterval, listener);
    ScheduledExecutorService housekeeping = DaemonTimer.named("herald-outbox-housekeeping");
    long every = Housekeeping.LAG_EVERY.toMillis();
    housekeeping.scheduleWithFixedDelay(
        new Housekeeping(database, listener, System::nanoTime),
        every,
        every,
        TimeUnit.MILLISECONDS);
    NotifyListener notifications =
        new NotifyListener(database, () -> waiter.signal(clock.instant()), listener);
    notifications.start();
    loop.start();
    LOG.info(
        "outbox relay started: {} worker(s) relaying table {} of {} ({} relayed rows)",
        settings.workers(),
        settings.table(),
        database.describe(),
        settings.deletesRelayedRows() ? "deleting" : "marking");
    return new OutboxRelay(database, loop, notifications, housekeeping);
  }

  /**
   * The intake's events for the relay's own intake: its rejections counted as source {@code
   * outbox}, not as the Java API's.
   */
  public static IntakeListener intakeListener(IntakeListener delegate) {
    return new IntakeListener() {
      @Override
      public void onAccepted(int notifications, int routes) {
        delegate.onAccepted(notifications, routes);
      }

      @Override
      public void onDuplicate(int notifications) {
        delegate.onDuplicate(notifications);
      }

      @Override
      public void onRejected(String source, String field) {
        delegate.onRejected("outbox", field);
      }
    };
  }

  public boolean isRunning() {
    return loop != null && loop.isRunning();
  }

  /**
   * Stops taking rows, lets the batches in hand commit (up to {@code grace}), stops listening and
   * the housekeeping, and closes the pool. Rows of a batch that did not finish stay pending.
   */
  public void stop(Duration grace) {
    if (loop == null) {
      return;
    }
    loop.stop(grace);
    notifications.stop();
    DaemonTimer.stop(housekeeping);
    database.close();
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  /**
   * The relay's part of every idempotency key, {@code <database>.<table>}, read from the server on
   * first use (so that the relay can start while the database is down).
   */
  private static final class SourceName {
    private final OutboxDatabase database;
    private final Supplier<NotificationValidator> validator;
    private volatile RowReader reader;

    SourceName(OutboxDatabase database, Supplier<NotificationValidator> validator) {
      this.database = database;
      this.validator = validator;
    }

    RowReader reader() {
      RowReader r = reader;
      if (r == null) {
        r = new RowReader(name(), validator);
        reader = r;
      }
      return r;
    }

    private String name() {
      try (Connection c = database.connection();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT current_database()")) {
        r.next();
        return SourceNames.of(r.getString(1), database.schema().table());
      } catch (SQLException e) {
        throw SqlFailures.classify("reading the database name", e, database.schema());
      }
    }
  }
}
