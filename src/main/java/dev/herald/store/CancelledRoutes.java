package dev.herald.store;

import java.util.Map;

/**
 * The routes a cancel turned cancelled, as the metrics count them.
 *
 * @param type the notification's type
 * @param byChannel how many on each channel; empty when it had been cancelled before
 */
public record CancelledRoutes(String type, Map<String, Integer> byChannel) {

  /** No routes: what a result that cancelled nothing carries. */
  public static final CancelledRoutes NONE = new CancelledRoutes("", Map.of());

  public CancelledRoutes {
    byChannel = Map.copyOf(byChannel);
  }
}
