package dev.herald.intake;

import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs a store call, and again, unchanged, while its reply is lost: safe only for calls the store
 * recognises when repeated (the same notification ids; a cancel, which is harmless twice).
 */
final class LostReplyRepeats {

  /**
   * How often a call whose reply was lost is sent again, unchanged, before its outcome is reported
   * as unknown. Unchanged means the same notification ids, which the store recognises: a repeat
   * never stores a notification twice.
   */
  static final int REPEATS_AFTER_LOST_REPLY = 2;

  /** The pause before the n-th repeat, times n: a stalled Redis gets a moment to catch up. */
  private static final Duration REPEAT_PAUSE = Duration.ofMillis(200);

  private LostReplyRepeats() {}

  /**
   * Runs {@code call} up to {@value #REPEATS_AFTER_LOST_REPLY} more times while its reply is lost.
   * Throws {@link StoreOutcomeUnknownException} when no reply came and one of the calls may have
   * run, {@link StoreUnavailableException} when none was sent.
   */
  static <T> T run(Supplier<T> call) {
    StoreOutcomeUnknownException lost = null;
    for (int repeat = 0; ; repeat++) {
      try {
        return call.get();
      } catch (StoreOutcomeUnknownException e) {
        lost = e;
      } catch (StoreUnavailableException e) {
        if (lost == null) {
          throw e; // nothing was sent yet, so nothing was written
        }
        // not sent this time, but an earlier call may have run: its outcome stays unknown
      }
      if (repeat == REPEATS_AFTER_LOST_REPLY) {
        throw lost;
      }
      pause(REPEAT_PAUSE.multipliedBy(repeat + 1));
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
