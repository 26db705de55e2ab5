package dev.herald.store.redis;

/**
 * The stored format this process writes new notifications in, decided by the heartbeats
 * (heartbeat.lua): format 1 (records with long names, a {@code p|0|<due>} field per route) until
 * every running Herald has declared that it reads format 2 (short names, no field for an untouched
 * route, lib/states.lua), format 2 until every one reads format 3 (the same record, and no route
 * hash at all until the notification's first change: lib/figures.lua's implied_route_fields),
 * format 3 until every one reads format 4 (routes a claim publishes inline recorded in one packed
 * field per group, lib/states.lua), and format 4 from then on. Every path that stores a
 * notification (accept, intake, the spool's replay, the outbox relay, a dead-letter import) takes
 * it from here, so that a rolling upgrade never stores what a process still running cannot read.
 * Readers read all four always.
 *
 * <p>It starts at the store's decision as {@link RedisBackend#connect} reads it ({@code
 * <ns>:format}, {@link RedisProcessBoard#takeStoredDecision}), 1 when there is none yet: beyond
 * that, a process that has not had a heartbeat's reply does not know who else runs. A process that
 * keeps no heartbeat (the CLI) stays there; one that does moves up with the replies. It never goes
 * back down (the store's decision is sticky too).
 */
final class StoredFormat {

  /** The format written before the gate: what versions before format 2 read. */
  static final int EARLIER = 1;

  /** The highest stored format this version reads, declared in its heartbeats. */
  static final int READS = 4;

  /**
   * The first format whose claims write the routes they publish inline packed, one field per group
   * ({@code P<first>}, lib/states.lua), instead of one {@code s|} field per route.
   */
  static final int PACKED_PUBLISHED = 4;

  private volatile int writing = EARLIER;

  /** The format to write a notification in now. */
  int writing() {
    return writing;
  }

  /**
   * The record format of a notification stored in {@code format}: format 3 changes the route hash
   * only, its record is format 2's ({@link NotificationCodec#VERSION}).
   */
  static int recordFormat(int format) {
    return Math.min(format, NotificationCodec.VERSION);
  }

  /**
   * The format accept.lua is told to store a notification in when the store writes {@code format}:
   * format 4 changes what claims write only, its notifications are stored as format 3's.
   */
  static int acceptFormat(int format) {
    return Math.min(format, PACKED_PUBLISHED - 1);
  }

  /**
   * The format a value of {@code <ns>:format} stands for, read as heartbeat.lua reads it: {@link
   * #EARLIER} when there is none or it is not a number. The one reading of the key's text for the
   * processes that take it at connect and for a migration's target ({@link TargetFormat}).
   */
  static int decision(String value) {
    return value != null && value.matches("[0-9]{1,9}") ? Integer.parseInt(value) : EARLIER;
  }

  /** Takes the store's decision from a heartbeat's reply; never lowers the format. */
  synchronized void decided(int format) {
    if (format > writing) {
      writing = Math.min(format, READS);
    }
  }
}
