package dev.herald.intake;

import java.util.HashSet;
import java.util.Set;

/**
 * The fields a rejection can name, as a metric label: those of the schema (a notification's, a
 * cancel's, the intents stream entry's) and the pseudo-fields of the whole input ({@code (json)},
 * {@code (intent)}, …). Anything else a producer wrote (a typo, {@code sendAt}) is {@code other}:
 * each distinct label value is a time series kept forever, and producers choose the field names.
 */
public final class RejectedFields {

  public static final String OTHER = "other";

  private static final Set<String> KNOWN = known();

  private RejectedFields() {}

  private static Set<String> known() {
    Set<String> all = new HashSet<>(NotificationJson.FIELDS);
    all.addAll(
        Set.of(
            IntentParser.FIELD,
            "cancel",
            "cancel_idempotency_key",
            "(input)",
            "(json)",
            "(notification)",
            "(intent)",
            "(redis)",
            "(spool)"));
    return Set.copyOf(all);
  }

  /** The label of a rejection naming {@code field}: {@code recipients[3]} is {@code recipients}. */
  public static String label(String field) {
    if (field == null) {
      return OTHER;
    }
    String bare = field.replaceAll("\\[\\d+]", "");
    return KNOWN.contains(bare) ? bare : OTHER;
  }
}
