package dev.herald.store;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Signals, across processes, that routes were scheduled: lets a sleeping publisher wake early
 * instead of polling.
 */
public interface Wakeups {

  /**
   * Calls {@code onDue} with the earliest due time of each accepted batch, until the returned
   * handle is closed. Reconnects by itself when the connection drops, reporting each failure to
   * {@code onTrouble} (translated as the store's exceptions are), and calls {@code onDue} with the
   * time of reconnection, since signals sent meanwhile were lost.
   */
  AutoCloseable subscribe(Consumer<Instant> onDue, Consumer<RuntimeException> onTrouble);
}
