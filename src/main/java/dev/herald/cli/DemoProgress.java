package dev.herald.cli;

import dev.herald.domain.Failure;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.RouteInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
}
