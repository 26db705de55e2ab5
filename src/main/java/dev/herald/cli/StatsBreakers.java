package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.store.BreakerBoard.StreamBreaker;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The stream breakers section of {@code herald stats}: text and JSON. */
final class StatsBreakers {

  private StatsBreakers() {}

  static void print(PrintWriter out, Instant now, List<StreamBreaker> breakers, int width) {
    out.println("stream breakers (open: its routes wait, uncharged, while one probes the stream)");
    if (breakers.isEmpty()) {
      out.println("  none open");
    }
    for (StreamBreaker b : breakers) {
      out.println(
          TextTable.fit(
              String.format(
                  Locale.ROOT,
                  "  %-24s open since %s (%s), in %s, reported %s ago",
                  b.stream(),
                  Times.table(b.since()),
                  Times.span(Duration.between(b.since(), now)),
                  b.process(),
                  Times.span(Duration.between(b.reportedAt(), now))),
              width));
      out.println(TextTable.fit("    " + b.reason(), width));
    }
  }

  static void json(ObjectNode root, List<StreamBreaker> breakers) {
    ArrayNode open = root.putArray("breakers");
    breakers.forEach(
        b ->
            open.addObject()
                .put("stream", b.stream())
                .put("process", b.process())
                .put("open_since", Times.iso(b.since()))
                .put("reported_at", Times.iso(b.reportedAt()))
                .put("reason", b.reason()));
  }
}
