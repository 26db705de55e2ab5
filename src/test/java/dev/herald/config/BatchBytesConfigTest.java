package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.store.RouteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchBytesConfigTest {

  @TempDir Path dir;

  private HeraldConfig load(String yaml) throws Exception {
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of()).load(file);
  }

  @Test
  void batch_bytes_defaults_to_the_stores_budget_and_reads_a_number() throws Exception {
    assertThat(HeraldConfig.defaults().publisher().batchBytes())
        .isEqualTo(RouteStore.DEFAULT_BATCH_BYTES)
        .isEqualTo(4 * 1024 * 1024);
    assertThat(load("publisher:\n  batch-bytes: 1048576\n").publisher().batchBytes())
        .isEqualTo(1 << 20);
  }

  @Test
  void batch_bytes_out_of_range_names_the_key_the_value_and_the_range() {
    assertThatThrownBy(() -> load("publisher:\n  batch-bytes: 1000\n"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "publisher.batch-bytes must be between 65536 and 536870912 (was 1000)"));
  }
}
