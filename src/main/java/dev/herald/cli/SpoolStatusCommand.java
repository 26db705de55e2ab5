package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.spool.SpoolDirectory;
import dev.herald.spool.SpoolDirectory.FileSummary;
import dev.herald.spool.SpoolDirectory.Kind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description = {
      "Show the spool: notifications answered 202 and not in Redis yet, and the oldest one's age.",
      "Each file is listed, and the files set aside (corrupt-* at start, rejected-* by replay).",
      "Reads the directory only: safe while herald run owns it.",
    },
    footer = {
      "",
      "Examples:",
      "  herald spool status",
      "  herald spool status --json | jq .pending",
      "",
      "Exit codes: 0 ok, 1 the directory cannot be read, 78 bad config.",
    })
final class SpoolStatusCommand implements Callable<Integer> {

  @Mixin ConfigOption config;
  @Mixin WideOption wide;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "the spool directory (default: spool.dir of the config)")
  Path dir;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    SpoolDirectory.Status s = SpoolDirectory.status(dir == null ? Path.of(configured()) : dir);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(DeadLetterJson.pretty(toJson(s)));
    } else {
      print(out, s);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private String configured() {
    return config.load().spool().dir();
  }

  private void print(PrintWriter out, SpoolDirectory.Status s) {
    out.printf(
        "spool %s (%s)%n",
        s.dir().toAbsolutePath(),
        s.owned() ? "held by a running herald, which replays it" : "no herald holds it");
    Instant oldest = s.oldestPendingAt();
    out.printf(
        Locale.ROOT,
        "  %-22s %,12d   %s%n",
        "to replay",
        s.pending(),
        oldest == null
            ? "none"
            : "oldest answered 202 at "
                + Times.table(oldest)
                + ", "
                + Times.span(Duration.between(oldest, Instant.now()))
                + " ago");
    out.printf(
        Locale.ROOT,
        "  %-22s %,12d   %s%n",
        "corrupt segments",
        s.count(Kind.CORRUPT),
        s.count(Kind.CORRUPT) == 0
            ? ""
            : "unreadable at start, not replayed: herald spool inspect");
    out.printf(
        Locale.ROOT,
        "  %-22s %,12d   %s%n",
        "set-aside records",
        s.records(Kind.REJECTED),
        s.records(Kind.REJECTED) == 0
            ? ""
            : "refused at replay, not in Redis: herald spool inspect <rejected-* file>");
    if (s.checkpointSegment() >= 0) {
      out.printf(
          "  %-22s segment %d, offset %d%n",
          "checkpoint", s.checkpointSegment(), s.checkpointOffset());
    }
    if (s.files().isEmpty()) {
      return;
    }
    out.println();
    TextTable table = new TextTable("FILE", "KIND", "BYTES", "RECORDS", "TO REPLAY", "PROBLEM");
    for (FileSummary f : s.files()) {
      table.row(
          f.file().getFileName().toString(),
          f.kind().name().toLowerCase(Locale.ROOT),
          Long.toString(f.bytes()),
          Integer.toString(f.records()),
          Integer.toString(f.pending()),
          f.problem() == null ? "" : f.problem());
    }
    table.print(out, wide.width());
  }

  static ObjectNode toJson(SpoolDirectory.Status s) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("dir", s.dir().toAbsolutePath().toString());
    root.put("owned", s.owned());
    root.put("pending", s.pending());
    root.put("oldest_pending_at", Times.iso(s.oldestPendingAt()));
    root.put("corrupt_segments", s.count(Kind.CORRUPT));
    root.put("set_aside_records", s.records(Kind.REJECTED));
    root.put("checkpoint_segment", s.checkpointSegment());
    root.put("checkpoint_offset", s.checkpointOffset());
    ArrayNode files = root.putArray("files");
    for (FileSummary f : s.files()) {
      ObjectNode o = files.addObject();
      o.put("file", f.file().getFileName().toString());
      o.put("kind", f.kind().name().toLowerCase(Locale.ROOT));
      o.put("bytes", f.bytes());
      o.put("records", f.records());
      o.put("pending", f.pending());
      o.put("first_pending_at", Times.iso(f.firstPendingAt()));
      o.put("problem", f.problem());
    }
    return root;
  }
}
