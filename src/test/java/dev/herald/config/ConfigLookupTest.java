package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLookupTest {

  @TempDir Path dir;

  private Path local;
  private Path system;

  @BeforeEach
  void paths() {
    local = dir.resolve("config/herald.yaml");
    system = dir.resolve("etc/herald/herald.yaml");
  }

  private ConfigLookup lookup(Map<String, String> env) {
    return new ConfigLookup(env, List.of(local, system));
  }

  private Path write(Path file, String namespace) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, "redis:\n  url: redis://h:1\nnamespace: " + namespace + "\n");
  }

  private String namespaceOf(ConfigLookup lookup, Path explicit) {
    return new ConfigLoader(Map.of(), lookup).load(explicit).namespace();
  }

  @Test
  void a_systemd_host_without_a_local_config_reads_the_one_the_unit_runs_on() throws Exception {
    ConfigLookup lookup = lookup(Map.of());
    write(system, "daemon");
    assertThat(namespaceOf(lookup, null)).isEqualTo("daemon");
    assertThat(lookup.find(null).orElseThrow().path()).isEqualTo(system);
  }

  @Test
  void config_then_herald_config_then_the_local_file_then_the_system_file() throws Exception {
    Path given = write(dir.resolve("given.yaml"), "given");
    Path named = write(dir.resolve("named.yaml"), "named");
    write(system, "system");
    ConfigLookup withEnv = lookup(Map.of("HERALD_CONFIG", named.toString()));
    assertThat(namespaceOf(withEnv, given)).isEqualTo("given");
    assertThat(namespaceOf(withEnv, null)).isEqualTo("named");
    ConfigLookup noEnv = lookup(Map.of());
    assertThat(namespaceOf(noEnv, null)).isEqualTo("system");
    write(local, "local");
    assertThat(namespaceOf(noEnv, null)).isEqualTo("local");
  }

  @Test
  void no_file_anywhere_means_the_embedded_redis_of_the_quick_start() {
    ConfigLookup lookup = lookup(Map.of());
    assertThat(lookup.find(null)).isEmpty();
    assertThat(new ConfigLoader(Map.of(), lookup).load((Path) null).redis().wantsEmbedded())
        .isTrue();
  }

  @Test
  void a_herald_config_naming_no_file_is_refused_not_passed_over() throws Exception {
    write(system, "system");
    ConfigLookup lookup = lookup(Map.of("HERALD_CONFIG", dir.resolve("typo.yaml").toString()));
    assertThatThrownBy(() -> namespaceOf(lookup, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("typo.yaml (named by HERALD_CONFIG) does not exist");
  }
}
