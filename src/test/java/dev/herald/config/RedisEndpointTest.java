package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  private static final Duration T = Duration.ofSeconds(2);

  @Test
  void parses_host_port_database_and_credentials() {
    RedisEndpoint e = RedisEndpoint.parse("redis://app:s3cr%40t@db.internal:6380/3", null, T);
    assertThat(e.host()).isEqualTo("db.internal");
    assertThat(e.port()).isEqualTo(6380);
    assertThat(e.database()).isEqualTo(3);
    assertThat(e.user()).isEqualTo("app");
    assertThat(e.password()).isEqualTo("s3cr@t");
    assertThat(e.ssl()).isFalse();
  }

  @Test
  void a_password_from_the_environment_wins_and_is_never_shown() {
    RedisEndpoint e = RedisEndpoint.parse("rediss://:inurl@h", "fromenv", T);
    assertThat(e.password()).isEqualTo("fromenv");
    assertThat(e.port()).isEqualTo(6379);
    assertThat(e.ssl()).isTrue();
    assertThat(e.redacted()).isEqualTo("rediss://:***@h:6379/0").doesNotContain("fromenv");
    assertThat(e.toString()).doesNotContain("fromenv").doesNotContain("inurl");
  }

  @Test
  void refuses_other_schemes_and_bad_databases() {
    assertThatThrownBy(() -> RedisEndpoint.parse("http://h", null, T))
        .hasMessage("must start with redis:// or rediss:// (was http://)");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://h/x", null, T))
        .hasMessage("database must be a number (was x)");
  }
}
