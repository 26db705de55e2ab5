package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimRequestTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void a_lease_token_with_a_bar_is_refused_by_name() {
    // The token is stored in a lease field whose parts are separated by '|'.
    assertThatThrownBy(() -> ClaimRequest.of(NOW, Duration.ofSeconds(30), "w|1", 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lease token must not contain '|': w|1");
  }

  @Test
  void the_defaults_lease_every_route_on_the_stores_own_buckets() {
    ClaimRequest r = ClaimRequest.of(NOW, Duration.ofSeconds(30), "w.1", 10);
    assertThat(r.maxBytes()).isEqualTo(RouteStore.DEFAULT_BATCH_BYTES);
    assertThat(r.inline()).isEmpty();
    assertThat(r.grants()).isEmpty();
  }

  @Test
  void the_grants_a_shard_is_handed_are_those_at_the_call_not_what_the_caller_spends_later() {
    // The sharded store spends from one map across its shards' claims, one after another.
    Map<String, RateTokens.Grant> shared = new HashMap<>(Map.of("sms", new RateTokens.Grant(5, 3)));
    ClaimRequest r = ClaimRequest.of(NOW, Duration.ofSeconds(30), "w.1", 10).withGrants(shared);
    shared.put("sms", new RateTokens.Grant(5, 0));
    assertThat(r.grants()).hasValue(Map.of("sms", new RateTokens.Grant(5, 3)));
  }
}
