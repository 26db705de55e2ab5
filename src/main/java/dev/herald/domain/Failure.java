package dev.herald.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One failed publish attempt, as stored with the route and shown by the CLI.
 *
 * @param kind the classification
 * @param message what went wrong, for a human
 * @param at when it failed
 * @param attempt which attempt failed (1 for the first)
 */
public record Failure(FailureKind kind, String message, Instant at, int attempt) {

  /** Stored messages are capped: a Redis error or a stack of causes can be long. */
  public static final int MAX_MESSAGE_LENGTH = 500;

  public Failure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(at, "at");
    message = message == null ? "" : truncate(message);
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE_LENGTH
        ? message
        : message.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
  }
}
