package dev.herald.console;

import static dev.herald.console.Html.esc;
import static dev.herald.console.Html.number;
import static dev.herald.console.Html.time;

import dev.herald.deadletter.BulkRun;
import dev.herald.deadletter.DeadLetterActions;
import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.deadletter.Pacer;
import dev.herald.deadletter.RequeueTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Requeue and purge from the console, as {@code herald dead-letters requeue|purge}: first a dry run
 * that counts what the selection matches and asks; then the run, on no more than were counted and
 * none that became dead letters since the count; then its progress.
 */
final class BulkPages {

  private final Console console;
  private final BulkJobs jobs;

  BulkPages(Console console, BulkJobs jobs) {
    this.console = console;
    this.jobs = jobs;
  }

  static String verb(Map<String, List<String>> params) {
    String action = params.getOrDefault("action", List.of("")).get(0);
    if (!action.equals("requeue") && !action.equals("purge")) {
      throw new Selection.BadField("action", "must be requeue or purge (was '" + action + "')");
    }
    return action;
  }

  /** The dry run: how many the selection matches now, and the form that acts on them. */
  Rendered confirm(Map<String, List<String>> params, Viewer viewer) {
    String verb = verb(params);
    Instant now = console.clock().instant();
    Selection sel = Selection.of(params, now);
    if (!sel.named() && sel.filter().matchesEverything() && !params.containsKey("all")) {
      throw new Selection.BadField(
          "selection", "say which dead letters: select some, or set a filter (or all=1)");
    }
    BulkRun.Options counting =
        new BulkRun.Options(
            0, Pacer.unlimited(console.clock()), () -> false, BulkRun.Progress.NONE, d -> {});
    long count =
        new BulkRun(console.clock())
            .run(sel.source(console, sel.filter()), null, counting)
            .matched();
    StringBuilder b = new StringBuilder();
    b.append("<p class=notice id=dry-run>Dry run: would ")
        .append(verb)
        .append(" <b id=dry-run-count>")
        .append(number(count))
        .append("</b> dead letter(s) (")
        .append(esc(sel.describe()))
        .append("); nothing was changed.</p>");
    if (count == 0) {
      b.append("<p><a href='/dead-letters?").append(sel.query()).append("'>back</a></p>");
      return Rendered.of("Nothing to " + verb, "/dead-letters", b.toString());
    }
    String fields =
        sel.hidden()
            + "<input type=hidden name=action value="
            + verb
            + "><input type=hidden name=expected value="
            + count
            + ">"
            + (params.containsKey("all") ? "<input type=hidden name=all value=1>" : "");
    String limitField =
        "<label>at most <input name=limit id=bulk-limit size=7 placeholder=all> routes, newest"
            + " first (a canary)</label>";
    String extra =
        verb.equals("requeue")
            ? "<fieldset class=options id=requeue-options><legend>as herald dead-letters requeue"
                + " would</legend><p><label><input type=checkbox name=keep-attempts value=1> keep"
                + " their attempts (one more each)</label></p><p><label>due at <input name=at"
                + " id=bulk-at size=22 placeholder=now> (UTC time, or from now: 10m)</label> ·"
                + " <label>spread over <input name=spread id=bulk-spread size=5 placeholder=0s>"
                + "</label></p><p><label>at most <input name=rate id=bulk-rate size=7"
                + " placeholder=unlimited> routes/s</label> · "
                + limitField
                + "</p></fieldset>"
            : "<p>" + limitField + "</p><p class=bad>Purged routes can no longer be requeued.</p>";
    b.append(
        viewer.changeForm(
            "/dead-letters/run",
            fields + extra,
            "<button class='"
                + (verb.equals("purge") ? "danger" : "primary")
                + "' id=confirm>"
                + (verb.equals("purge") ? "Purge " : "Requeue ")
                + number(count)
                + " dead letter(s)</button> <a href='/dead-letters?"
                + sel.query()
                + "'>cancel</a>",
            verb.equals("purge") ? "Purge " + count + " dead letter(s) for good?" : null));
    return Rendered.of(
        (verb.equals("purge") ? "Purge" : "Requeue") + " dead letters?",
        "/dead-letters",
        b.toString());
  }

  /** Starts the run (the caller checked the session and CSRF); returns its job. */
  BulkJobs.Job run(Map<String, List<String>> form, Viewer viewer) {
    String verb = verb(form);
    Instant now = console.clock().instant();
    Selection sel = Selection.of(form, now);
    long expected;
    try {
      expected = Long.parseLong(form.getOrDefault("expected", List.of("")).get(0));
    } catch (NumberFormatException e) {
      throw new Selection.BadField("expected", "the dry run's count is missing");
    }
    // No more than were counted, and none that became dead letters since.
    DeadLetterFilter filter = sel.named() ? sel.filter() : sel.filter().until(now);
    long limit = whole(form, "limit", "a whole number of routes, or empty for all");
    long atMost = limit > 0 ? Math.min(limit, expected) : expected;
    double rate = 0;
    BulkRun.Action action;
    String options;
    if (verb.equals("requeue")) {
      Duration spread =
          field(form, "spread").isEmpty()
              ? Duration.ZERO
              : dev.herald.config.Durations.parse(field(form, "spread"))
                  .filter(d -> !d.isNegative())
                  .orElseThrow(() -> new Selection.BadField("spread", "must be a duration (10m)"));
      Instant at = TimeWindow.time("at", field(form, "at"), now).orElse(now);
      rate = whole(form, "rate", "a whole number of routes/s, or empty for no limit");
      action =
          DeadLetterActions.requeue(
              console.deadLetters(),
              new RequeueTiming(at, spread),
              form.containsKey("keep-attempts"));
      options =
          "due "
              + (at.equals(now) ? "now" : at.toString())
              + (spread.isZero()
                  ? ""
                  : ", spread over " + dev.herald.config.Durations.format(spread))
              + (rate > 0 ? ", " + (long) rate + " routes/s" : "")
              + (form.containsKey("keep-attempts") ? ", attempts kept" : "");
    } else {
      action = DeadLetterActions.purge(console.deadLetters());
      options = "";
    }
    return jobs.start(
        new BulkJobs.Plan(verb, viewer.user(), sel.describe(), options, atMost, rate),
        sel.source(console, filter),
        action);
  }

  private static String field(Map<String, List<String>> form, String name) {
    return form.getOrDefault(name, List.of("")).get(0).strip();
  }

  /** A whole number 0 or more from the form; empty is 0 (no limit). */
  private static long whole(Map<String, List<String>> form, String name, String what) {
    String text = field(form, name);
    try {
      long n = text.isEmpty() ? 0 : Long.parseLong(text);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new Selection.BadField(name, "must be " + what + " (was '" + text + "')");
    }
  }

  Rendered progress(int id) {
    BulkJobs.Job job =
        jobs.find(id)
            .orElseThrow(() -> new Selection.BadField("job", "no job " + id + " in this process"));
    Instant now = console.clock().instant();
    BulkRun.Summary s = job.soFar;
    String done = job.verb.equals("requeue") ? "requeued" : "purged";
    StringBuilder b = new StringBuilder();
    b.append("<p id=job-state class=")
        .append(job.error != null ? "bad" : job.done ? "ok" : "warn")
        .append(">")
        .append(job.error != null ? "failed: " + esc(job.error) : job.done ? "done" : "running")
        .append("</p><progress max='")
        .append(Math.max(1, job.expected))
        .append("' value='")
        .append(s.changed() + s.notDead() + s.failed())
        .append("'></progress><table><tr><th>matched<th>")
        .append(done)
        .append(
            "<th>skipped (not dead letters any more)<th>errors<th>scanned<th>took</tr><tr><td class=num id=job-matched>")
        .append(number(s.matched()))
        .append("<td class=num id=job-changed>")
        .append(number(s.changed()))
        .append("<td class=num>")
        .append(number(s.notDead()))
        .append("<td class=num>")
        .append(number(s.failed()))
        .append("<td class=num>")
        .append(number(job.scanned))
        .append(job.total > 0 ? " of " + number(job.total) : "")
        .append("<td>")
        .append(Html.seconds(job.took.toMillis() / 1000.0))
        .append("</tr></table>");
    long left = job.expected - (s.changed() + s.notDead() + s.failed());
    if (!job.done && job.rate > 0 && left > 0) {
      b.append("<p class=muted id=job-eta>paced at ")
          .append(number((long) job.rate))
          .append(" routes/s: about ")
          .append(Html.span(java.time.Duration.ofSeconds((long) Math.ceil(left / job.rate))))
          .append(" left</p>");
    }
    for (String note : s.notes()) {
      b.append("<p class=muted>").append(esc(note)).append("</p>");
    }
    String before =
        "<p>"
            + esc(job.verb)
            + " of "
            + esc(job.selection)
            + " by "
            + esc(job.user)
            + ", started "
            + time(job.started, now)
            + "; at most "
            + number(job.expected)
            + (job.options.isEmpty() ? "" : "; " + esc(job.options))
            + "</p>";
    String live = b + "<p><a href='/dead-letters'>dead letters</a></p>";
    return new Rendered(
        "Bulk " + job.verb + " #" + id, "/dead-letters", before, live, job.done ? 0 : 1);
  }
}
