package dev.herald.console;

import dev.herald.channel.ChannelActions;
import dev.herald.store.BreakerBoard;
import dev.herald.store.DeadLetterStore;
import dev.herald.store.IntentStream;
import dev.herald.store.NotificationStore;
import dev.herald.store.ProcessBoard;
import dev.herald.store.RecipientIndex;
import dev.herald.store.StatsStore;
import java.time.Clock;
import java.util.List;

/**
 * What the console reads and acts through: the same stores and actions the CLI uses, on the
 * daemon's connection and clock (Redis's).
 *
 * @param streams the configured channels' streams
 * @param defaultMaxAttempts {@code delivery.max-attempts}, for routes that set none
 */
public record Console(
    Clock clock,
    StatsStore stats,
    IntentStream intents,
    BreakerBoard breakers,
    DeadLetterStore deadLetters,
    NotificationStore notifications,
    RecipientIndex recipients,
    ChannelActions channels,
    ProcessBoard processes,
    List<String> streams,
    int defaultMaxAttempts) {}
