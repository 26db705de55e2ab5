package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.testing.Harness;
import dev.herald.testing.OutboxRows;
import dev.herald.testing.PostgresServer;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL outbox relayed by two real {@code herald run} processes while four producers
 * insert rows in transactions, some of which roll back. Every committed row must reach the gateway
 * stream exactly once and no rolled-back one at all: undisturbed, while one relaying process keeps
 * being SIGKILLed mid-batch, and across a crash and restart of PostgreSQL.
 */
class OutboxChaosIT {

  private static final String TABLE = "herald_outbox";

  @TempDir Path dir;

  @Test
  void two_processes_relay_every_committed_row_exactly_once_and_no_rolled_back_one()
      throws Exception {
    run("outbox, 2 relaying processes", Fault.NONE);
  }

  @Test
  void a_relaying_process_killed_mid_batch_loses_and_doubles_nothing() throws Exception {
    run("outbox, SIGKILL of a relaying process", Fault.KILL_RELAY);
  }

  @Test
  void a_postgres_crash_and_restart_mid_relay_loses_and_doubles_nothing() throws Exception {
    run("outbox, PostgreSQL crash and restart", Fault.RESTART_POSTGRES);
  }

  private enum Fault {
    NONE,
    KILL_RELAY,
    RESTART_POSTGRES
  }

  private void run(String scenario, Fault fault) throws Exception {
    int rows = Chaos.routes(10_000, 100_000);
    try (PostgresServer pg = PostgresServer.start();
        RedisServerProcess redis = RedisServerProcess.start();
        Harness h = Harness.realTime(redis.url())) {
      TestPostgres.createTable(pg, TABLE);
      String yaml =
          "publisher:\n  workers: 2\n  poll-interval: 100ms\n  lease: 2s\n  shutdown-grace: 2s\n"
              + TestPostgres.yaml(
                  pg, TABLE, "batch-size: 500", "workers: 2", "poll-interval: 200ms");
      try (Fleet fleet = new Fleet(dir, 2, redis.url(), h.namespace, h.stream, yaml)) {
        fleet.startAll();
        await().atMost(Duration.ofSeconds(60)).until(fleet::allUp);
        Duration spread =
            fault == Fault.NONE
                ? Duration.ZERO
                : Chaos.duration(Duration.ofSeconds(10), Duration.ofSeconds(60));
        OutboxProducers producers = new OutboxProducers(pg, TABLE, 4, rows / 4, spread);
        OutboxRows table = new OutboxRows(pg, TABLE);
        long start = System.nanoTime();
        producers.start();
        String faults = inject(fault, fleet, pg, redis, table, producers, rows);
        producers.await();
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(200))
            .ignoreExceptions()
            .until(() -> table.count("pending") == 0);
        long committed = table.queryLong("SELECT count(*) FROM " + TABLE);
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> h.raw.xlen(h.stream) >= committed);
        double seconds = (System.nanoTime() - start) / 1e9;

        Map<String, Long> inTable = recipients(table);
        Map<String, Integer> inStream = new HashMap<>();
        for (Map<String, String> e : h.streamFields()) {
          inStream.merge(e.get("user_id"), 1, Integer::sum);
        }
        Set<String> lost = new HashSet<>(inTable.keySet());
        lost.removeAll(inStream.keySet());
        long doubled = inStream.values().stream().filter(n -> n > 1).count();
        Set<String> ghosts = new HashSet<>(inStream.keySet());
        ghosts.removeAll(inTable.keySet());
        Set<String> rolledBackSent = new HashSet<>(producers.rolledBack);
        rolledBackSent.retainAll(inStream.keySet());
        Chaos.report(
            scenario,
            String.format(
                "rows inserted %d in %d transactions (%d rolled back, %d cut off by a fault),"
                    + " committed %d; %s; lost %d, duplicated %d, rolled back but sent %d;"
                    + " all relayed and in the stream in %.1f s",
                rows,
                producers.transactions.get() + producers.failedTransactions.get(),
                producers.rolledBack.size(),
                producers.failedTransactions.get(),
                committed,
                faults,
                lost.size(),
                doubled,
                rolledBackSent.size(),
                seconds));
        assertThat(table.statuses()).as("every row relayed").containsOnlyKeys("relayed");
        assertThat(lost).as("committed rows not in the stream").isEmpty();
        assertThat(doubled).as("rows in the stream more than once").isZero();
        assertThat(ghosts).as("stream entries of no committed row").isEmpty();
        assertThat(rolledBackSent).as("rolled-back rows in the stream").isEmpty();
        assertThat(producers.rolledBack).isNotEmpty();
        assertThat(h.raw.xlen(h.stream)).isEqualTo(committed);
      }
    }
  }

  /** The fault of the scenario, while the producers insert; says what it did. */
  private String inject(
      Fault fault,
      Fleet fleet,
      PostgresServer pg,
      RedisServerProcess redis,
      OutboxRows table,
      OutboxProducers producers,
      int rows)
      throws InterruptedException {
    switch (fault) {
      case NONE -> {
        return "no fault";
      }
      case KILL_RELAY -> {
        int kills = 0;
        int midBatch = 0;
        while (!producers.done()) {
          // Relaying again since its restart (a JVM takes a few seconds to start).
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> fleet.get(0).logged("outbox relay started"));
          Thread.sleep(500);
          if (producers.done()) {
            break;
          }
          // Freeze Redis for a moment: a batch that process 0 claims meanwhile records its
          // attempt and then waits for Redis, between handing its rows to Herald and committing.
          // Kill it there, once its attempt record shows. Redis runs the dead relay's accept when
          // it wakes (the command is in its socket), so its rows are in Herald, uncommitted.
          Thread sleeper = new Thread(() -> redis.call("DEBUG", "SLEEP", "1.0"));
          sleeper.start();
          long pid = fleet.get(0).pid();
          String ofVictim =
              "SELECT count(*) FROM " + TABLE + "_attempts WHERE relay LIKE '%-" + pid + "-%'";
          long until = System.nanoTime() + Duration.ofMillis(800).toNanos();
          boolean inFlight = false;
          while (!inFlight && System.nanoTime() < until) {
            inFlight = table.queryLong(ofVictim) > 0;
            Thread.sleep(10);
          }
          fleet.get(0).kill();
          sleeper.join();
          kills++;
          if (inFlight) {
            midBatch++;
          }
          fleet.start(0);
        }
        assertThat(kills).isPositive();
        assertThat(midBatch)
            .as("kills between handing a batch to Herald and its commit")
            .isPositive();
        return kills
            + " SIGKILLs of process 0 while rows flowed, "
            + midBatch
            + " of them between handing a batch to Herald and its commit";
      }
      case RESTART_POSTGRES -> {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> relayed(table) > rows / 4 || producers.done());
        long before = relayed(table);
        pg.crash();
        Thread.sleep(2_000); // down for a while: relays and producers fail meanwhile
        pg.startAgain();
        return "PostgreSQL crashed (immediate shutdown) after "
            + before
            + " rows relayed, restarted 2 s later";
      }
      default -> throw new IllegalStateException();
    }
  }

  private static long relayed(OutboxRows table) {
    return table.queryLong("SELECT count(*) FROM " + TABLE + " WHERE status = 'relayed'");
  }

  /** Each committed row's recipient, with its id. */
  private static Map<String, Long> recipients(OutboxRows table) {
    Map<String, Long> out = new HashMap<>();
    table.query(
        "SELECT notification->'recipients'->>0, id FROM " + TABLE,
        r -> out.put(r.getString(1), r.getLong(2)));
    return out;
  }
}
