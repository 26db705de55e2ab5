package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.store.MigrationTally;
import dev.herald.store.MigrationTally.Item;
import dev.herald.store.MigrationTally.Kept;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code herald migrate} prints at the end: the tally per target shard, and what stayed. */
final class MigrationReport {

  /** The columns of the table, in order, with their headers. */
  private static final List<Item> COLUMNS = List.of(Item.values());

  private static final List<String> HEADERS =
      List.of(
          "NOTIFICATIONS",
          "ROUTES",
          "WAITING",
          "SCHEDULE",
          "DEAD",
          "RETENTION",
          "IDEMPOTENCY",
          "QUARANTINE",
          "RECIPIENTS",
          "CONTROLS",
          "STATS");

  private final MigrationTally tally;
  private final boolean dryRun;
  private final double seconds;

  MigrationReport(MigrationTally tally, boolean dryRun, double seconds) {
    this.tally = tally;
    this.dryRun = dryRun;
    this.seconds = seconds;
  }

  void print(PrintWriter out) {
    List<String> headers = new ArrayList<>(List.of("SHARD"));
    headers.addAll(HEADERS);
    TextTable table = new TextTable(headers.toArray(String[]::new));
    for (int shard = 0; shard < tally.shards(); shard++) {
      List<String> row = new ArrayList<>(List.of(Integer.toString(shard)));
      for (Item item : COLUMNS) {
        row.add(String.format("%,d", tally.count(item, shard)));
      }
      table.row(row.toArray(String[]::new));
    }
    List<String> total = new ArrayList<>(List.of("total"));
    for (Item item : COLUMNS) {
      total.add(String.format("%,d", tally.total(item)));
    }
    table.row(total.toArray(String[]::new));
    out.println(dryRun ? "would move (dry run: nothing written):" : "moved:");
    table.print(out, Screen.UNLIMITED);
    long n = tally.total(Item.NOTIFICATIONS);
    out.printf(
        Locale.ROOT,
        "%,d notifications %s in %.1fs (%,.0f/s)%s%n",
        n,
        dryRun ? "counted" : "moved",
        seconds,
        rate(),
        tally.resumedCount() > 0
            ? String.format(
                ", %,d of them copied by an earlier run and finished now", tally.resumedCount())
            : "");
    if (tally.keptTotal() > 0) {
      out.printf(
          "kept in the source: %,d (%,d: the target holds another record under that name, %,d:"
              + " leased, %,d: a name Herald does not write)%n",
          tally.keptTotal(),
          tally.keptCount(Kept.CONFLICT),
          tally.keptCount(Kept.LEASED),
          tally.keptCount(Kept.UNREADABLE));
      tally.keptNamed().forEach(k -> out.println("  " + k));
    }
    tally.notes().forEach(note -> out.println("note: " + note));
  }

  String json() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("dry_run", dryRun);
    root.put("shards", tally.shards());
    ObjectNode totals = root.putObject("totals");
    COLUMNS.forEach(item -> totals.put(item.jsonName(), tally.total(item)));
    ArrayNode perShard = root.putArray("per_shard");
    for (int shard = 0; shard < tally.shards(); shard++) {
      ObjectNode s = perShard.addObject();
      s.put("shard", shard);
      for (Item item : COLUMNS) {
        s.put(item.jsonName(), tally.count(item, shard));
      }
    }
    root.put("resumed", tally.resumedCount());
    ObjectNode kept = root.putObject("kept");
    kept.put("conflict", tally.keptCount(Kept.CONFLICT));
    kept.put("leased", tally.keptCount(Kept.LEASED));
    kept.put("unreadable", tally.keptCount(Kept.UNREADABLE));
    ArrayNode named = root.putArray("kept_named");
    tally.keptNamed().forEach(named::add);
    ArrayNode notes = root.putArray("notes");
    tally.notes().forEach(notes::add);
    root.put("seconds", Math.round(seconds * 1000) / 1000.0);
    root.put("notifications_per_second", Math.round(rate()));
    return root.toString();
  }

  private double rate() {
    return seconds > 0 ? tally.total(Item.NOTIFICATIONS) / seconds : 0;
  }
}
