package dev.herald.intake;

import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationRequest;
import java.util.List;

/**
 * One notification read from JSON: a request, or the errors that kept it from being one.
 *
 * @param index position in the input (0-based)
 */
public record ParsedNotification(int index, NotificationRequest request, List<FieldError> errors) {
  public ParsedNotification {
    errors = List.copyOf(errors);
  }
}
