package dev.herald.intake;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.domain.CancelRequest;
import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import dev.herald.domain.Shards;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import dev.herald.store.IntentStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one entry of the intents stream into what to do with it. The entry's field {@value #FIELD}
 * holds either a notification (the JSON of {@link NotificationJson}, checked by {@link
 * NotificationValidator}) or a cancel: {@code {"cancel": "<notification id>"}} or {@code
 * {"cancel_idempotency_key": "<key>", "producer": "<producer>"}}. Anything else is rejected with
 * every problem named, field by field.
 */
final class IntentParser {

  /** The stream field that holds the intent. */
  static final String FIELD = "intent";

  /** Longer intents are rejected unread: 10,000 recipients of 128 characters fit well below it. */
  static final int MAX_INTENT_CHARS = 4 * 1024 * 1024;

  /** Reasons are cut to this length in the rejected stream. */
  static final int MAX_REASON_CHARS = 1000;

  private static final Set<String> BY_ID = Set.of("cancel");
  private static final Set<String> BY_KEY = Set.of("cancel_idempotency_key", "producer");

  /** How far in the future an entry's id may lie, a shard's intents being accepted as of it. */
  static final Duration ENTRY_AHEAD = Duration.ofMinutes(1);

  private final NotificationJson json = new NotificationJson();
  private final IntentStream.Shard shard;

  /** A parser of the one intents stream of one Redis. */
  IntentParser() {
    this(null);
  }

  /**
   * @param shard the shard whose intents stream is read (null: the one stream of one Redis)
   */
  IntentParser(IntentStream.Shard shard) {
    this.shard = shard;
  }

  /**
   * What to do with an entry.
   *
   * @param rejectedField the first field its rejection names; null unless it is rejected
   */
  record Parsed(IntentDecision decision, String rejectedField) {}

  Parsed parse(Intent intent, NotificationValidator rules, NotificationIds ids, Instant now) {
    String entryId = intent.entryId();
    if (intent.isDeleted()) {
      return new Parsed(new IntentDecision.Drop(entryId), null);
    }
    String text = intent.fields().get(FIELD);
    if (text == null) {
      return reject(
          entryId,
          List.of(
              new FieldError(
                  FIELD,
                  "is required: write the notification JSON to the stream field '"
                      + FIELD
                      + "' (the entry has "
                      + describeFields(intent.fields().keySet())
                      + ")")));
    }
    if (text.length() > MAX_INTENT_CHARS) {
      return reject(
          entryId,
          List.of(
              new FieldError(
                  FIELD,
                  "is "
                      + text.length()
                      + " characters, more than the "
                      + MAX_INTENT_CHARS
                      + " an intent may have")));
    }
    List<FieldError> errors = new ArrayList<>();
    JsonNode node = NotificationJson.readValue(text, errors);
    if (node == null) {
      return reject(entryId, errors);
    }
    if (node.isObject() && (node.has("cancel") || node.has("cancel_idempotency_key"))) {
      return cancel(entryId, node, rules);
    }
    ParsedNotification parsed = json.read(0, node);
    List<FieldError> problems = parsed.problems(rules);
    if (!problems.isEmpty()) {
      return reject(entryId, problems);
    }
    NotificationRequest request = parsed.request();
    if (shard == null) {
      return new Parsed(
          new IntentDecision.Accept(
              entryId,
              request.toNotification(
                  ids.nextFor(now, request.producer(), request.idempotencyKey()), now)),
          null);
    }
    return ofShard(entryId, request, ids.shards(), now);
  }

  /**
   * An accept of a shard's stream: under the id of its entry ({@link NotificationIds#ofIntent}), in
   * its idempotency key's shard or else this one, as of the entry's time, so that an accept sent
   * again makes the very same notification. An entry id more than {@link #ENTRY_AHEAD} ahead (a
   * producer's own) is refused: it would schedule the notification then.
   */
  private Parsed ofShard(String entryId, NotificationRequest request, Shards layout, Instant now) {
    long entryMillis = Long.parseLong(entryId.substring(0, entryId.indexOf('-')));
    if (entryMillis > now.plus(ENTRY_AHEAD).toEpochMilli()) {
      return reject(
          entryId,
          List.of(
              new FieldError(
                  "(entry id)",
                  entryId
                      + " lies more than "
                      + ENTRY_AHEAD.toSeconds()
                      + " s ahead of Herald's clock; let Redis choose entry ids (XADD … *)")));
    }
    int target =
        request.idempotencyKey() == null
            ? shard.index()
            : layout.ofIdempotencyKey(request.producer(), request.idempotencyKey());
    String id = NotificationIds.ofIntent(shard.stream(), entryId, entryMillis, target);
    return new Parsed(
        new IntentDecision.Accept(
            entryId, request.toNotification(id, Instant.ofEpochMilli(entryMillis))),
        null);
  }

  private Parsed cancel(String entryId, JsonNode node, NotificationValidator rules) {
    boolean byId = node.has("cancel");
    Set<String> allowed = byId ? BY_ID : BY_KEY;
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        errors.add(
            new FieldError(
                name,
                "not allowed in a cancel (a cancel has only "
                    + String.join(" and ", new TreeSet<>(allowed))
                    + ")"));
      }
    }
    String id = text(node, "cancel", errors);
    String key = text(node, "cancel_idempotency_key", errors);
    String producer = text(node, "producer", errors);
    CancelRequest request = null;
    if (errors.isEmpty()) {
      request = byId ? CancelRequest.byId(id) : CancelRequest.byIdempotencyKey(producer, key);
      errors.addAll(rules.validate(request));
    }
    if (!errors.isEmpty()) {
      return reject(entryId, errors);
    }
    if (byId) {
      id = NotificationIds.canonical(id); // ids are read without regard to case
      request = CancelRequest.byId(id);
    }
    String unknown =
        byId
            ? "cancel: no notification " + id + " (never accepted, or past its retention)"
            : "cancel_idempotency_key: no notification of producer "
                + producer
                + " with idempotency key "
                + key
                + " within intake.idempotency-window";
    return new Parsed(new IntentDecision.Cancel(entryId, request, unknown), null);
  }

  private static String text(JsonNode node, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return null;
    }
    return v.textValue();
  }

  static Parsed reject(String entryId, List<FieldError> errors) {
    return new Parsed(new IntentDecision.Reject(entryId, reason(errors)), errors.get(0).field());
  }

  /** Every problem, {@code field: why}, joined by {@code ; } and cut to a bounded length. */
  static String reason(List<FieldError> errors) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < errors.size(); i++) {
      String next = (i == 0 ? "" : "; ") + errors.get(i);
      if (i == 0 && next.length() > MAX_REASON_CHARS) {
        next = next.substring(0, MAX_REASON_CHARS) + "…";
      } else if (out.length() + next.length() > MAX_REASON_CHARS) {
        out.append("; … and ").append(errors.size() - i).append(" more");
        break;
      }
      out.append(next);
    }
    return out.toString();
  }

  private static String describeFields(Set<String> names) {
    if (names.isEmpty()) {
      return "no fields";
    }
    String list = String.join(", ", new TreeSet<>(names));
    return "fields " + (list.length() > 200 ? list.substring(0, 200) + "…" : list);
  }
}
