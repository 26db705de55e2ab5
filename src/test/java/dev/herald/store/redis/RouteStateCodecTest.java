package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.RouteState;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RouteStateCodecTest {

  @Test
  void reads_each_form_the_scripts_write() {
    var pending = RouteStateCodec.parse("p|0|1795608000000");
    assertThat(pending.state()).isEqualTo(RouteState.PENDING);
    assertThat(pending.time()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));

    var published = RouteStateCodec.parse("s|1|1795608000000|1795608000000-3");
    assertThat(published.state()).isEqualTo(RouteState.PUBLISHED);
    assertThat(published.entryId()).isEqualTo("1795608000000-3");

    assertThat(RouteStateCodec.parse("d|5|1795608000000").state())
        .isEqualTo(RouteState.DEAD_LETTER);
    assertThat(RouteStateCodec.parse("f|2|1795608000000").attempts()).isEqualTo(2);

    var lease = RouteStateCodec.parseLease("host-1-w0.3|1795608030000|1795608000000|9|-1");
    assertThat(lease.token()).isEqualTo("host-1-w0.3");
    assertThat(lease.until()).isEqualTo(Instant.parse("2026-11-25T12:00:30Z"));
    assertThat(lease.claimedAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
    assertThat(lease.last()).isEqualTo(9);
  }

  @Test
  void a_notification_without_a_route_hash_has_the_fields_its_record_implies_all_untouched() {
    Instant at = Instant.parse("2026-11-25T12:00:00Z");
    var n =
        new dev.herald.domain.Notification(
            "01M8RG0TK1YSCDCZJN1TN6FP00",
            "game.turn_ready",
            "game-engine",
            null,
            java.util.List.of("u-1", "u-2", "u-3"),
            java.util.List.of("push", "email"),
            "{}",
            null,
            null,
            at,
            null,
            at,
            at.plusSeconds(60));

    Map<String, String> hash = RouteStateCodec.orImplied(Map.of(), n);

    assertThat(hash)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "open",
                "6",
                "type",
                "game.turn_ready",
                "due",
                "1795608000000",
                "n",
                "6",
                "exp",
                "1795608060000"));
    assertThat(RouteStateCodec.stateText(hash, 5)).isEqualTo("p|0|1795608000000");
    assertThat(RouteStateCodec.stateText(hash, 6)).isNull();
    Map<String, String> touched = Map.of("open", "5", "0", "s|1|1|1-0", "due", "1", "n", "6");
    assertThat(RouteStateCodec.orImplied(touched, n)).isSameAs(touched);
  }

  @Test
  void anything_else_is_unreadable() {
    assertThat(RouteStateCodec.parse(null)).isNull();
    assertThat(RouteStateCodec.parse("garbage")).isNull();
    assertThat(RouteStateCodec.parse("q|0|1")).isNull();
    assertThat(RouteStateCodec.parse("p|x|1")).isNull();
    assertThat(RouteStateCodec.parse("l|0|1|token|2")).as("leases live in the group").isNull();
    assertThat(RouteStateCodec.parse("p|0|1|extra")).isNull();
    assertThat(RouteStateCodec.parse("s|0|1")).isNull();
    assertThat(RouteStateCodec.parseLease("token|1|2")).isNull();
  }

  @Test
  void the_scripts_group_routes_as_the_java_side_does() {
    assertThat(LuaScript.read(LuaScript.libraryResource("states")))
        .contains("local GROUP_SIZE = " + RouteGroups.SIZE + "\n");
  }

  @Test
  void the_scripts_write_the_letters_the_codec_reads_and_leased_has_none() {
    String states = LuaScript.read(LuaScript.libraryResource("states"));
    Matcher known = Pattern.compile("local KNOWN = \\{([^}]*)\\}").matcher(states);
    assertThat(known.find()).isTrue();
    Set<Character> letters = new TreeSet<>();
    Matcher letter = Pattern.compile("(\\w) = true").matcher(known.group(1));
    while (letter.find()) {
      letters.add(letter.group(1).charAt(0));
    }
    assertThat(letters).isEqualTo(new TreeSet<>(RouteStateCodec.LETTERS.keySet()));
    assertThat(RouteStateCodec.LETTERS.values())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrder(
            EnumSet.complementOf(EnumSet.of(RouteState.LEASED)).toArray(RouteState[]::new));
  }

  @Test
  void an_untouched_route_reads_as_pending_at_the_hash_due_time_and_only_below_its_count() {
    Map<String, String> hash =
        Map.of("open", "3", "type", "t", "due", "1795608000000", "n", "3", "1", "s|1|5|1-0");
    assertThat(RouteStateCodec.stateText(hash, 0)).isEqualTo("p|0|1795608000000");
    assertThat(RouteStateCodec.stateText(hash, 1)).isEqualTo("s|1|5|1-0");
    assertThat(RouteStateCodec.stateText(hash, 2)).isEqualTo("p|0|1795608000000");
    assertThat(RouteStateCodec.stateText(hash, 3)).as("beyond the count: no route").isNull();
    assertThat(RouteStateCodec.routeCount(hash)).isEqualTo(3);
  }

  @Test
  void a_hash_an_earlier_version_wrote_has_a_field_for_every_route_and_a_missing_one_is_none() {
    Map<String, String> hash =
        Map.of("open", "2", "type", "t", "0", "p|0|1", "1", "f|1|2", "L0", "");
    assertThat(RouteStateCodec.stateText(hash, 1)).isEqualTo("f|1|2");
    assertThat(RouteStateCodec.stateText(hash, 2)).isNull();
    assertThat(RouteStateCodec.routeCount(hash)).isEqualTo(2);
  }

  @Test
  void routes_a_packed_field_lists_read_published_over_their_own_fields() {
    Map<String, String> hash =
        Map.of(
            "open",
            "1",
            "type",
            "t",
            "due",
            "100",
            "n",
            "70",
            "1",
            "f|1|150",
            "P0",
            "0|1|200|200-0,200-1;2|2|300|300-0",
            "P64",
            "65|1|400|400-0");
    Map<String, String> read = RouteStateCodec.withPublished(hash);
    assertThat(read).doesNotContainKeys("P0", "P64");
    assertThat(RouteStateCodec.stateText(read, 0)).isEqualTo("s|1|200|200-0");
    assertThat(RouteStateCodec.stateText(read, 1))
        .as("over its stale field")
        .isEqualTo("s|1|200|200-1");
    assertThat(RouteStateCodec.stateText(read, 2)).isEqualTo("s|2|300|300-0");
    assertThat(RouteStateCodec.stateText(read, 3)).isEqualTo("p|0|100");
    assertThat(RouteStateCodec.stateText(read, 65)).isEqualTo("s|1|400|400-0");
    assertThat(RouteStateCodec.routeCount(read)).isEqualTo(70);
    assertThat(RouteStateCodec.withPublished(Map.of("open", "1"))).isEqualTo(Map.of("open", "1"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RouteStateCodec.withPublished(Map.of("P0", "0|1|x|1-0")))
        .isInstanceOf(dev.herald.store.CorruptRecordException.class)
        .hasMessageContaining("P0");
  }
}
