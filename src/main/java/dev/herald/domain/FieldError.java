package dev.herald.domain;

/**
 * What is wrong with one field of a notification: {@code recipients[2]: contains whitespace}.
 *
 * @param field the JSON name, with an index for list elements
 * @param reason why it was refused, with the offending value where it helps
 */
public record FieldError(String field, String reason) {
  @Override
  public String toString() {
    return field + ": " + reason;
  }
}
