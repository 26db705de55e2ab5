package dev.herald.store;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import java.util.Objects;

/** What the intake decided for one entry of the intents stream; {@link IntentStream#settle}s it. */
public sealed interface IntentDecision {

  String entryId();

  /** Accept the notification (or find it a duplicate by its idempotency key). */
  record Accept(String entryId, Notification notification) implements IntentDecision {
    public Accept {
      Objects.requireNonNull(entryId, "entryId");
      Objects.requireNonNull(notification, "notification");
    }
  }

  /**
   * Cancel the notification named.
   *
   * @param reasonIfUnknown the reason the entry is rejected with when no notification matches
   */
  record Cancel(String entryId, CancelRequest request, String reasonIfUnknown)
      implements IntentDecision {
    public Cancel {
      Objects.requireNonNull(entryId, "entryId");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(reasonIfUnknown, "reasonIfUnknown");
    }
  }

  /** Copy the entry to the rejected stream with the reason (field and why). */
  record Reject(String entryId, String reason) implements IntentDecision {
    public Reject {
      Objects.requireNonNull(entryId, "entryId");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Nothing to do but acknowledge: the effect was stored in another shard first (an accept in its
   * notification's shard, a cancel in its target's), and {@code result} is what it was. Sent again
   * after a crash, that effect is recognised there (the same notification id and record), so the
   * intent still has it once.
   */
  record Settled(String entryId, IntentResult result) implements IntentDecision {
    public Settled {
      Objects.requireNonNull(entryId, "entryId");
      Objects.requireNonNull(result, "result");
    }
  }

  /** Nothing to do but acknowledge: the entry was deleted from the stream before it was read. */
  record Drop(String entryId) implements IntentDecision {
    public Drop {
      Objects.requireNonNull(entryId, "entryId");
    }
  }
}
