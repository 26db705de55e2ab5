package dev.herald.intake;

import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationRequest;
import dev.herald.domain.NotificationValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One notification read from JSON: what of it parsed, and the errors of its shape (unknown fields,
 * wrong types, malformed JSON).
 *
 * @param index position in the input (0-based)
 * @param request the fields that parsed (a field of the wrong type is null, a list element of the
 *     wrong type a null element); null when the value was no JSON object at all
 * @param errors what is wrong with its shape; empty when every field parsed
 */
public record ParsedNotification(int index, NotificationRequest request, List<FieldError> errors) {
  public ParsedNotification {
    errors = List.copyOf(errors);
  }

  /**
   * Every problem of this notification: the errors of its shape, then what {@code rules} find in
   * the fields that did parse, so that one answer names them all. A field whose shape was wrong is
   * not named again for being missing. Empty when the notification is valid.
   */
  public List<FieldError> problems(NotificationValidator rules) {
    if (request == null) {
      return errors;
    }
    List<FieldError> found = rules.validate(request);
    if (errors.isEmpty()) {
      return found;
    }
    Set<String> named = new HashSet<>();
    errors.forEach(e -> named.add(e.field()));
    List<FieldError> all = new ArrayList<>(errors);
    for (FieldError e : found) {
      if (!named.contains(e.field())) {
        all.add(e);
      }
    }
    return all;
  }
}
