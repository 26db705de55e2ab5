package dev.herald.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationValidatorTest {

  private final NotificationValidator validator = new NotificationValidator(Set.of("push"), 100);

  private static NotificationRequest.Builder valid() {
    return NotificationRequest.builder()
        .type("game.turn_ready")
        .producer("game-engine")
        .recipients("u-1", "u-2")
        .channels("push")
        .payloadJson("{\"turn\":42}")
        .sendAt(Instant.parse("2026-11-25T12:00:00Z"));
  }

  private List<String> errors(NotificationRequest r) {
    return validator.validate(r).stream().map(FieldError::toString).toList();
  }

  @Test
  void a_complete_notification_passes() {
    assertThat(
            errors(valid().idempotencyKey("k").requestId("r").traceId("t").maxAttempts(5).build()))
        .isEmpty();
  }

  @Test
  void times_outside_years_1970_to_9999_are_refused_before_they_overflow_epoch_milliseconds() {
    // Found by HostileInputIT: this send_at overflowed Instant.toEpochMilli in the intake.
    assertThat(errors(valid().sendAt(Instant.parse("+999999999-12-31T23:59:59Z")).build()))
        .containsExactly(
            "send_at: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z"
                + " (was +999999999-12-31T23:59:59Z)");
    assertThat(errors(valid().sendAt(Instant.parse("1969-12-31T23:59:59Z")).build()))
        .singleElement()
        .asString()
        .startsWith("send_at: must be between");
    assertThat(errors(valid().expiresAt(Instant.parse("+10000-01-01T00:00:00Z")).build()))
        .singleElement()
        .asString()
        .startsWith("expires_at: must be between");
    assertThat(errors(valid().sendAt(NotificationValidator.LATEST_TIME).build())).isEmpty();
  }

  @Test
  void missing_required_fields_are_each_named() {
    assertThat(errors(NotificationRequest.builder().build()))
        .containsExactly(
            "type: is required",
            "producer: is required",
            "recipients: is required",
            "channels: is required");
  }

  @Test
  void empty_recipients_and_unknown_channels_are_refused() {
    assertThat(errors(valid().recipients(List.of()).build()))
        .containsExactly("recipients: must not be empty");
    assertThat(errors(valid().channels("push", "sms").build()))
        .containsExactly("channels[1]: unknown channel 'sms' (configured: push)");
  }

  @Test
  void ids_with_whitespace_control_characters_or_over_128_characters_are_refused() {
    assertThat(errors(valid().recipients("u-1", "u 2").build()))
        .containsExactly("recipients[1]: contains whitespace at position 1 ('u 2')");
    assertThat(errors(valid().producer("a\u0000b").build()))
        .containsExactly("producer: contains a control character at position 1 ('a\\u0000b')");
    assertThat(errors(valid().type("x".repeat(129)).build()))
        .containsExactly("type: must be at most 128 characters (was 129)");
    assertThat(errors(valid().idempotencyKey("").build()))
        .containsExactly("idempotency_key: must not be empty");
    assertThat(errors(valid().traceId("\ud800").build()))
        .singleElement()
        .asString()
        .contains("unpaired surrogate");
  }

  @Test
  void more_than_ten_thousand_recipients_are_refused() {
    List<String> many = new ArrayList<>(Collections.nCopies(10_001, "u"));
    assertThat(errors(valid().recipients(many).build()))
        .containsExactly("recipients: must have at most 10000 entries (was 10001)");
  }

  @Test
  void a_payload_over_the_limit_is_refused_with_its_size() {
    assertThat(errors(valid().payloadJson("\"" + "é".repeat(50) + "\"").build()))
        .containsExactly("payload: is 102 bytes of JSON, more than intake.max-payload-bytes (100)");
  }

  @Test
  void max_attempts_must_be_in_range() {
    assertThat(errors(valid().maxAttempts(0).build()))
        .containsExactly("max_attempts: must be between 1 and 1000 (was 0)");
  }
}
