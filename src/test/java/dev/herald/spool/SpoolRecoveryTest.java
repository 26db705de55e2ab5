package dev.herald.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.domain.Notification;
import dev.herald.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolRecoveryTest {

  @TempDir Path dir;
  private final MutableClock clock = MutableClock.atNoon();
  private final AtomicInteger torn = new AtomicInteger();
  private final AtomicInteger corrupt = new AtomicInteger();
  private final SpoolListener counting =
      new SpoolListener() {
        @Override
        public void onTornRecord() {
          torn.incrementAndGet();
        }

        @Override
        public void onCorruptSegment() {
          corrupt.incrementAndGet();
        }
      };

  private SpoolOptions options() {
    return new SpoolOptions(
        dir,
        1L << 30,
        SpoolOptions.Fsync.REQUEST,
        Duration.ofSeconds(1),
        1L << 20,
        Duration.ofSeconds(1),
        1000,
        100);
  }

  private static Notification notification(int i, Instant at) {
    return new Notification(
        String.format("01M8RG0TK1YSCDCZJN1TN6F%03d", i).replace('0', 'A').substring(0, 26),
        "t",
        "p",
        null,
        List.of("u-" + i),
        List.of("push"),
        "{\"i\":" + i + "}",
        null,
        null,
        at,
        null,
        at,
        null);
  }

  private void segment(long seq, int from, int count, String tail) throws Exception {
    StringBuilder out =
        new StringBuilder(
            new String(SpoolRecords.header(seq, clock.instant()), StandardCharsets.UTF_8));
    for (int i = from; i < from + count; i++) {
      out.append(
          new String(
              SpoolRecords.encode(notification(i, clock.instant())), StandardCharsets.UTF_8));
    }
    out.append(tail);
    Files.writeString(dir.resolve(SegmentScan.fileName(seq)), out);
  }

  @Test
  void a_record_round_trips_exactly_so_that_the_store_recognises_it() {
    Notification n =
        new Notification(
            "01M8RG0TK1YSCDCZJN1TN6FPPD",
            "game.turn_ready",
            "game-engine",
            "k-1",
            List.of("u-1", "u 2"),
            List.of("push"),
            "{\"a\":1.50,\"b\":\"\\u00e9\"}",
            "r",
            "tr",
            Instant.ofEpochMilli(1_796_000_000_123L),
            3,
            Instant.ofEpochMilli(1_796_000_000_000L),
            Instant.ofEpochMilli(1_797_000_000_000L));
    byte[] line = SpoolRecords.encode(n);
    assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
    assertThat(SpoolRecords.decode(java.util.Arrays.copyOf(line, line.length - 1)))
        .isEqualTo(new SpoolRecord.Accept(n));
    SpoolRecord cancel = new SpoolRecord.Cancel(n.id(), "game-engine", Instant.ofEpochMilli(7));
    byte[] cancelLine = SpoolRecords.encode(cancel, null);
    assertThat(SpoolRecords.decode(java.util.Arrays.copyOf(cancelLine, cancelLine.length - 1)))
        .isEqualTo(cancel);
  }

  @Test
  void a_torn_last_line_is_cut_and_counted_and_a_garbage_segment_set_aside_and_counted()
      throws Exception {
    segment(1, 0, 3, "{\"id\":\"01M8RG0TK1YSC"); // cut mid-record by a crash
    Files.writeString(
        dir.resolve(SegmentScan.fileName(2)), "garbage\n\u0001\u0002 more garbage\nx\n");
    segment(3, 10, 2, "");
    try (Spool spool = Spool.open(options(), clock, counting)) {
      assertThat(torn.get()).isEqualTo(1);
      assertThat(corrupt.get()).isEqualTo(1);
      assertThat(spool.figures().records()).isEqualTo(5);
      assertThat(Files.exists(dir.resolve("corrupt-" + SegmentScan.fileName(2)))).isTrue();
      assertThat(Files.exists(dir.resolve(SegmentScan.fileName(2)))).isFalse();
      List<String> ids = new ArrayList<>();
      for (Path p : SpoolRecovery.segmentFiles(dir)) {
        SegmentScan.read(p).records().forEach(r -> ids.add(r.notificationId()));
      }
      assertThat(ids).hasSize(5);
      assertThat(SegmentScan.read(dir.resolve(SegmentScan.fileName(1))).tornBytes()).isZero();
    }
  }

  @Test
  void a_bad_line_followed_by_good_ones_is_corrupt_not_torn() {
    byte[] header = SpoolRecords.header(1, Instant.EPOCH);
    byte[] good = SpoolRecords.encode(notification(1, Instant.EPOCH));
    byte[] data =
        (new String(header, StandardCharsets.UTF_8)
                + "{oops}\n"
                + new String(good, StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8);
    SegmentScan scan = SegmentScan.of(data, 1);
    assertThat(scan.isCorrupt()).isTrue();
    assertThat(scan.corrupt()).startsWith("line 2 unreadable");
  }

  @Test
  void zeros_after_the_last_record_are_a_torn_tail() {
    byte[] header = SpoolRecords.header(1, Instant.EPOCH);
    byte[] good = SpoolRecords.encode(notification(1, Instant.EPOCH));
    byte[] data = new byte[header.length + good.length + 4096];
    System.arraycopy(header, 0, data, 0, header.length);
    System.arraycopy(good, 0, data, header.length, good.length);
    SegmentScan scan = SegmentScan.of(data, 1);
    assertThat(scan.isCorrupt()).isFalse();
    assertThat(scan.records()).hasSize(1);
    assertThat(scan.tornBytes()).isEqualTo(4096);
  }

  @Test
  void appends_go_to_a_new_segment_after_the_recovered_ones_and_over_max_bytes_are_refused()
      throws Exception {
    segment(7, 0, 1, "");
    SpoolOptions small =
        new SpoolOptions(
            dir,
            2000,
            SpoolOptions.Fsync.BATCH,
            Duration.ofSeconds(1),
            1L << 16,
            Duration.ofSeconds(1),
            1000,
            100);
    try (Spool spool = Spool.open(small, clock, counting)) {
      spool.append(List.of(notification(1, clock.instant())));
      assertThat(Files.exists(dir.resolve(SegmentScan.fileName(8)))).isTrue();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  spool.append(
                      List.of(notification(2, clock.instant())).stream()
                              .map(n -> n)
                              .toList()
                              .subList(0, 1)
                              .isEmpty()
                          ? List.of()
                          : bulk(20)))
          .isInstanceOf(dev.herald.intake.IntakeSpool.SpoolRefusedException.class)
          .hasMessageContaining("spool.max-bytes (2000)");
      assertThat(spool.figures().records()).isEqualTo(2);
    }
  }

  private List<Notification> bulk(int n) {
    List<Notification> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(notification(100 + i, clock.instant()));
    }
    return out;
  }
}
