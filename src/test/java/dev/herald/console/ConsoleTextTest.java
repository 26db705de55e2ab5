package dev.herald.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the console writes: escaped text, times and units, password hashes, selections. */
class ConsoleTextTest {

  private static final Instant NOW = Instant.parse("2026-12-01T13:00:00Z");

  @Test
  void text_from_the_store_is_escaped_so_that_a_payload_cannot_run_in_the_page() {
    assertThat(Html.esc("<script>alert('x')</script> & \"q\""))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  }

  @Test
  void times_are_utc_with_how_long_ago_or_ahead_and_figures_carry_units() {
    assertThat(Html.time(NOW.minusSeconds(190), NOW))
        .contains("2026-12-01 12:56:50Z")
        .contains("3 min ago");
    assertThat(Html.relative(NOW.plus(Duration.ofMinutes(125)), NOW)).isEqualTo("in 2 h 5 min");
    assertThat(Html.relative(NOW.minus(Duration.ofHours(52)), NOW)).isEqualTo("2 d 4 h ago");
    assertThat(Html.seconds(0.012)).isEqualTo("12 ms");
    assertThat(Html.seconds(3.42)).isEqualTo("3.4 s");
    assertThat(Html.seconds(300)).isEqualTo("5 min");
    assertThat(Html.number(1234567)).isEqualTo("1,234,567");
  }

  @Test
  void a_password_matches_only_its_own_salted_hash() {
    String hash = Passwords.hash("s3cret".toCharArray(), 1000);
    assertThat(hash).startsWith("pbkdf2-sha256:1000:").doesNotContain("s3cret");
    assertThat(Passwords.matches(hash, "s3cret".toCharArray())).isTrue();
    assertThat(Passwords.matches(hash, "s3cret ".toCharArray())).isFalse();
    assertThat(Passwords.hash("s3cret".toCharArray(), 1000)).isNotEqualTo(hash); // fresh salt
    assertThat(Passwords.matches("sha256:abc", "s3cret".toCharArray())).isFalse();
  }

  @Test
  void a_selection_reads_the_lists_filters_and_names_a_bad_field() {
    Selection s =
        Selection.of(
            Map.of(
                "type", List.of("a.b, c.d"),
                "classification", List.of("payload_encoding_failed"),
                "since", List.of("2h")),
            NOW);
    assertThat(s.filter().types()).containsExactlyInAnyOrder("a.b", "c.d");
    assertThat(s.filter().since()).contains(NOW.minus(Duration.ofHours(2)));
    assertThat(s.named()).isFalse();
    assertThatThrownBy(() -> Selection.of(Map.of("classification", List.of("nope")), NOW))
        .hasMessage("classification: unknown classification 'nope'");
    assertThatThrownBy(() -> Selection.of(Map.of("ref", List.of("no-slash")), NOW))
        .hasMessageStartingWith("ref: ");
  }
}
