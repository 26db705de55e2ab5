package dev.herald.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.StoreUnavailableException;
import org.junit.jupiter.api.Test;

class RateLimitedLogTest {

  private static String key(String message) {
    return RateLimitedLog.troubleKey("store", new StoreUnavailableException(message, null));
  }

  @Test
  void each_kind_of_redis_trouble_has_a_key_of_its_own() {
    assertThat(key("claiming due routes: Redis unavailable: LOADING Redis is loading"))
        .isEqualTo("store:LOADING");
    assertThat(key("claiming due routes: Redis unavailable: READONLY You can't write"))
        .isEqualTo("store:READONLY");
    assertThat(key("recording publish outcomes: Redis unavailable: Unexpected end of stream."))
        .isEqualTo("store:Unexpected");
    assertThat(key("something else entirely")).isEqualTo("store:something");
  }
}
