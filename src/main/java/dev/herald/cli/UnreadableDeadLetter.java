package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.DeadLetterScan;
import dev.herald.domain.Failure;
import dev.herald.store.DeadLetter;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dead-letters show ID/#N}: a dead letter whose notification record cannot be read, found in
 * the dead-letter index as {@code dead-letters list} finds it, shown with what is known.
 */
final class UnreadableDeadLetter {

  private UnreadableDeadLetter() {}

  static int show(Stores ctx, Ref ref, PrintWriter out, boolean json) {
    DeadLetterFilter byId =
        new DeadLetterFilter(
            Set.of(),
            Set.of(),
            Set.of(),
            Set.of(),
            Set.of(ref.notificationId()),
            Optional.empty(),
            Optional.empty());
    DeadLetter[] found = {null};
    new DeadLetterScan(ctx.backend().deadLetters(), ctx.backend().notifications(), byId)
        .forEach(
            d -> {
              if (d.index() == ref.index()) {
                found[0] = d;
                return false;
              }
              return true;
            });
    DeadLetter d = found[0];
    if (d == null) {
      throw new NotFoundException(
          "route " + ref + " is not a dead letter (its notification record is unreadable)");
    }
    if (json) {
      ObjectNode o = DeadLetterJson.summary(d, ctx.config().delivery().maxAttempts());
      o.put("status", "dead_letter");
      ArrayNode failures = o.putArray("failures");
      d.failures().forEach(f -> failures.add(DeadLetterJson.failure(f)));
      o.putNull("notification");
      out.println(DeadLetterJson.line(o));
    } else {
      out.printf("route %s%n", d.ref());
      out.printf("  status dead_letter, attempts %d%n", d.attempts());
      out.printf("  dead since %s%n", Times.table(d.deadSince()));
      out.printf("notification %s: unreadable: %s%n%n", d.notificationId(), d.corruption());
      out.println("failed attempts, oldest first:");
      for (Failure f : d.failures()) {
        out.printf(
            "  attempt %d at %s: %s%n    %s%n",
            f.attempt(), Times.table(f.at()), f.kind().wireName(), f.message());
      }
      out.println();
      out.println("it cannot be requeued; purge it:  herald dead-letters purge " + d.ref());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
