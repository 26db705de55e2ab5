package dev.herald.daemon;

import dev.herald.config.IntakeSettings;
import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import dev.herald.store.StatsStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The intents stream of a config that reads none ({@code intake.stream: off}), for the views that
 * show one (the console, {@code herald stats}): empty, nothing rejected but what the counters say.
 * Reading or settling is a bug: no consumer runs on it.
 */
final class NoIntents implements IntentStream {

  private final StatsStore stats;

  NoIntents(StatsStore stats) {
    this.stats = stats;
  }

  @Override
  public void createGroup() {
    throw off();
  }

  @Override
  public List<Intent> read(String consumer, int max, Duration block) {
    throw off();
  }

  @Override
  public List<Intent> readPending(String consumer, int max) {
    throw off();
  }

  @Override
  public ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor) {
    throw off();
  }

  @Override
  public List<IntentResult> settle(
      List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
    throw off();
  }

  @Override
  public List<RejectedIntent> rejected(String before, int limit) {
    return List.of();
  }

  @Override
  public IntakeSnapshot snapshot() {
    long rejected = stats.snapshot(Instant.EPOCH, List.of()).counter("intents_rejected");
    return new IntakeSnapshot(IntakeSettings.OFF, 0, false, 0, Map.of(), 0, rejected);
  }

  private static IllegalStateException off() {
    return new IllegalStateException("intake.stream is off: no intents stream is read");
  }
}
