package dev.herald.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.domain.CancelRequest;
import dev.herald.store.CancelResult;
import dev.herald.store.StoreOutcomeUnknownException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "cancel",
    description = {
      "Cancel a notification: its routes not published yet become cancelled.",
      "Every route not published yet (pending, failed, leased or dead letter) becomes "
          + "cancelled, atomically; published routes stay published. Cancelling twice is "
          + "harmless.",
    },
    footer = {
      "",
      "Examples:",
      "  herald cancel 01JDQ5XKZ7W3M1V9Y4T0R8E6PA",
      "  herald cancel --producer game-engine --idempotency-key turn-42",
      "",
      "Producers cancel through the intents stream with {\"cancel\": \"<id>\"} or",
      "{\"cancel_idempotency_key\": \"<key>\", \"producer\": \"<producer>\"}.",
      "Exit codes: 0 cancelled (or cancelled before), 1 no such notification, 2 usage,",
      "4 outcome unknown (no reply from Redis: run it again, cancelling twice is harmless),",
      "65 invalid id, 69 Redis unavailable, 78 bad config.",
    })
final class CancelCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin NotificationChoice notification;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    CancelRequest request =
        notification.request("cancel cancels every route not published yet of a notification");
    try (Stores ctx = Stores.open(config.load())) {
      CancelResult result;
      try {
        result =
            ctx.intake()
                .cancel(request)
                .orElseThrow(
                    () ->
                        new NotFoundException(
                            "no notification "
                                + request.describe()
                                + " in namespace '"
                                + ctx.config().namespace()
                                + "' (never accepted, past its retention,"
                                + " or an idempotency key outside intake.idempotency-window)"));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(e.getMessage());
      } catch (StoreOutcomeUnknownException e) {
        spec.commandLine()
            .getErr()
            .println(
                "herald: "
                    + e.getMessage()
                    + "\n  it may have been cancelled, or not; cancelling twice is harmless:"
                    + " run the same command again");
        return ExitCodes.OUTCOME_UNKNOWN;
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("notification_id", result.notificationId());
        o.put("cancelled", result.cancelled());
        o.put("published", result.published());
        out.println(o);
      } else {
        out.printf(
            "%s: %d route(s) cancelled, %d already published%s%n",
            result.notificationId(),
            result.cancelled(),
            result.published(),
            result.cancelled() == 0 ? " (nothing left to cancel)" : "");
      }
      out.flush();
    }
    return ExitCodes.OK;
  }
}
