package dev.herald.spool;

import java.time.Duration;

/**
 * The spool now.
 *
 * @param bytes bytes of segments on disk (sealed and active), not counting corrupt ones
 * @param records notifications not replayed yet
 * @param segments segment files (sealed and active)
 * @param oldestRecordAge how long the oldest record not replayed yet has waited; zero when none
 */
public record SpoolFigures(long bytes, long records, int segments, Duration oldestRecordAge) {}
