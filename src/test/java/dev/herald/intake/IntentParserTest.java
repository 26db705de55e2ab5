package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationIds;
import dev.herald.domain.NotificationValidator;
import dev.herald.store.Intent;
import dev.herald.store.IntentDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IntentParserTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private final IntentParser parser = new IntentParser();
  private final NotificationValidator rules = new NotificationValidator(Set.of("push"), 1000);

  private IntentParser.Parsed parse(Map<String, String> fields) {
    return parser.parse(new Intent("1-0", fields), rules, new NotificationIds(new Random(1)), NOW);
  }

  private IntentParser.Parsed parse(String json) {
    return parse(Map.of("intent", json));
  }

  private static String reason(IntentParser.Parsed p) {
    assertThat(p.decision()).isInstanceOf(IntentDecision.Reject.class);
    return ((IntentDecision.Reject) p.decision()).reason();
  }

  @Test
  void a_valid_notification_becomes_an_accept_with_its_expiry() {
    IntentParser.Parsed p =
        parse(
            "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[\"u-1\",\"u-2\"],"
                + "\"channels\":[\"push\"],\"expires_at\":\"2026-11-25T13:00:00+01:00\"}");
    assertThat(p.rejectedField()).isNull();
    IntentDecision.Accept a = (IntentDecision.Accept) p.decision();
    assertThat(a.entryId()).isEqualTo("1-0");
    assertThat(a.notification().routeCount()).isEqualTo(2);
    assertThat(a.notification().acceptedAt()).isEqualTo(NOW);
    assertThat(a.notification().expiresAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
  }

  @Test
  void cancels_name_an_id_or_a_producer_and_key() {
    IntentDecision.Cancel byId =
        (IntentDecision.Cancel) parse("{\"cancel\":\"01JDQ5XKZ7W3M1V9Y4T0R8E6PA\"}").decision();
    assertThat(byId.request()).isEqualTo(CancelRequest.byId("01JDQ5XKZ7W3M1V9Y4T0R8E6PA"));
    assertThat(byId.reasonIfUnknown())
        .startsWith("cancel: no notification 01JDQ5XKZ7W3M1V9Y4T0R8E6PA");

    IntentDecision.Cancel byKey =
        (IntentDecision.Cancel)
            parse("{\"cancel_idempotency_key\":\"turn-42\",\"producer\":\"game\"}").decision();
    assertThat(byKey.request()).isEqualTo(CancelRequest.byIdempotencyKey("game", "turn-42"));
  }

  @Test
  void a_cancel_id_is_a_notification_id_in_any_case_and_nothing_else() {
    IntentDecision.Cancel lower =
        (IntentDecision.Cancel) parse("{\"cancel\":\"01jdq5xkz7w3m1v9y4t0r8e6pa\"}").decision();
    assertThat(lower.request()).isEqualTo(CancelRequest.byId("01JDQ5XKZ7W3M1V9Y4T0R8E6PA"));
    assertThat(lower.reasonIfUnknown())
        .startsWith("cancel: no notification 01JDQ5XKZ7W3M1V9Y4T0R8E6PA");

    // Ids become parts of keys: "schedule" reached "<namespace>r:schedule", another deployment's.
    assertThat(reason(parse("{\"cancel\":\"schedule\"}")))
        .isEqualTo(
            "cancel: is not a notification id: 26 characters of Crockford base32 (digits and"
                + " letters but I, L, O, U), as herald submit prints them (was 'schedule')");
    for (String notAnId :
        new String[] {
          "r:01JDQ5XKZ7W3M1V9Y4T0R8E6PA", // another deployment's route hash
          "01JDQ5XKZ7W3M1V9Y4T0R8E6P", // 25 characters
          "01JDQ5XKZ7W3M1V9Y4T0R8E6PAA", // 27
          "01NOSUCHNOTIFICATION000000", // O, U and I are not base32
          "81JDQ5XKZ7W3M1V9Y4T0R8E6PA", // more than 128 bits
          "01JDQ5XKZ7W3M1V9Y4T0R8E6Pſ", // upper-cases to S, but is not ASCII
        }) {
      assertThat(reason(parse("{\"cancel\":\"" + notAnId + "\"}")))
          .as(notAnId)
          .startsWith("cancel: is not a notification id");
    }
  }

  @Test
  void a_bad_cancel_names_each_field() {
    assertThat(reason(parse("{\"cancel\":\"x\",\"producer\":\"p\"}")))
        .isEqualTo("producer: not allowed in a cancel (a cancel has only cancel)");
    assertThat(reason(parse("{\"cancel_idempotency_key\":\"k\"}")))
        .isEqualTo("producer: is required");
    assertThat(reason(parse("{\"cancel\":42}"))).isEqualTo("cancel: must be a string");
    assertThat(reason(parse("{\"cancel\":\"a b\"}")))
        .isEqualTo("cancel: contains whitespace at position 1 ('a b')");
  }

  @Test
  void an_entry_without_the_intent_field_or_with_malformed_json_is_rejected_with_the_reason() {
    IntentParser.Parsed missing = parse(Map.of("notification", "{}", "x", "1"));
    assertThat(missing.rejectedField()).isEqualTo("intent");
    assertThat(reason(missing))
        .isEqualTo(
            "intent: is required: write the notification JSON to the stream field 'intent'"
                + " (the entry has fields notification, x)");
    IntentParser.Parsed malformed = parse("{\"type\":");
    assertThat(malformed.rejectedField()).isEqualTo("(json)");
    assertThat(reason(malformed)).startsWith("(json): malformed JSON at line 1");
  }

  @Test
  void every_problem_of_a_notification_is_named_and_expiry_before_send_at_is_refused() {
    IntentParser.Parsed p =
        parse(
            "{\"type\":\"t\",\"producer\":\"p\",\"recipients\":[],\"channels\":[\"fax\"],"
                + "\"send_at\":\"2026-11-25T12:00:00Z\",\"expires_at\":\"2026-11-25T11:00:00Z\"}");
    assertThat(p.rejectedField()).isEqualTo("recipients");
    assertThat(reason(p))
        .isEqualTo(
            "recipients: must not be empty; channels[0]: unknown channel 'fax' (configured: push);"
                + " expires_at: must be after send_at (was 2026-11-25T11:00:00Z, send_at"
                + " 2026-11-25T12:00:00Z): no route could ever be published");
  }

  @Test
  void an_unknown_field_does_not_hide_the_other_problems() {
    IntentParser.Parsed p =
        parse(
            "{\"type\":\"t\",\"producer\":\"p\",\"sendAt\":1,\"recipients\":[\"u 1\"],"
                + "\"channels\":[\"fax\"]}");
    assertThat(p.rejectedField()).isEqualTo("sendAt");
    assertThat(reason(p))
        .startsWith("sendAt: unknown field")
        .endsWith(
            "; recipients[0]: contains whitespace at position 1 ('u 1'); channels[0]: unknown"
                + " channel 'fax' (configured: push)");
  }

  @Test
  void a_deleted_entry_is_only_acknowledged_and_an_oversized_one_is_not_parsed() {
    assertThat(parser.parse(new Intent("2-0", null), rules, new NotificationIds(), NOW).decision())
        .isEqualTo(new IntentDecision.Drop("2-0"));
    String huge = "x".repeat(IntentParser.MAX_INTENT_CHARS + 1);
    assertThat(reason(parse(huge))).startsWith("intent: is 4194305 characters, more than");
  }

  @Test
  void long_reasons_are_cut_and_say_how_many_problems_were_left_out() {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      errors.add(new FieldError("recipients[" + i + "]", "contains whitespace at position 1"));
    }
    String reason = IntentParser.reason(errors);
    assertThat(reason.length()).isLessThanOrEqualTo(IntentParser.MAX_REASON_CHARS + 30);
    assertThat(reason).startsWith("recipients[0]: contains whitespace").endsWith(" more");
  }
}
