package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.domain.Notification;
import dev.herald.spool.SpoolDirectory;
import dev.herald.spool.SpoolDirectory.Entry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    description = {
      "List the records of spool files, a segment waiting to be replayed or one set aside.",
      "A corrupt-* file shows what could be read and why the rest cannot.",
      "A rejected-* file shows each record with the reason the replay set it aside.",
      "Without FILE: every file of spool.dir. Reads only.",
    },
    footer = {
      "",
      "Examples:",
      "  herald spool inspect",
      "  herald spool inspect spool/corrupt-segment-00000000000000000007.ndjson",
      "  herald spool inspect --json spool/rejected-segment-00000000000000000003.ndjson \\",
      "    | jq -r '.files[].records[].reason'",
      "",
      "A set-aside notification is not in Redis. After fixing its cause, submit it again",
      "(its record holds every field it was accepted with); then delete the file.",
      "",
      "Exit codes: 0 ok, 1 a file cannot be read, 2 FILE does not exist, 78 bad config.",
    })
final class SpoolInspectCommand implements Callable<Integer> {

  @Mixin ConfigOption config;
  @Mixin WideOption wide;

  @Parameters(arity = "0..*", paramLabel = "FILE", description = "spool files to read")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "most records listed per file, oldest first (default: ${DEFAULT-VALUE})")
  int limit = 100;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (limit < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--limit must be at least 1 (was " + limit + ")");
    }
    List<Path> targets = files;
    if (targets.isEmpty()) {
      targets = new ArrayList<>();
      for (SpoolDirectory.FileSummary f :
          SpoolDirectory.status(Path.of(config.load().spool().dir())).files()) {
        targets.add(f.file());
      }
    }
    List<SpoolDirectory.Contents> read = new ArrayList<>();
    for (Path p : targets) {
      if (!Files.isRegularFile(p)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "FILE " + p + ": no such file",
            new NoSuchFileException(p.toString()));
      }
      read.add(SpoolDirectory.read(p));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      ArrayNode all = root.putArray("files");
      read.forEach(c -> all.add(toJson(c, limit)));
      out.println(DeadLetterJson.pretty(root));
    } else if (read.isEmpty()) {
      out.println("the spool is empty");
    } else {
      read.forEach(c -> print(out, c, limit));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void print(PrintWriter out, SpoolDirectory.Contents c, int limit) {
    out.printf(
        "%s (%s, %d record(s)%s)%n",
        c.file(),
        c.kind().name().toLowerCase(Locale.ROOT),
        c.entries().size(),
        c.problem() == null ? "" : "; " + c.problem());
    TextTable table =
        new TextTable("NOTIFICATION", "PRODUCER", "ACCEPTED", "WHAT", "ROUTES", "STATE");
    for (Entry e : c.entries().subList(0, Math.min(limit, c.entries().size()))) {
      Notification n = e.notification();
      table.row(
          e.notificationId(),
          e.producer(),
          Times.table(e.at()),
          n == null ? "cancel" : n.type(),
          n == null ? "" : Integer.toString(n.routeCount()),
          e.reason() != null
              ? "set aside: " + e.reason()
              : e.replayed() ? "replayed" : "to replay");
    }
    table.print(out, wide.width());
    if (c.entries().size() > limit) {
      out.printf("... and %d more (--limit)%n", c.entries().size() - limit);
    }
    out.println();
  }

  static ObjectNode toJson(SpoolDirectory.Contents c, int limit) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("file", c.file().toString());
    o.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
    o.put("problem", c.problem());
    o.put("count", c.entries().size());
    ArrayNode records = o.putArray("records");
    for (Entry e : c.entries().subList(0, Math.min(limit, c.entries().size()))) {
      ObjectNode r = records.addObject();
      r.put("notification_id", e.notificationId());
      r.put("producer", e.producer());
      r.put("kind", e.isCancel() ? "cancel" : "notification");
      r.put("at", Times.iso(e.at()));
      r.put("replayed", e.replayed());
      r.put("reason", e.reason());
      Notification n = e.notification();
      if (n != null) {
        ObjectNode body = r.putObject("notification");
        body.put("type", n.type());
        body.put("idempotency_key", n.idempotencyKey());
        ArrayNode recipients = body.putArray("recipients");
        n.recipients().forEach(recipients::add);
        ArrayNode channels = body.putArray("channels");
        n.channels().forEach(channels::add);
        body.put("payload_json", n.payloadJson());
        body.put("request_id", n.requestId());
        body.put("trace_id", n.traceId());
        body.put("send_at", Times.iso(n.sendAt()));
        body.put("expires_at", Times.iso(n.expiresAt()));
        if (n.maxAttempts() != null) {
          body.put("max_attempts", n.maxAttempts());
        }
      }
    }
    return o;
  }
}
