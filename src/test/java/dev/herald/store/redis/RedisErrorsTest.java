package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.store.StoreAccessDeniedException;
import dev.herald.store.StoreException;
import dev.herald.store.StoreOutcomeUnknownException;
import dev.herald.store.StoreUnavailableException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

class RedisErrorsTest {

  private static RuntimeException translate(JedisException e) {
    return RedisErrors.translate("doing it", e);
  }

  @Test
  void lost_connections_and_transient_refusals_are_unavailability() {
    assertThat(translate(new JedisConnectionException("Connection refused")))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage("doing it: Redis unavailable: Connection refused");
    for (String message :
        new String[] {
          "LOADING Redis is loading the dataset in memory",
          "READONLY You can't write against a read only replica.",
          "OOM command not allowed when used memory > 'maxmemory'. script: abc, on @user_script:278.",
          "ERR Error running script (call to f_e9ff): @user_script:188: @user_script: 188: -OOM command not allowed",
          "BUSY Redis is busy running a script.",
          "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist",
        }) {
      assertThat(translate(new JedisDataException(message)))
          .as(message)
          .isInstanceOf(StoreUnavailableException.class);
    }
    assertThat(translate(new JedisException("Could not get a resource from the pool")))
        .isInstanceOf(StoreUnavailableException.class);
  }

  @Test
  void a_reply_lost_after_sending_is_an_unknown_outcome_and_a_failure_to_connect_is_not() {
    for (JedisConnectionException lost :
        new JedisConnectionException[] {
          new JedisConnectionException(new SocketTimeoutException("Read timed out")),
          new JedisConnectionException("Unexpected end of stream."),
          new JedisConnectionException(new SocketException("Connection reset")),
        }) {
      assertThat(translate(lost))
          .as(lost.getMessage())
          .isInstanceOf(StoreOutcomeUnknownException.class)
          .hasMessageEndingWith(
              "; the reply was lost after the command was sent, so it may have run");
    }
    for (JedisException notSent :
        new JedisException[] {
          new JedisConnectionException("Failed to connect to 127.0.0.1:1."),
          new JedisConnectionException(new ConnectException("Connection refused")),
          new JedisConnectionException(new UnknownHostException("redis.invalid")),
          new JedisException("Could not get a resource from the pool"),
          new JedisDataException("LOADING Redis is loading the dataset in memory"),
          new JedisDataException("OOM command not allowed when used memory > 'maxmemory'."),
        }) {
      assertThat(translate(notSent))
          .as(notSent.getMessage())
          .isInstanceOf(StoreUnavailableException.class)
          .isNotInstanceOf(StoreOutcomeUnknownException.class);
    }
  }

  @Test
  void refused_credentials_are_fatal() {
    assertThat(
            translate(new JedisAccessControlException("WRONGPASS invalid username-password pair")))
        .isInstanceOf(StoreAccessDeniedException.class);
    assertThat(
            translate(
                new JedisDataException(
                    "NOPERM this user has no permissions to run the 'evalsha' command")))
        .isInstanceOf(StoreAccessDeniedException.class);
  }

  @Test
  void other_errors_are_store_errors_with_the_redis_message() {
    RuntimeException e =
        translate(
            new JedisDataException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"));
    assertThat(e).isExactlyInstanceOf(StoreException.class).hasMessageContaining("WRONGTYPE");
    assertThat(translate(new JedisDataException("ERR something about OOMPH")))
        .isExactlyInstanceOf(StoreException.class);
  }

  @Test
  void a_cluster_that_gives_up_or_a_broadcast_a_node_failed_is_an_outage() {
    assertThat(translate(new JedisBroadcastException()))
        .isInstanceOf(StoreUnavailableException.class)
        .isNotInstanceOf(StoreOutcomeUnknownException.class);
    assertThat(translate(new JedisClusterOperationException("No more cluster attempts left.")))
        .isInstanceOf(StoreUnavailableException.class)
        .isNotInstanceOf(StoreOutcomeUnknownException.class);
    JedisClusterOperationException lostReply =
        new JedisClusterOperationException("No more cluster attempts left.");
    lostReply.addSuppressed(
        new JedisConnectionException(new SocketTimeoutException("Read timed out")));
    assertThat(translate(lostReply)).isInstanceOf(StoreOutcomeUnknownException.class);
  }

  @Test
  void a_cluster_whose_slots_the_acl_does_not_let_herald_read_is_access_denied_not_an_outage() {
    JedisClusterOperationException noSlots =
        new JedisClusterOperationException("Could not initialize cluster slots cache.");
    noSlots.addSuppressed(new JedisConnectionException("Failed to connect to 127.0.0.1:7000"));
    noSlots.addSuppressed(
        new JedisAccessControlException(
            "NOPERM this user has no permissions to run the 'cluster|slots' command"));
    assertThat(translate(noSlots))
        .isInstanceOf(StoreAccessDeniedException.class)
        .hasMessageContaining("cluster|slots");
  }
}
