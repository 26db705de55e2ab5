package dev.herald.domain;

import java.util.Arrays;
import java.util.Optional;

/** Why a publish attempt failed. The wire name is what the CLI, JSON and metrics show. */
public enum FailureKind {
  /** The route's event could not be encoded (e.g. its payload breaks a limit of the channel). */
  PAYLOAD_ENCODING_FAILED("payload_encoding_failed"),
  /** Redis refused the append to the channel's stream (e.g. the key holds another type). */
  GATEWAY_STREAM_PUBLISH_FAILED("gateway_stream_publish_failed"),
  /** The route's record in Redis is broken: missing notification, unparsable field. */
  CORRUPT_RECORD("corrupt_record");

  private final String wireName;

  FailureKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<FailureKind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }
}
