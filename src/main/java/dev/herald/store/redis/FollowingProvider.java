package dev.herald.store.redis;

import java.util.Map;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;

/**
 * Jedis's Sentinel provider, which moves its pool to the primary each {@code +switch-master} names,
 * with a look at where it points before each connection is handed out, so that the first command
 * sent to a new primary logs and counts the failover.
 */
final class FollowingProvider implements ConnectionProvider {

  private final SentineledConnectionProvider sentinels;
  private final FailoverLog failovers;

  FollowingProvider(SentineledConnectionProvider sentinels, FailoverLog failovers) {
    this.sentinels = sentinels;
    this.failovers = failovers;
    notice();
  }

  @Override
  public Connection getConnection() {
    notice();
    return sentinels.getConnection();
  }

  @Override
  public Connection getConnection(CommandArguments args) {
    notice();
    return sentinels.getConnection(args);
  }

  @Override
  public Map<?, ?> getConnectionMap() {
    return sentinels.getConnectionMap();
  }

  @Override
  public Map<?, ?> getPrimaryNodesConnectionMap() {
    return sentinels.getPrimaryNodesConnectionMap();
  }

  private void notice() {
    failovers.sendingTo(sentinels.getCurrentMaster().toString());
  }

  @Override
  public void close() {
    sentinels.close();
  }
}
