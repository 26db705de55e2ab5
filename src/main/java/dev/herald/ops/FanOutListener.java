package dev.herald.ops;

import dev.herald.domain.Failure;
import dev.herald.publish.PublisherListener;
import dev.herald.publish.RouteInfo;
import java.time.Duration;
import java.util.List;

/** Passes every publisher event on to several listeners, in order. */
public final class FanOutListener implements PublisherListener {

  private final List<PublisherListener> listeners;

  private FanOutListener(List<PublisherListener> listeners) {
    this.listeners = listeners;
  }

  public static PublisherListener of(PublisherListener... listeners) {
    return new FanOutListener(List.of(listeners));
  }

  @Override
  public void onClaimed(int routes, Duration took) {
    listeners.forEach(l -> l.onClaimed(routes, took));
  }

  @Override
  public void onPublished(RouteInfo route, Duration lag) {
    listeners.forEach(l -> l.onPublished(route, lag));
  }

  @Override
  public void onRetryScheduled(RouteInfo route, Failure failure) {
    listeners.forEach(l -> l.onRetryScheduled(route, failure));
  }

  @Override
  public void onDeadLettered(RouteInfo route, Failure failure) {
    listeners.forEach(l -> l.onDeadLettered(route, failure));
  }

  @Override
  public void onExpired(RouteInfo route) {
    listeners.forEach(l -> l.onExpired(route));
  }

  @Override
  public void onDeadLettersPurged(int count, String reason) {
    listeners.forEach(l -> l.onDeadLettersPurged(count, reason));
  }

  @Override
  public void onLeaseLost(RouteInfo route) {
    listeners.forEach(l -> l.onLeaseLost(route));
  }

  @Override
  public void onDeferred(RouteInfo route) {
    listeners.forEach(l -> l.onDeferred(route));
  }

  @Override
  public void onCorruptRecord(String description) {
    listeners.forEach(l -> l.onCorruptRecord(description));
  }

  @Override
  public void onBatchCompleted(int routes, Duration took) {
    listeners.forEach(l -> l.onBatchCompleted(routes, took));
  }

  @Override
  public void onBreakerOpened(String stream, String reason) {
    listeners.forEach(l -> l.onBreakerOpened(stream, reason));
  }

  @Override
  public void onBreakerClosed(String stream, Duration openFor) {
    listeners.forEach(l -> l.onBreakerClosed(stream, openFor));
  }

  @Override
  public void onSinkUnavailable(String error) {
    listeners.forEach(l -> l.onSinkUnavailable(error));
  }

  @Override
  public void onCycleFailed(RuntimeException error) {
    listeners.forEach(l -> l.onCycleFailed(error));
  }

  @Override
  public void onCycleSucceeded() {
    listeners.forEach(PublisherListener::onCycleSucceeded);
  }

  @Override
  public void onWorkerStopped() {
    listeners.forEach(PublisherListener::onWorkerStopped);
  }
}
