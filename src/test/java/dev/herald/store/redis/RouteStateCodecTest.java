package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.RouteState;
import java.time.Instant;
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
  void the_scripts_group_routes_as_the_java_side_does() throws Exception {
    String lib =
        new String(
            RouteStateCodecTest.class.getResourceAsStream("lib.lua").readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(lib).contains("local GROUP_SIZE = " + RouteGroups.SIZE + "\n");
  }

  @Test
  void groups_cover_every_route_once_in_slices_of_64() {
    assertThat(RouteGroups.members("N", 3)).containsExactly("N:0-2");
    assertThat(RouteGroups.members("N", 64)).containsExactly("N:0-63");
    assertThat(RouteGroups.members("N", 130)).containsExactly("N:0-63", "N:64-127", "N:128-129");
  }
}
