package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoTimesTest {

  private static Instant jdk(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Test
  void the_common_forms_read_as_the_jdk_reads_them() {
    for (String t :
        new String[] {
          "2026-11-25T12:00:00Z",
          "2026-11-25t12:00:00z",
          "2026-11-25T12:00:00.5Z",
          "2026-11-25T12:00:00.123456789+01:00",
          "2024-02-29T23:59:59-18:00",
          "1970-01-01T00:00:00+18:00",
          "9999-12-31T23:59:59.999Z",
          "0000-01-01T00:00:00Z"
        }) {
      assertThat(IsoTimes.fast(t)).as(t).isNotNull().isEqualTo(jdk(t));
    }
  }

  @Test
  void what_the_fast_path_refuses_goes_to_the_jdk_with_the_same_answer() {
    for (String t :
        new String[] {
          "2026-02-29T12:00:00Z",
          "2026-11-25T24:00:00Z",
          "2026-11-25T12:00:60Z",
          "2026-11-25T12:00Z",
          "2026-11-25T12:00:00+0100",
          "2026-11-25T12:00:00+01",
          "2026-11-25T12:00:00+18:01",
          "2026-11-25T12:00:00.Z",
          "2026-11-25T12:00:00.1234567891Z",
          "+12026-11-25T12:00:00Z",
          "2026-11-25 12:00:00Z",
          "2026-11-25T12:00:00",
          "tomorrow",
          "2026-11-25T12:00:00+01:00:30",
          "2026-11-25T12:00:00[Europe/Paris]"
        }) {
      assertThat(IsoTimes.parse(t)).as(t).isEqualTo(jdk(t));
    }
  }

  @Test
  void random_mutations_of_a_time_read_as_the_jdk_reads_them() {
    Random random = new Random(7);
    String base = "2026-11-25T12:34:56.789+05:30";
    String alphabet = "0123456789+-:.TZtz ";
    for (int i = 0; i < 20_000; i++) {
      char[] c = base.toCharArray();
      for (int k = random.nextInt(3) + 1; k > 0; k--) {
        c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String t = new String(c, 0, 19 + random.nextInt(c.length - 18));
      assertThat(IsoTimes.parse(t)).as(t).isEqualTo(jdk(t));
    }
  }
}
