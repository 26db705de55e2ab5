package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.daemon.Stores;
import dev.herald.domain.FieldError;
import dev.herald.intake.SubmitResult;
import dev.herald.intake.SubmitResult.Outcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "submit",
    description = {
      "Accept notifications from a JSON file or stdin and print each notification id.",
      "Input: one object, an array of objects, or one object per line.",
    },
    footer = {
      "",
      "Examples:",
      "  echo '{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"recipients\":[\"u-1\"],"
          + "\"channels\":[\"push\"],\"payload\":{\"turn\":42}}' | herald submit",
      "  herald submit --json batch.ndjson",
      "",
      "Exit codes: 0 all accepted (or duplicates), 3 some rejected, 65 all rejected,",
      "4 outcome unknown (sent, no reply from Redis: check each id it names with",
      "`herald routes show <id>` before submitting again), 69 Redis unavailable (nothing",
      "written: submitting again is safe), 78 bad config.",
    })
final class SubmitCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "JSON input; '-' or nothing reads stdin")
  String file = "-";

  @Option(
      names = "--json",
      description = "print one JSON object per line (JSON Lines), a result per notification")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    byte[] input = read();
    List<SubmitResult> results;
    try (Stores ctx = Stores.open(config.load())) {
      results = ctx.intake().submitJson(input);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (json) {
      results.forEach(r -> out.println(toJson(r)));
    } else {
      for (SubmitResult r : results) {
        switch (r.outcome()) {
          case ACCEPTED -> out.println(r.notificationId());
          case DUPLICATE -> {
            out.println(r.notificationId());
            err.println(
                "herald: notification["
                    + r.index()
                    + "]: duplicate: its producer and idempotency key"
                    + " name "
                    + r.notificationId()
                    + "; nothing new was scheduled");
          }
          case UNKNOWN -> {
            for (FieldError e : r.errors()) {
              err.println(
                  "herald: notification["
                      + r.index()
                      + "] outcome unknown: sent as "
                      + r.notificationId()
                      + ", and Redis did not reply ("
                      + e.reason()
                      + "); check with `herald routes show "
                      + r.notificationId()
                      + "` before submitting it again (with an idempotency_key, submitting"
                      + " again is safe)");
            }
          }
          case REJECTED, UNAVAILABLE -> {
            for (FieldError e : r.errors()) {
              err.println(
                  "herald: notification[" + r.index() + "] " + label(r.outcome()) + ": " + e);
            }
          }
        }
      }
    }
    out.flush();
    return exitCode(results);
  }

  private static String label(Outcome outcome) {
    return outcome == Outcome.REJECTED ? "rejected" : "not submitted";
  }

  static int exitCode(List<SubmitResult> results) {
    long rejected = results.stream().filter(SubmitResult::isRejected).count();
    boolean unavailable = results.stream().anyMatch(r -> r.outcome() == Outcome.UNAVAILABLE);
    if (results.stream().anyMatch(r -> r.outcome() == Outcome.UNKNOWN)) {
      return ExitCodes.OUTCOME_UNKNOWN; // first: submitting all again could store some twice
    }
    if (unavailable) {
      return ExitCodes.UNAVAILABLE;
    }
    if (rejected == 0) {
      return ExitCodes.OK;
    }
    return rejected == results.size() ? ExitCodes.BAD_INPUT : ExitCodes.PARTIAL;
  }

  private byte[] read() throws IOException {
    if (file == null || "-".equals(file)) {
      return System.in.readAllBytes();
    }
    try {
      return Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new BadInputException("no such file: " + file);
    }
  }

  /** One line of {@code --json}: one object per notification, in input order. */
  private static String toJson(SubmitResult r) {
    ObjectNode item = JsonNodeFactory.instance.objectNode();
    item.put("index", r.index());
    item.put("outcome", r.outcome().name().toLowerCase(Locale.ROOT));
    if (r.notificationId() != null) {
      item.put("notification_id", r.notificationId());
    }
    if (!r.errors().isEmpty()) {
      ArrayNode errors = item.putArray("errors");
      r.errors().forEach(e -> errors.addObject().put("field", e.field()).put("reason", e.reason()));
    }
    return item.toString();
  }
}
