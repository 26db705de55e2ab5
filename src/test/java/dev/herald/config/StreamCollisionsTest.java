package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.redis.RedisKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamCollisionsTest {

  @Test
  void every_key_herald_keeps_is_refused_as_a_stream_and_other_names_under_the_namespace_are_not() {
    RedisKeys keys = new RedisKeys("app");
    List<String> own =
        List.of(
            keys.schedule(),
            keys.notification("01JD0000000000000000000000"),
            keys.routes("01JD0000000000000000000000"),
            keys.failures("01JD0000000000000000000000"),
            keys.deadLetters(),
            keys.retention(),
            keys.idempotency("game-engine", "turn-42"),
            keys.quarantine(),
            keys.stats(),
            keys.typeFigures(),
            keys.wakeupChannel(),
            keys.breakers());
    for (String key : own) {
      assertThat(StreamCollisions.isHeraldKey("app", key)).as(key).isTrue();
    }
    assertThat(StreamCollisions.isHeraldKey("app", "app:intents")).isFalse();
    assertThat(StreamCollisions.isHeraldKey("app", "gateway:client-events")).isFalse();
  }
}
