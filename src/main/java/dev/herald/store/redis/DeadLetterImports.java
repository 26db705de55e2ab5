package dev.herald.store.redis;

import dev.herald.domain.Failure;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.DeadLetterStore.Import;
import dev.herald.store.DeadLetterStore.ImportResult;
import dev.herald.store.RouteFigures;
import dev.herald.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * {@link DeadLetterStore#importDeadLetters} on Redis: import_dead.lua writes a slice in one round
 * trip. The stored forms (record, state, failure history) are made here by the codecs that read
 * them, so the script only writes what it is given.
 */
final class DeadLetterImports {

  private static final int VALUES_PER_ITEM = 9;

  private final UnifiedJedis redis;
  private final RedisKeys keys;
  private final LuaScript script;
  private final NotificationCodec notifications = new NotificationCodec();
  private final FailureCodec failures = new FailureCodec();

  private final StoredFormat format;

  DeadLetterImports(UnifiedJedis redis, RedisKeys keys, LuaScript script, StoredFormat format) {
    this.redis = redis;
    this.keys = keys;
    this.script = script;
    this.format = format;
  }

  List<ImportResult> store(List<Import> items, Instant now) {
    if (items.size() > DeadLetterStore.MAX_SLICE) {
      throw new IllegalArgumentException(
          "at most "
              + DeadLetterStore.MAX_SLICE
              + " dead letters per call (was "
              + items.size()
              + ")");
    }
    if (items.isEmpty()) {
      return List.of();
    }
    List<String> args = new ArrayList<>(1 + VALUES_PER_ITEM * items.size());
    args.add(Long.toString(now.toEpochMilli()));
    for (Import item : items) {
      Failure last = item.failures().get(item.failures().size() - 1);
      String deadSince = Long.toString(item.deadSince().toEpochMilli());
      List<String> history = new ArrayList<>();
      item.failures().forEach(f -> history.add(failures.encode(f)));
      args.add(item.notification().id());
      args.add(
          notifications.encode(item.notification(), StoredFormat.recordFormat(format.writing())));
      args.add("d|" + item.attempts() + "|" + deadSince);
      args.add(deadSince);
      args.add(String.join("\n", history));
      args.add(item.notification().type());
      args.add(RouteFigures.DEAD_LETTER_PREFIX + last.kind().wireName());
      args.add(
          item.notification().expiresAt() == null
              ? ""
              : Long.toString(item.notification().expiresAt().toEpochMilli()));
      args.add(
          item.source() == null
              ? ""
              : item.source().notificationId() + ":" + item.source().index());
    }
    Object reply =
        RedisErrors.call(
            "importing " + items.size() + " dead letter(s)",
            () ->
                script.run(
                    redis, List.of(keys.deadLetters(), keys.stats(), keys.typeFigures()), args));
    List<?> values = Replies.list(reply, "import_dead");
    if (values.size() != 2 * items.size()) {
      throw new StoreException(
          "import_dead replied with " + values.size() + " values for " + items.size());
    }
    List<ImportResult> results = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      String status = Replies.text(values.get(2 * i), "import status");
      String detail = Replies.text(values.get(2 * i + 1), "import detail");
      results.add(
          switch (status) {
            case "imported" -> new ImportResult(ImportResult.Outcome.IMPORTED, "");
            case "exists" -> new ImportResult(ImportResult.Outcome.EXISTS, "");
            case "present" ->
                new ImportResult(
                    ImportResult.Outcome.SOURCE_PRESENT,
                    detail.length() == 1 && RouteStateCodec.LETTERS.containsKey(detail.charAt(0))
                        ? RouteStateCodec.LETTERS.get(detail.charAt(0)).displayName()
                        : detail);
            case "error" -> new ImportResult(ImportResult.Outcome.FAILED, detail);
            default -> throw new StoreException("import_dead replied " + status);
          });
    }
    return results;
  }
}
