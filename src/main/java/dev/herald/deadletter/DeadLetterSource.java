package dev.herald.deadletter;

import dev.herald.store.DeadLetter;
import java.util.function.Predicate;

/** Dead letters in the order an operation visits them. */
public interface DeadLetterSource {

  /** Calls {@code visitor} with each dead letter, in order, until it returns false. */
  void forEach(Predicate<DeadLetter> visitor);

  /** Entries gone through so far, matching or not: where the operation stands, for progress. */
  long scanned();

  /** Entries there are to read, as far as is known at the start. */
  long total();
}
