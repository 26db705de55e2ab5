package dev.herald.demo;

import dev.herald.domain.Failure;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.RouteInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** What {@code herald demo} shows as it runs: routes published, retrying and dead. */
final class DemoProgress implements PublisherListener {

  private final AtomicInteger published = new AtomicInteger();
  private final Set<String> retrying = ConcurrentHashMap.newKeySet();
  private final Map<String, Failure> dead = new ConcurrentHashMap<>();

  @Override
  public void onPublished(RouteInfo route, Duration lag) {
    published.incrementAndGet();
    retrying.remove(route.ref());
  }

  @Override
  public void onRetryScheduled(RouteInfo route, Failure failure) {
    retrying.add(route.ref());
  }

  /** Waiting, uncharged, for its stream to take appends: shown with the retrying ones. */
  @Override
  public void onDeferred(RouteInfo route) {
    retrying.add(route.ref());
  }

  @Override
  public void onDeadLettered(RouteInfo route, Failure failure) {
    retrying.remove(route.ref());
    dead.put(route.ref(), failure);
  }

  int published() {
    return published.get();
  }

  int retrying() {
    return retrying.size();
  }

  /** Dead letters by {@code <notification_id>/<route_id>}, with their last failure. */
  Map<String, Failure> deadLetters() {
    return Map.copyOf(dead);
  }

  /**
   * Each dead letter, its {@code herald routes show} (run now, against the demo's Redis) and the
   * commands that requeue it.
   *
   * @param routesShow what {@code herald routes show ID} prints against the demo's Redis
   */
  void printDeadLetters(PrintWriter out, Function<String, String> routesShow) {
    Map<String, Failure> dead = deadLetters();
    out.println();
    if (dead.isEmpty()) {
      out.println("No dead letter this time.");
      return;
    }
    for (Map.Entry<String, Failure> e : dead.entrySet()) {
      String ref = e.getKey();
      String id = ref.substring(0, ref.indexOf('/'));
      Failure f = e.getValue();
      out.printf(
          "Dead letter %s after %d attempts (%s: %s)%n",
          ref, f.attempt(), f.kind().wireName(), f.message());
      out.println();
      out.println("Inspected (against the demo's Redis, before the demo deletes it):");
      out.println("  $ herald routes show " + id);
      routesShow.apply(id).lines().forEach(line -> out.println("    " + line));
      out.println();
      out.println("On your own Herald, once the stream takes appends again, you would requeue it:");
      out.println("  $ herald dead-letters show " + ref);
      out.println("  $ herald dead-letters requeue --dry-run " + ref);
      out.println("  $ herald dead-letters requeue " + ref);
      out.println("or every dead letter that failed the same way:");
      out.println(
          "  $ herald dead-letters requeue --classification " + f.kind().wireName() + " --dry-run");
      out.println();
    }
    out.println(
        "The demo's Redis and its data are deleted now: these commands would find nothing of"
            + " it.");
    out.println(
        "To try them, run `herald run` in one terminal and submit in another (README, Quick"
            + " start).");
  }
}
