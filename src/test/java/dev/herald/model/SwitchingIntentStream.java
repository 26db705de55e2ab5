package dev.herald.model;

import dev.herald.store.IntakeSnapshot;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentResult;
import dev.herald.store.IntentStream;
import dev.herald.store.RejectedIntent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The intents stream on the direct connection or on the one whose replies the proxy drops, as the
 * step says: so that one {@link dev.herald.intake.IntakeCycle}, with the state it keeps between
 * rounds (intents a failed round left pending), runs on either.
 */
final class SwitchingIntentStream implements IntentStream {

  private final IntentStream direct;
  private final IntentStream lossy;
  private IntentStream current;

  SwitchingIntentStream(IntentStream direct, IntentStream lossy) {
    this.direct = direct;
    this.lossy = lossy;
    this.current = direct;
  }

  /** After a Redis restart: each connection fails once on the killed server and is replaced. */
  void dropBrokenConnections() {
    for (int i = 0; i < 2; i++) {
      for (IntentStream s : List.of(direct, lossy)) {
        try {
          s.snapshot();
        } catch (RuntimeException broken) {
          // replaced by the next call
        }
      }
    }
  }

  void use(Fault fault) {
    current = fault.losesReplies() ? lossy : direct;
  }

  @Override
  public void createGroup() {
    current.createGroup();
  }

  @Override
  public List<Intent> read(String consumer, int max, Duration block) {
    return current.read(consumer, max, block);
  }

  @Override
  public List<Intent> readPending(String consumer, int max) {
    return current.readPending(consumer, max);
  }

  @Override
  public ClaimedIntents claimIdle(String consumer, Duration minIdle, int max, String cursor) {
    return current.claimIdle(consumer, minIdle, max, cursor);
  }

  @Override
  public List<IntentResult> settle(
      List<IntentDecision> decisions, Instant now, Duration idempotencyWindow) {
    return current.settle(decisions, now, idempotencyWindow);
  }

  @Override
  public List<RejectedIntent> rejected(String before, int limit) {
    return current.rejected(before, limit);
  }

  @Override
  public IntakeSnapshot snapshot() {
    return current.snapshot();
  }
}
