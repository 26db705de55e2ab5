package dev.herald.console;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The console's routes: which page or change answers which request. */
final class ConsoleRoutes {
  private final Console console;
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);

  private final Sessions sessions;
  private final Pages pages;
  private final OverviewPage overview;
  private final DeadLettersPage deadLetters;
  private final BulkPages bulk;
  private final NotificationPage notifications;
  private final ScheduledPage scheduled;
  private final ChannelsPage channels;
  private final ProcessesPage processes;
  private final byte[] css = ConsoleServer.resource("console.css");
  private final byte[] js = ConsoleServer.resource("console.js");

  ConsoleRoutes(Console console, Sessions sessions, History history, BulkJobs jobs) {
    this.console = console;
    this.sessions = sessions;
    this.pages = new Pages(sessions);
    this.overview = new OverviewPage(console, history);
    this.deadLetters = new DeadLettersPage(console);
    this.bulk = new BulkPages(console, jobs);
    this.notifications = new NotificationPage(console);
    this.scheduled = new ScheduledPage(console);
    this.channels = new ChannelsPage(console);
    this.processes = new ProcessesPage(console);
  }

  void register(io.javalin.config.RoutesConfig r) {
    r.get("/static/console.css", ctx -> ctx.contentType("text/css").result(css));
    r.get("/static/console.js", ctx -> ctx.contentType("text/javascript").result(js));
    r.get("/", pages.page((ctx, v) -> overview.render()));
    r.get("/dead-letters", pages.page((ctx, v) -> deadLetters.render(ctx.queryParamMap(), v)));
    r.get(
        "/dead-letters/route",
        pages.page(
            (ctx, v) ->
                notifications.route(ctx.queryParamMap().getOrDefault("ref", List.of("")).get(0))));
    r.get("/dead-letters/confirm", pages.page((ctx, v) -> bulk.confirm(ctx.queryParamMap(), v)));
    r.post(
        "/dead-letters/run",
        pages.change(
            (ctx, v, form) -> {
              BulkJobs.Job job = bulk.run(form, v);
              pages.audit(
                  v,
                  job.verb
                      + " job #"
                      + job.id
                      + " started: "
                      + job.selection
                      + ", at most "
                      + job.expected
                      + (job.options.isEmpty() ? "" : ", " + job.options));
              ctx.redirect("/jobs/" + job.id, io.javalin.http.HttpStatus.SEE_OTHER);
            }));
    r.get(
        "/jobs/{id}",
        pages.page(
            (ctx, v) -> {
              try {
                return bulk.progress(Integer.parseInt(ctx.pathParam("id")));
              } catch (NumberFormatException e) {
                throw new Selection.BadField("job", "not a job number");
              }
            }));
    r.get("/scheduled", pages.page((ctx, v) -> scheduled.render(ctx.queryParamMap())));
    r.get("/notifications", pages.page((ctx, v) -> notifications.find(ctx.queryParamMap(), v)));
    r.get("/channels", pages.page((ctx, v) -> channels.render(v)));
    r.post("/channels/pause", pages.change((ctx, v, f) -> channelChange(ctx, v, f, "pause")));
    r.post("/channels/resume", pages.change((ctx, v, f) -> channelChange(ctx, v, f, "resume")));
    r.post("/channels/limit", pages.change((ctx, v, f) -> channelChange(ctx, v, f, "limit")));
    r.get("/processes", pages.page((ctx, v) -> processes.render()));
    r.get("/sign-in", pages.page((ctx, v) -> signInForm(null)));
    r.post("/sign-in", this::signIn);
    r.get(
        "/sign-out",
        ctx -> {
          pages.viewer(ctx).ifPresent(v -> pages.audit(v, "signed out"));
          sessions.signOut(ctx.cookie(Sessions.COOKIE));
          ctx.header("Set-Cookie", sessionCookie(ctx, "", 0));
          ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
        });
  }

  private void channelChange(Context ctx, Viewer v, Map<String, List<String>> form, String what) {
    String channel = one(form, "channel");
    String who = "console:" + v.user();
    switch (what) {
      case "pause" -> console.channels().pause(channel, who);
      case "resume" -> console.channels().resume(channel, who);
      default -> {
        if (form.containsKey("clear")) {
          console.channels().clearLimit(channel, who);
        } else {
          long rate;
          try {
            rate = Long.parseLong(one(form, "rate").strip());
          } catch (NumberFormatException e) {
            throw new Selection.BadField(
                "rate", "must be a whole number of routes/s (was '" + one(form, "rate") + "')");
          }
          console.channels().limit(channel, rate, who);
        }
      }
    }
    pages.audit(
        v,
        what
            + " channel "
            + channel
            + (form.containsKey("rate") && !form.containsKey("clear")
                ? " to " + one(form, "rate") + " routes/s"
                : form.containsKey("clear") ? " (clear)" : ""));
    ctx.redirect("/channels", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private Rendered signInForm(String problem) {
    if (!sessions.writable()) {
      return Rendered.of(
          "Sign in",
          "",
          "<p class=notice>console.users names no one: the console is read-only.</p>");
    }
    return Rendered.of(
        "Sign in",
        "",
        (problem == null
                ? ""
                : "<p class='notice bad' id=sign-in-problem>" + Html.esc(problem) + "</p>")
            + "<form method=post action='/sign-in' class=filters>"
            + "<label>user<input name=user id=sign-in-user autocomplete=username></label>"
            + "<label>password<input name=password type=password id=sign-in-password"
            + " autocomplete=current-password></label><button class=primary id=sign-in>Sign in</button></form>"
            + "<p class=muted>Signing in lets you requeue, purge, pause and rate-limit; every change is logged with your name.</p>");
  }

  private void signIn(Context ctx) {
    if (!Pages.sameOrigin(ctx)) {
      pages.error(
          ctx,
          403,
          "refused: the request comes from another site (Origin " + ctx.header("Origin") + ")");
      return;
    }
    String user = ctx.formParam("user");
    Optional<Sessions.Session> s = sessions.signIn(user, ctx.formParam("password"));
    if (s.isEmpty()) {
      LOG.warn("console: sign-in refused for user '{}' from {}", user, ctx.ip());
      ctx.status(403);
      pages.frame(ctx, signInForm("wrong user or password"), null);
      return;
    }
    LOG.info("console: {} signed in from {}", user, ctx.ip());
    ctx.header("Set-Cookie", sessionCookie(ctx, s.get().id(), Sessions.LIFETIME.toSeconds()));
    ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  /**
   * The session cookie: never readable by scripts ({@code HttpOnly}), never sent with a request
   * from another site ({@code SameSite=Strict}), and {@code Secure} when the console is reached
   * over HTTPS, served so ({@code console.tls}) or behind a proxy that says so ({@code
   * X-Forwarded-Proto: https}).
   */
  static String sessionCookie(Context ctx, String value, long maxAgeSeconds) {
    boolean https =
        "https".equalsIgnoreCase(ctx.scheme())
            || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    return Sessions.COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (https ? "; Secure" : "");
  }

  void error(Context ctx, int status, String message) {
    pages.error(ctx, status, message);
  }

  private static String one(Map<String, List<String>> form, String name) {
    return form.getOrDefault(name, List.of("")).get(0);
  }
}
