package dev.herald.store.redis;

import dev.herald.config.ConfigException;
import dev.herald.config.RedisEndpoint;
import dev.herald.store.MigrationTally;
import dev.herald.store.ShardMigration;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@link ShardMigration} from a one-Redis store to shards, on the same Redis or another (a Redis
 * Cluster): the notifications first ({@link NotificationMover}), then the indexes that name them
 * ({@link IndexMover}), the idempotency records ({@link IdempotencyMover}), the recipient index
 * ({@link RecipientIndexMover}) and what the shards share ({@link SharedMover}). The streams stay
 * where they are: their consumers read them to the end. Connects with the endpoints' own
 * credentials and TLS; sends only commands of Herald's ACL ({@code config/herald.acl}).
 */
public final class RedisShardMigration implements ShardMigration {

  /** Longest wait for one round trip: a page of large route hashes takes longer than a command. */
  private static final Duration MIN_TIMEOUT = Duration.ofSeconds(10);

  private final UnifiedJedis source;
  private final UnifiedJedis target;
  private final MigrationPreflight preflight;
  private final NotificationMover notifications;
  private final IndexMover indexes;
  private final IdempotencyMover idempotency;
  private final RecipientIndexMover recipients;
  private final SharedMover shared;
  private final SourceLeftovers leftovers;
  private final OrphanCount orphans;

  private RedisShardMigration(UnifiedJedis source, UnifiedJedis target, MigrationSides sides) {
    this.source = source;
    this.target = target;
    RedisKeys from = new RedisKeys(sides.sourceNamespace());
    List<RedisKeys> to = RedisKeys.ofShards(sides.targetNamespace(), sides.shards());
    this.leftovers = new SourceLeftovers(source, from);
    this.preflight = new MigrationPreflight(source, from, target, to.get(0), sides.sourceIntents());
    MigrationEnds ends = MigrationEnds.of(source, from, target, to);
    TargetFormat targetFormat = new TargetFormat(ends);
    this.notifications = new NotificationMover(ends, leftovers, targetFormat);
    this.indexes = new IndexMover(ends, leftovers);
    this.idempotency = new IdempotencyMover(ends, leftovers);
    this.recipients = new RecipientIndexMover(ends, leftovers);
    this.shared = new SharedMover(ends, targetFormat);
    this.orphans = new OrphanCount(source, from);
  }

  /**
   * Connects to both ends.
   *
   * @throws dev.herald.store.StoreUnavailableException when either does not answer
   * @throws dev.herald.store.StoreAccessDeniedException when either refuses the credentials
   */
  public static RedisShardMigration open(MigrationSides sides) {
    if (sides.shards() < 2) {
      throw new IllegalArgumentException("a migration to shards needs 2 or more");
    }
    UnifiedJedis source = connect(sides.source(), "herald-migrate-source");
    try {
      UnifiedJedis target = connect(sides.target(), "herald-migrate-target");
      return new RedisShardMigration(source, target, sides);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  private static UnifiedJedis connect(RedisEndpoint endpoint, String name) {
    Duration timeout =
        endpoint.timeout().compareTo(MIN_TIMEOUT) < 0 ? MIN_TIMEOUT : endpoint.timeout();
    FailoverLog failovers =
        new FailoverLog(
            endpoint.sentinels() == null ? null : endpoint.sentinels().master(),
            endpoint.sentinels() == null ? endpoint.host() + ":" + endpoint.port() : null);
    UnifiedJedis redis;
    try {
      redis = RedisClients.open(endpoint, 4, timeout, name, failovers);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(null, List.of(e.getMessage()));
    } catch (JedisException e) {
      throw StartFailures.translate(endpoint, "connecting to " + endpoint.redacted(), e);
    }
    try {
      redis.ping();
      return redis;
    } catch (JedisException e) {
      redis.close();
      throw StartFailures.translate(endpoint, "connecting to " + endpoint.redacted(), e);
    }
  }

  @Override
  public Instant sourceTime() {
    return new RedisServerInfo(source).time();
  }

  @Override
  public List<String> preflight(Instant now) {
    return preflight.problems(now);
  }

  @Override
  public boolean moveNotifications(MigrationTally tally, boolean dryRun, Instant now) {
    return notifications.step(tally, dryRun, now);
  }

  @Override
  public void moveTheRest(MigrationTally tally, boolean dryRun, Instant now) {
    indexes.moveAll(tally, dryRun);
    idempotency.moveAll(tally, dryRun);
    recipients.moveAll(tally, dryRun);
    shared.moveAll(tally, dryRun, now);
    orphans.note(tally);
  }

  @Override
  public void close() {
    source.close();
    target.close();
  }
}
