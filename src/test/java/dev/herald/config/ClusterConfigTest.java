package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.daemon.RedisTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {

  @TempDir Path dir;

  private HeraldConfig load(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("herald.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(env).load(file);
  }

  private static final String CLUSTER =
      "redis:\n"
          + "  cluster:\n"
          + "    nodes: [10.0.0.1:7000, 10.0.0.2]\n"
          + "    user: herald\n"
          + "    password: s3cret\n"
          + "shards: 16\n"
          + "intake:\n"
          + "  stream: off\n";

  @Test
  void reads_the_seed_nodes_user_and_password_of_a_cluster() throws Exception {
    HeraldConfig c = load(CLUSTER, Map.of());
    assertThat(c.shards()).isEqualTo(16);
    assertThat(c.sharded()).isTrue();
    assertThat(c.intake().streamEnabled()).isFalse();
    RedisEndpoint e = RedisTarget.of(c).endpoint();
    assertThat(e.cluster().nodes())
        .extracting(Object::toString)
        .containsExactly("10.0.0.1:7000", "10.0.0.2:6379");
    assertThat(e.user()).isEqualTo("herald");
    assertThat(e.password()).isEqualTo("s3cret");
    assertThat(e.redacted()).doesNotContain("s3cret").contains("cluster 10.0.0.1:7000");
    assertThat(ConfigPrinter.describe(c))
        .doesNotContain("s3cret")
        .contains("(none: redis.cluster)");
    assertThat(ConfigPrinter.keys(c)).containsEntry("redis.cluster.password", "***");
  }

  @Test
  void a_cluster_takes_replica_acknowledged_writes() throws Exception {
    HeraldConfig c = load(CLUSTER + "durability:\n  replicas: 1\n", Map.of());
    assertThat(c.durability().replicas()).isEqualTo(1);
  }

  @Test
  void a_sharded_layout_reads_the_intents_stream_and_takes_rate_limits() throws Exception {
    HeraldConfig c =
        load(
            CLUSTER.replace("  stream: off\n", "  stream: herald:intents\n")
                + "channels:\n  push:\n    stream: gw\n    rate-limit: 500\n",
            Map.of());
    assertThat(c.intake().streamEnabled()).isTrue();
    assertThat(c.rateLimits()).containsEntry("push", 500L);
  }

  @Test
  void one_shard_is_the_default_and_keeps_the_intents_stream() throws Exception {
    HeraldConfig c = load("redis:\n  url: redis://localhost\n", Map.of());
    assertThat(c.shards()).isEqualTo(1);
    assertThat(c.sharded()).isFalse();
    assertThat(c.intake().streamEnabled()).isTrue();
  }

  @Test
  void every_problem_of_a_cluster_config_is_named_with_its_key() {
    String yaml =
        "redis:\n"
            + "  url: redis://localhost\n"
            + "  cluster:\n"
            + "    nodes: ['10.0.0.1:99999']\n"
            + "  sentinel:\n"
            + "    master: m\n"
            + "    nodes: [s1]\n"
            + "gateway:\n"
            + "  stream: 'events:{x}'\n";
    assertThatThrownBy(() -> load(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .contains(
                        "redis.cluster.nodes[0] must be host:port, port 1 to 65535 (was"
                            + " '10.0.0.1:99999')",
                        "redis.url must not be set when redis.cluster is set (the seed nodes are"
                            + " the Redis; the user and password go in redis.cluster): was"
                            + " 'redis://localhost'",
                        "redis.sentinel must not be set when redis.cluster is set (a cluster fails"
                            + " over by itself): keep one",
                        "shards must be at least 2 when redis.cluster is set (was 1): every key of"
                            + " a shard is in one slot, so one shard would use one master; 16 or"
                            + " more let the slots spread over the masters"));
  }

  @Test
  void a_sharded_layout_refuses_braces_in_stream_names_and_too_many_shards() {
    String yaml =
        "redis:\n  url: redis://localhost\n"
            + "shards: 2000\n"
            + "channels:\n  push:\n    stream: 'push:{a}'\n    rate-limit: 5\n"
            + "intake:\n  stream: 'in:{x}'\n";
    assertThatThrownBy(() -> load(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .contains(
                        "shards must be between 1 and 1024 (was 2000)",
                        "channels.push.stream must not contain { or } when shards is above 1 (was"
                            + " 'push:{a}'): each shard's stream is the name plus the shard's hash"
                            + " tag",
                        "intake.stream must not contain { or } when shards is above 1 (was"
                            + " 'in:{x}'): each shard's stream is the name plus the shard's hash"
                            + " tag"));
  }

  @Test
  void the_cluster_password_may_come_from_the_environment() throws Exception {
    HeraldConfig c = load(CLUSTER.replace("    password: s3cret\n", ""), Map.of());
    assertThat(RedisTarget.of(c).endpoint().password()).isNull();
  }
}
