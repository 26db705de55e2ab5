package dev.herald.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closing a part on the way down: a part that fails to close is logged, and the rest go on. */
final class Closing {

  private static final Logger LOG = LoggerFactory.getLogger(Closing.class);

  private Closing() {}

  /** Closes {@code part} (nothing when null); a failure is a WARN naming {@code what}. */
  static void quietly(String what, AutoCloseable part) {
    if (part == null) {
      return;
    }
    try {
      part.close();
    } catch (Exception e) {
      LOG.warn("closing the {} failed: {}", what, e.toString());
    }
  }
}
