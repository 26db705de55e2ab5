package dev.herald.store;

import java.util.Map;

/**
 * One entry of the intents stream, as read.
 *
 * @param entryId its stream entry id
 * @param fields its fields, or null when the entry was deleted from the stream while pending
 */
public record Intent(String entryId, Map<String, String> fields) {
  public Intent {
    fields = fields == null ? null : Map.copyOf(fields);
  }

  public boolean isDeleted() {
    return fields == null;
  }
}
