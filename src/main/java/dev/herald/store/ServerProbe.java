package dev.herald.store;

import java.util.List;

/**
 * What benchmarks need to know about the Redis server itself: its CPU and memory use, how many
 * commands it ran, when stream entries were appended. Not for the publishing path.
 */
public interface ServerProbe {

  /** {@code redis_version}. */
  String version();

  /** {@code appendonly} and {@code appendfsync}, e.g. {@code "appendonly no"}. */
  String persistence();

  /** CPU seconds Redis has used (user + system) since it started. */
  double cpuSeconds();

  /** {@code used_memory} in bytes. */
  long usedMemory();

  /** Commands Redis has run since its statistics were reset, scripts' inner calls included. */
  long commandsProcessed();

  /** True when any key of the namespace exists. */
  boolean namespaceHasData();

  /** Deletes every key of the namespace; returns how many. */
  long deleteNamespace();

  /** Entries of a stream from {@code afterId} (exclusive; "-" for the start), oldest first. */
  List<StreamEntryTime> readStream(String stream, String afterId, int count);

  /** The newest entry of a stream, or null when it is empty. */
  StreamEntryTime lastEntry(String stream);

  /**
   * Appends one entry per intent to the intents stream, field {@code intent}, as producers do
   * (pipelined): the benchmark's stand-in for them.
   */
  void appendIntents(String stream, List<String> intentsJson);

  /**
   * Redis's floor for publishing: appends one entry per element of {@code routes} to {@code stream}
   * with the XADDs Herald's completion makes ({@code MAXLEN ~}, {@code event_id}, {@code user_id},
   * {@code route_id}, then {@code shared}) in one bare Lua loop, and nothing else.
   *
   * @param routes per entry its event_id, user_id and route_id
   */
  void appendFloor(String stream, long maxLength, List<String> shared, List<List<String>> routes);

  /** Length of a stream; 0 when it does not exist. */
  long streamLength(String stream);

  /**
   * One stream entry's append time and the notification it belongs to.
   *
   * @param id the entry id
   * @param appendedAtMs the milliseconds part of the id: Redis's clock when it was appended
   */
  record StreamEntryTime(String id, long appendedAtMs, String notificationId) {}
}
