package dev.herald.deadletter;

import dev.herald.store.DeadLetter;
import java.util.function.Predicate;

/** Dead letters in the order an operation visits them. */
public interface DeadLetterSource {

  /** Calls {@code visitor} with each dead letter, in order, until it returns false. */
  void forEach(Predicate<DeadLetter> visitor);

  /** Entries read so far (the denominator of progress). */
  long scanned();

  /** Entries there are to read, as far as is known at the start. */
  long total();
}
