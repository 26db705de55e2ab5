package dev.herald.store.redis;

/**
 * Routes are scheduled and leased in groups of {@value #SIZE} consecutive indexes (lib/states.lua,
 * GROUP_SIZE): one schedule entry per group rather than per route keeps the schedule small (a
 * sorted-set entry costs ~140 bytes) while bounding the routes a claim reads for one entry.
 */
final class RouteGroups {

  static final int SIZE = 64;

  private RouteGroups() {}
}
