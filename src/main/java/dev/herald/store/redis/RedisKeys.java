package dev.herald.store.redis;

/**
 * Every key Herald keeps, built from the configured namespace. The Lua scripts build the
 * per-notification keys ({@code n:}, {@code r:}, {@code f:}) from the same prefix, because a batch
 * discovers its notifications in the schedule; keep the two in step.
 *
 * <pre>
 *   &lt;ns&gt;:schedule          zset  group member "&lt;id&gt;:&lt;first&gt;-&lt;last&gt;" → next time a worker is needed (ms)
 *   &lt;ns&gt;:n:&lt;id&gt;            string  the notification (JSON), written once
 *   &lt;ns&gt;:r:&lt;id&gt;            hash  route index → packed state (see lib.lua); "open" → unfinished routes
 *   &lt;ns&gt;:f:&lt;id&gt;            hash  route index → failed attempts, one JSON object per line
 *   &lt;ns&gt;:dead              zset  "&lt;id&gt;:&lt;index&gt;" → dead since (ms)
 *   &lt;ns&gt;:retention         zset  id → when its finished record may be deleted (ms)
 *   &lt;ns&gt;:idem:&lt;len&gt;:&lt;producer&gt;:&lt;key&gt;  string  "&lt;id&gt;|&lt;accepted ms&gt;", expires after the window
 *   &lt;ns&gt;:quarantine        hash  unreadable schedule member → "&lt;ms&gt;|&lt;reason&gt;"
 *   &lt;ns&gt;:stats             hash  counters
 *   &lt;ns&gt;:stats:types       hash  route figures by notification type, "&lt;figure&gt;:&lt;type&gt;" (lib.lua)
 *   &lt;ns&gt;:wakeup            pub/sub channel: earliest due time (ms) of each accepted batch
 *   &lt;ns&gt;:breakers          hash  "&lt;process&gt;|&lt;stream&gt;" → open stream breaker (breakers.lua)
 * </pre>
 */
public final class RedisKeys {

  private final String prefix;

  public RedisKeys(String namespace) {
    this.prefix = namespace + ":";
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

  /** Route figures by notification type: field {@code <figure>:<type>} (see lib.lua). */
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

  /**
   * The idempotency key of a producer's key. The producer's length comes first so that {@code
   * a:b}+{@code c} and {@code a}+{@code b:c} cannot meet.
   */
  public String idempotency(String producer, String key) {
    return prefix + "idem:" + producer.length() + ":" + producer + ":" + key;
  }
}
