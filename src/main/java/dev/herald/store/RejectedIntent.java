package dev.herald.store;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of the rejected stream.
 *
 * @param id its entry id in the rejected stream
 * @param rejectedAt when it was rejected (the time in its entry id)
 * @param sourceId the id it had in the intents stream
 * @param reason the field and why it was refused
 * @param fields the fields the producer wrote (without {@code reason} and {@code source_id})
 */
public record RejectedIntent(
    String id, Instant rejectedAt, String sourceId, String reason, Map<String, String> fields) {}
