package dev.herald.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.FieldError;
import dev.herald.domain.NotificationValidator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowReaderTest {

  private final RowReader reader =
      new RowReader("shop.herald_outbox", () -> new NotificationValidator(Set.of("push"), 65_536));

  private static OutboxRow row(long id, String json) {
    return new OutboxRow(id, json, 0, Optional.empty());
  }

  @Test
  void a_row_becomes_a_request_keyed_by_its_source_and_id() {
    RowReader.Read read =
        reader.read(
            row(
                42,
                "{\"type\": \"order.shipped\", \"producer\": \"shop\", \"recipients\": [\"u-1\"],"
                    + " \"channels\": [\"push\"], \"payload\": {\"order\": 1017}, \"trace_id\":"
                    + " \"tr-1\"}"));

    assertThat(read.errors()).isEmpty();
    assertThat(read.request().idempotencyKey()).isEqualTo("outbox:shop.herald_outbox:42");
    assertThat(read.request().producer()).isEqualTo("shop");
    assertThat(read.request().payloadJson()).isEqualTo("{\"order\":1017}");
    assertThat(read.request().traceId()).isEqualTo("tr-1");
  }

  @Test
  void a_row_with_a_key_of_its_own_is_refused_with_every_other_reason_as_well() {
    RowReader.Read read =
        reader.read(
            row(
                7,
                "{\"type\": \"t\", \"producer\": \"shop\", \"recipients\": [\"u 1\"],"
                    + " \"channels\": [\"fax\"], \"idempotency_key\": \"o-7\"}"));

    assertThat(read.request()).isNull();
    assertThat(read.errors())
        .extracting(FieldError::field)
        .containsExactly("idempotency_key", "recipients[0]", "channels[0]");
    assertThat(read.errors().get(0).reason()).contains("outbox:shop.herald_outbox:7");
  }

  @Test
  void json_that_is_no_notification_object_is_refused_with_each_field() {
    assertThat(reader.read(row(1, "[1, 2]")).errors())
        .containsExactly(new FieldError("(notification)", "must be a JSON object (was a list)"));
    assertThat(
            reader
                .read(row(2, "{\"type\": 3, \"recipients\": \"u-1\", \"colour\": \"red\"}"))
                .errors())
        .extracting(FieldError::field)
        // the shape's errors, then the rules' on what parsed (the type is not "required" again)
        .containsExactly("colour", "type", "recipients", "producer", "channels");
  }

  @Test
  void the_reason_names_every_field_and_stays_bounded() {
    assertThat(
            RowReader.reason(
                List.of(new FieldError("a", "is wrong"), new FieldError("b", "is missing"))))
        .isEqualTo("a: is wrong; b: is missing");
    List<FieldError> many = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      many.add(new FieldError("recipients[" + i + "]", "contains whitespace"));
    }
    String reason = RowReader.reason(many);
    assertThat(reason).hasSizeLessThanOrEqualTo(2_003).endsWith("; …");
    assertThat(RowReader.reason(List.of(new FieldError("x", "y".repeat(5_000))))).hasSize(2_000);
  }
}
