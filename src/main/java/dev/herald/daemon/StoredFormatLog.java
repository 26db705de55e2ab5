package dev.herald.daemon;

import dev.herald.store.ProcessBoard;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the heartbeats' replies say of the stored format, logged once each: this process moving to a
 * newer format (INFO), and each process running that cannot read the format written (WARN, once per
 * process: it takes the notifications stored since for broken ones until it is stopped).
 */
final class StoredFormatLog {

  private static final Logger LOG = LoggerFactory.getLogger(StoredFormatLog.class);

  private int writing;
  private final Set<String> warned = new HashSet<>();

  synchronized void told(ProcessBoard.Beat reply) {
    if (reply.writeFormat() != writing) {
      if (writing != 0) {
        LOG.info(
            "storing notifications in stored format {} from now on: every running Herald reads it",
            reply.writeFormat());
      }
      writing = reply.writeFormat();
    }
    for (Map.Entry<String, Integer> p : reply.cannotRead().entrySet()) {
      if (warned.add(p.getKey())) {
        LOG.warn(
            "process {} reads stored formats up to {} and cannot read the notifications stored in"
                + " format {} (the store moved to it when every process running read it); it takes"
                + " them for broken records: stop it, or upgrade it to this version",
            p.getKey(),
            p.getValue(),
            reply.writeFormat());
      }
    }
    warned.retainAll(reply.cannotRead().keySet());
  }
}
