package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {

  @Test
  void ports_handed_out_one_after_another_are_never_the_same() {
    // A fleet asks for three ports a process before any is bound; a clean-clone CI once gave one
    // process the same port for its API and its console, and the process refused to start.
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      assertThat(ports.add(RedisServerProcess.freePort())).as("ask %d", i).isTrue();
    }
  }
}
