package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisMastersTest {

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** As Jedis returns CLUSTER SLOTS: bulk strings as bytes, integers as Long; replicas follow. */
  private static final List<Object> SLOTS =
      List.of(
          List.of(0L, 5460L, List.of(text("10.0.0.1"), 7000L, text("id1"))),
          List.of(
              5461L,
              10922L,
              List.of(text("10.0.0.2"), 7001L, text("id2")),
              List.of(text("10.0.0.5"), 7004L, text("id5"))),
          List.of(10923L, 16383L, List.of(text("10.0.0.3"), 7002L, text("id3"))));

  @Test
  void the_master_of_a_slot_is_the_first_node_of_its_range_never_a_replica() {
    assertThat(RedisMasters.masterOf(SLOTS, 0)).isEqualTo("10.0.0.1:7000");
    assertThat(RedisMasters.masterOf(SLOTS, 5461)).isEqualTo("10.0.0.2:7001");
    assertThat(RedisMasters.masterOf(SLOTS, 10922)).isEqualTo("10.0.0.2:7001");
    assertThat(RedisMasters.masterOf(SLOTS, 16383)).isEqualTo("10.0.0.3:7002");
  }

  @Test
  void a_slot_no_master_serves_is_an_error_that_names_it() {
    assertThatThrownBy(() -> RedisMasters.masterOf(SLOTS.subList(0, 1), 9000))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("slot 9000");
  }

  @Test
  void script_calls_and_their_time_are_those_of_evalsha_and_eval_only() {
    String commandstats =
        "# Commandstats\r\n"
            + "cmdstat_evalsha:calls=120,usec=9000,usec_per_call=75.00,rejected_calls=0,failed_calls=1\r\n"
            + "cmdstat_eval:calls=3,usec=30,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_xadd:calls=50000,usec=40000,usec_per_call=0.80,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_evalsha_ro:calls=7,usec=70,usec_per_call=10.00\r\n";

    assertThat(RedisMasterProbe.scriptStats(commandstats)).containsExactly(123, 9030);
  }
}
