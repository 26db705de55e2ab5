package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.herald.domain.Notification;
import dev.herald.store.CorruptRecordException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NotificationCodecTest {

  /** How records were written before the encoder wrote them token by token: the bean writer. */
  private static final ObjectWriter BEANS =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .writerFor(NotificationCodec.Stored.class);

  private final NotificationCodec codec = new NotificationCodec();

  private static String beans(Notification n) throws Exception {
    return BEANS.writeValueAsString(
        new NotificationCodec.Stored(
            2,
            null,
            n.type(),
            n.producer(),
            n.idempotencyKey(),
            n.recipients(),
            n.channels(),
            n.payloadJson(),
            n.requestId(),
            n.traceId(),
            n.sendAt().toEpochMilli(),
            n.maxAttempts(),
            n.acceptedAt().toEpochMilli(),
            n.expiresAt() == null ? null : n.expiresAt().toEpochMilli()));
  }

  private static String maybe(Random r, String value) {
    return r.nextBoolean() ? null : value;
  }

  @Test
  void records_encode_to_the_very_text_the_bean_writer_gave_and_read_back_whole() throws Exception {
    // A record stored by an older Herald must be recognised by accept.lua when a spool replays
    // it: the text must not change with the encoder.
    Random r = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      Instant at = Instant.ofEpochMilli(1_796_000_000_000L + r.nextInt(1_000_000));
      Notification n =
          new Notification(
              "01M8RG0TK1YSCDCZJN1TN6FP" + (10 + r.nextInt(80)),
              "t.\u00e9\"" + i,
              "p\\" + r.nextInt(5),
              maybe(r, "k-\u2028" + i),
              List.of("u-" + i, "u\t" + r.nextInt(9)),
              List.of("push", "email"),
              r.nextBoolean() ? "{}" : "{\"a\":[1,2.50,\"\\u0000\"],\"b\":null}",
              maybe(r, "req-" + i),
              maybe(r, "tr-" + i),
              at.plusMillis(r.nextInt(5000)),
              r.nextBoolean() ? null : r.nextInt(1000),
              at,
              r.nextBoolean() ? null : at.plusSeconds(3600));
      String text = codec.encode(n);
      assertThat(text).isEqualTo(beans(n));
      assertThat(codec.decode(n.id(), text)).isEqualTo(n);
      // What earlier versions stored (format 1) reads as the same notification.
      assertThat(codec.decode(n.id(), FormatOne.record(n))).isEqualTo(n);
    }
  }

  @Test
  void a_record_leaves_out_the_id_its_key_names_and_is_smaller_than_format_1() {
    Instant at = Instant.ofEpochMilli(1_796_000_000_000L);
    Notification n =
        new Notification(
            "01M8RG0TK1YSCDCZJN1TN6FP10",
            "bench.route_due",
            "herald-bench",
            null,
            List.of("u-m-50000-0", "u-m-50000-1"),
            List.of("push"),
            "{\"seq\":50000}",
            "req-m-50000",
            null,
            at,
            null,
            at,
            null);
    String text = codec.encode(n);
    assertThat(text)
        .isEqualTo(
            "{\"v\":2,\"t\":\"bench.route_due\",\"p\":\"herald-bench\","
                + "\"r\":[\"u-m-50000-0\",\"u-m-50000-1\"],\"c\":[\"push\"],"
                + "\"b\":\"{\\\"seq\\\":50000}\",\"req\":\"req-m-50000\","
                + "\"s\":1796000000000,\"a\":1796000000000}");
    assertThat(FormatOne.record(n).length() - text.length()).isEqualTo(100);
  }

  @Test
  void a_record_of_an_unknown_format_is_refused_by_name() {
    assertThatThrownBy(() -> codec.decode("01M8RG0TK1YSCDCZJN1TN6FP10", "{\"v\":3,\"t\":\"x\"}"))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("format version 3, this Herald reads up to 2");
  }
}
