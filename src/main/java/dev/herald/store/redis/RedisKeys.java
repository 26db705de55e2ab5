package dev.herald.store.redis;

import java.util.List;

/**
 * Every key Herald keeps, built from one prefix, {@code <namespace>:} (the namespace may carry a
 * Redis Cluster hash tag, {@code herald:{0}}, so that every key hashes to one slot). The Lua
 * scripts build the per-notification keys ({@code n:}, {@code r:}, {@code f:}, {@code idem:}) and
 * the wake-up channel from the same prefix, which they find in the key each is given first (see
 * {@code lib/keys.lua}): keep the two in step.
 *
 * <pre>
 *   &lt;ns&gt;:schedule          zset  group member "&lt;id&gt;:&lt;first&gt;-&lt;last&gt;" → next time a worker is needed (ms)
 *   &lt;ns&gt;:n:&lt;id&gt;            string  the notification (JSON, NotificationCodec), written once
 *   &lt;ns&gt;:r:&lt;id&gt;            hash  touched route index → packed state (lib/states.lua); "open", "exp", "type", "due", "n", leases
 *                                 (stored format 3: absent until the notification's first change)
 *   &lt;ns&gt;:f:&lt;id&gt;            hash  route index → failed attempts, one JSON object per line
 *   &lt;ns&gt;:dead              zset  "&lt;id&gt;:&lt;index&gt;" → dead since (ms)
 *   &lt;ns&gt;:retention         zset  id → when its finished record may be deleted (ms)
 *   &lt;ns&gt;:idem:&lt;len&gt;:&lt;producer&gt;:&lt;key&gt;  string  "&lt;id&gt;|&lt;accepted ms&gt;", expires after the window
 *   &lt;ns&gt;:quarantine        hash  unreadable schedule member → "&lt;ms&gt;|&lt;reason&gt;"
 *   &lt;ns&gt;:stats             hash  counters
 *   &lt;ns&gt;:stats:types       hash  route figures by notification type, "&lt;figure&gt;:&lt;type&gt;" (lib/figures.lua)
 *   &lt;ns&gt;:wakeup            pub/sub channel: earliest due time (ms) of each accepted batch
 *   &lt;ns&gt;:breakers          hash  "&lt;process&gt;|&lt;stream&gt;" → open stream breaker (breakers.lua)
 *   &lt;ns&gt;:channels          hash  "paused:&lt;channel&gt;", "rate:&lt;channel&gt;" → the operator's channel controls
 *   &lt;ns&gt;:channels:buckets  hash  channel → "&lt;tokens&gt;|&lt;at ms&gt;": rate-limit buckets (claim.lua)
 *   &lt;ns&gt;:processes         hash  process → heartbeat (heartbeat.lua)
 *   &lt;ns&gt;:format            string  the stored format written (heartbeat.lua), sticky
 *   &lt;ns&gt;:migrations        hash  fingerprint of counters {@code herald migrate} added → when (ms)
 * </pre>
 */
public final class RedisKeys {

  private final String prefix;
  private final String streamSuffix;

  public RedisKeys(String namespace) {
    this.prefix = namespace + ":";
    this.streamSuffix = "";
  }

  private RedisKeys(String prefix, String streamSuffix) {
    this.prefix = prefix;
    this.streamSuffix = streamSuffix;
  }

  /**
   * The keys of one shard: {@code <namespace>:{<tag>}:…}, and each configured stream {@code
   * <stream>:{<tag>}}, so that a shard's state and its streams hash to one slot.
   */
  static RedisKeys ofShard(String namespace, String tag) {
    return new RedisKeys(namespace + ":{" + tag + "}:", ":{" + tag + "}");
  }

  /**
   * The keys of each of {@code shards} shards, in shard order: with one, the namespace's own (no
   * hash tag); with more, each under its shard's hash tag ({@link ShardTags}).
   */
  public static List<RedisKeys> ofShards(String namespace, int shards) {
    if (shards == 1) {
      return List.of(new RedisKeys(namespace));
    }
    return ShardTags.of(shards).stream().map(tag -> ofShard(namespace, tag)).toList();
  }

  /**
   * The stream a configured stream name is in these keys: the name itself, or, in a shard, the name
   * with the shard's hash tag appended.
   */
  public String stream(String configured) {
    return configured + streamSuffix;
  }

  /** The prefix every key starts with, e.g. {@code herald:}. */
  public String prefix() {
    return prefix;
  }

  public String schedule() {
    return prefix + "schedule";
  }

  public String notification(String id) {
    return prefix + "n:" + id;
  }

  public String routes(String id) {
    return prefix + "r:" + id;
  }

  public String failures(String id) {
    return prefix + "f:" + id;
  }

  public String deadLetters() {
    return prefix + "dead";
  }

  public String retention() {
    return prefix + "retention";
  }

  public String quarantine() {
    return prefix + "quarantine";
  }

  public String stats() {
    return prefix + "stats";
  }

  /** Route figures by notification type: field {@code <figure>:<type>} (lib/figures.lua). */
  public String typeFigures() {
    return prefix + "stats:types";
  }

  public String wakeupChannel() {
    return prefix + "wakeup";
  }

  /** The stream breakers each process has open (breakers.lua). */
  public String breakers() {
    return prefix + "breakers";
  }

  /** The operator's channel controls: pauses and rate limits (claim.lua reads them). */
  public String channelControls() {
    return prefix + "channels";
  }

  /** The token buckets of the rate-limited channels, shared by every process (claim.lua). */
  public String channelBuckets() {
    return prefix + "channels:buckets";
  }

  /** The heartbeat of every running process (heartbeat.lua). */
  public String processes() {
    return prefix + "processes";
  }

  /** The stored format every process writes, once all declared they read it (heartbeat.lua). */
  public String storedFormat() {
    return prefix + "format";
  }

  /**
   * The counters {@code herald migrate} added into this shard, by fingerprint (migrate_stats.lua).
   */
  public String migrations() {
    return prefix + "migrations";
  }

  /** A recipient's entry in the opt-in recipient index (lib/recipients.lua). */
  public String recipient(String recipient) {
    return prefix + "rcpt:" + recipient;
  }

  /** The idempotency key of a producer's key: {@code <prefix>idem:} and its name. */
  public String idempotency(String producer, String key) {
    return prefix + "idem:" + idempotencyName(producer, key);
  }

  /**
   * The part of an idempotency key after {@code <prefix>idem:}, as the scripts take it. The
   * producer's length comes first so that {@code a:b}+{@code c} and {@code a}+{@code b:c} cannot
   * meet.
   */
  static String idempotencyName(String producer, String key) {
    return producer.length() + ":" + producer + ":" + key;
  }
}
