package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.FieldError;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationJsonTest {

  private final NotificationJson json = new NotificationJson();

  private static final String VALID =
      "{\"type\":\"game.turn_ready\",\"producer\":\"game-engine\",\"idempotency_key\":\"turn-42\","
          + "\"recipients\":[\"u-1\",\"u-2\",\"u-3\"],\"channels\":[\"push\"],\"payload\":{\"turn\":42},"
          + "\"request_id\":\"req-1\",\"trace_id\":\"tr-1\",\"send_at\":\"2026-11-25T12:00:00Z\","
          + "\"max_attempts\":5}";

  private List<ParsedNotification> parse(String text) {
    return json.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> errors(ParsedNotification p) {
    return p.errors().stream().map(FieldError::toString).toList();
  }

  @Test
  void the_example_of_the_spec_reads_into_every_field() {
    ParsedNotification p = parse(VALID).get(0);
    assertThat(p.errors()).isEmpty();
    var r = p.request();
    assertThat(r.type()).isEqualTo("game.turn_ready");
    assertThat(r.producer()).isEqualTo("game-engine");
    assertThat(r.idempotencyKey()).isEqualTo("turn-42");
    assertThat(r.recipients()).containsExactly("u-1", "u-2", "u-3");
    assertThat(r.channels()).containsExactly("push");
    assertThat(r.payloadJson()).isEqualTo("{\"turn\":42}");
    assertThat(r.requestId()).isEqualTo("req-1");
    assertThat(r.traceId()).isEqualTo("tr-1");
    assertThat(r.sendAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
    assertThat(r.maxAttempts()).isEqualTo(5);
  }

  @Test
  void one_object_an_array_or_one_object_per_line_are_all_accepted() {
    assertThat(parse(VALID)).hasSize(1);
    assertThat(parse("[" + VALID + "," + VALID + "]")).hasSize(2);
    assertThat(parse(VALID + "\n" + VALID + "\n\n" + VALID + "\n")).hasSize(3);
    assertThat(parse("  \n" + VALID.replace(",", ",\n  "))).hasSize(1);
  }

  @Test
  void a_malformed_line_is_reported_with_its_index_and_the_others_still_read() {
    List<ParsedNotification> items = parse(VALID + "\n{\"type\": oops}\n" + VALID);
    assertThat(items).hasSize(3);
    assertThat(items.get(0).errors()).isEmpty();
    assertThat(items.get(1).index()).isEqualTo(1);
    assertThat(errors(items.get(1)))
        .singleElement()
        .asString()
        .startsWith("(json): malformed JSON");
    assertThat(items.get(2).errors()).isEmpty();
  }

  @Test
  void wrong_types_and_unknown_fields_are_named() {
    ParsedNotification p =
        parse(
                "{\"type\":5,\"producer\":\"p\",\"recipients\":[\"u\",7],\"channels\":\"push\","
                    + "\"send_at\":\"tomorrow\",\"max_attempts\":2.5,\"sendAt\":\"x\"}")
            .get(0);
    assertThat(errors(p))
        .containsExactlyInAnyOrder(
            "sendAt: unknown field (allowed: channels, expires_at, idempotency_key, max_attempts, payload, "
                + "producer, recipients, request_id, send_at, trace_id, type)",
            "type: must be a string (was a number)",
            "recipients[1]: must be a string (was a number)",
            "channels: must be a list of strings (was a string)",
            "send_at: must be an ISO-8601 time with an offset, e.g. 2026-11-25T12:00:00Z (was 'tomorrow')",
            "max_attempts: must be a whole number (was a number 2.5)");
    assertThat(p.request().producer()).isEqualTo("p"); // what did parse, for the validator
    assertThat(p.request().recipients()).containsExactly("u", null);
  }

  @Test
  void an_unknown_field_bad_recipients_and_an_unknown_channel_are_all_named() {
    // The validator used to run only when the shape was right: one unknown field hid the rest.
    ParsedNotification p =
        parse(
                "{\"type\":\"t\",\"producer\":\"p\",\"sendAt\":1,\"recipients\":[7,\"u 2\"],"
                    + "\"channels\":[\"fax\"],\"max_attempts\":\"5\"}")
            .get(0);
    assertThat(
            p.problems(new dev.herald.domain.NotificationValidator(java.util.Set.of("push"), 1000)))
        .extracting(FieldError::toString)
        .containsExactly(
            "sendAt: unknown field (allowed: channels, expires_at, idempotency_key, max_attempts,"
                + " payload, producer, recipients, request_id, send_at, trace_id, type)",
            "recipients[0]: must be a string (was a number)",
            "max_attempts: must be a whole number (was a string \"5\")",
            "recipients[1]: contains whitespace at position 1 ('u 2')",
            "channels[0]: unknown channel 'fax' (configured: push)");
  }

  @Test
  void a_value_that_is_not_an_object_and_empty_input_are_refused() {
    assertThat(errors(parse("[1]").get(0)))
        .containsExactly("(notification): must be a JSON object (was a number)");
    assertThat(errors(parse("   ").get(0))).containsExactly("(input): is empty");
    assertThat(errors(parse("{\"type\":\"a\",\"type\":\"b\"}").get(0)))
        .singleElement()
        .asString()
        .contains("Duplicate field 'type'");
  }

  @Test
  void an_empty_list_and_a_key_with_an_empty_name_are_refused_by_name() {
    // Found by HostileInputIT: "[]" gave no result at all, and a key "" a nameless field.
    assertThat(errors(parse("[]").get(0))).containsExactly("(input): is an empty list");
    assertThat(errors(parse("{\"\":1}").get(0)))
        .anySatisfy(e -> assertThat(e).startsWith("\"\": unknown field"));
  }

  @Test
  void payload_numbers_keep_their_exact_digits() {
    ParsedNotification p =
        parse(
                "{\"payload\":{\"big\":123456789012345678901234567890,\"f\":0.1000000000000000055511}}")
            .get(0);
    assertThat(p.request().payloadJson())
        .isEqualTo("{\"big\":123456789012345678901234567890,\"f\":0.1000000000000000055511}");
  }
}
