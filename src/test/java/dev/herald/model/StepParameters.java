package dev.herald.model;

import dev.herald.store.RouteStore;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** The parameters of the steps and how often each value comes up. */
final class StepParameters {

  private StepParameters() {}

  static Arbitrary<Tuple.Tuple2<List<NotificationSpec>, Fault>> accepts(Arbitrary<Fault> fault) {
    Arbitrary<List<NotificationSpec>> batch =
        Arbitraries.frequencyOf(
                Tuple.of(85, Arbitraries.just(1)),
                Tuple.of(12, Arbitraries.just(2)),
                Tuple.of(3, Arbitraries.just(3)))
            .flatMap(n -> notification().list().ofSize(n));
    return Combinators.combine(batch, fault).as(Tuple::of);
  }

  /** 1-3 intents of the intents stream: mostly notifications, now and then a cancel. */
  static Arbitrary<List<IntentSteps.Item>> intents() {
    Arbitrary<IntentSteps.Item> cancel =
        Combinators.combine(ordinal(), Arbitraries.of(false, true))
            .as((n, byKey) -> new IntentSteps.Item(null, n, byKey));
    Arbitrary<IntentSteps.Item> item =
        Arbitraries.frequencyOf(
            Tuple.of(7, notification().map(s -> new IntentSteps.Item(s, null, false))),
            Tuple.of(3, cancel));
    return item.list().ofMinSize(1).ofMaxSize(3);
  }

  static Arbitrary<NotificationSpec> notification() {
    Arbitrary<Integer> recipients =
        Arbitraries.frequencyOf(
            Tuple.of(60, Arbitraries.integers().between(1, 6)),
            Tuple.of(25, Arbitraries.integers().between(7, 200)),
            Tuple.of(12, Arbitraries.integers().between(201, 1_000)),
            Tuple.of(2, Arbitraries.integers().between(1_000, 3_999)),
            Tuple.of(3, Arbitraries.integers().between(4_000, 10_000)));
    Arbitrary<List<String>> channels =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(List.of("push"))),
            Tuple.of(1, Arbitraries.just(List.of("email"))),
            Tuple.of(3, Arbitraries.just(List.of("push", "email"))));
    Arbitrary<String> key =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just((String) null)),
            Tuple.of(4, Arbitraries.of("k1", "k2", "k3")));
    Arbitrary<Long> expires =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just((Long) null)),
            Tuple.of(4, Arbitraries.of(1L, 1_000L, 10_000L, 45_000L, 300_000L)));
    Arbitrary<Integer> maxAttempts =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just((Integer) null)),
            Tuple.of(2, Arbitraries.just(1)),
            Tuple.of(2, Arbitraries.integers().between(2, 3)));
    Arbitrary<Tuple.Tuple5<Integer, Boolean, List<String>, String, String>> who =
        Combinators.combine(
                recipients,
                Arbitraries.integers().between(1, 10).map(i -> i == 10),
                channels,
                Arbitraries.of("game.turn", "chat.message"),
                Arbitraries.of("p1", "p2"))
            .as(Tuple::of);
    return Combinators.combine(
            who,
            key,
            Arbitraries.of(0L, 0L, 0L, 1_000L, 10_000L, 60_000L, -5_000L),
            expires,
            maxAttempts,
            Arbitraries.integers().between(1, 20).map(i -> i == 20))
        .as(
            (p, k, send, exp, max, invalid) ->
                new NotificationSpec(
                    p.get1(), p.get2(), p.get3(), p.get4(), p.get5(), k, send, exp, max, invalid));
  }

  /** What a mixed completion picks from: every single outcome {@code without} leaves in. */
  static List<ScriptedWorker.Mix> mixed(Set<String> without) {
    return java.util.Arrays.stream(ScriptedWorker.Mix.values())
        .filter(m -> m != ScriptedWorker.Mix.MIXED)
        .filter(m -> !without.contains("complete:" + m.name().toLowerCase(Locale.ROOT)))
        .toList();
  }

  /** The largest claim: 10,000 (the most {@code publisher.batch-size} allows), or 3,900. */
  static int mostBatch(Set<String> without) {
    return without.contains("big-batches") ? 3_900 : 10_000;
  }

  static Arbitrary<Integer> batchSize(int most) {
    return Arbitraries.frequencyOf(
        Tuple.of(50, Arbitraries.integers().between(1, 100)),
        Tuple.of(30, Arbitraries.integers().between(101, 2_000)),
        Tuple.of(20, Arbitraries.integers().between(2_001, most)));
  }

  /**
   * A cycle's {@code publisher.batch-bytes}: mostly the default; now and then so small that the
   * claim stops at its budget, or one byte (then every claim takes one route).
   */
  static Arbitrary<Long> batchBytes() {
    return Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just((long) RouteStore.DEFAULT_BATCH_BYTES)),
        Tuple.of(1, Arbitraries.just(16_384L)),
        Tuple.of(1, Arbitraries.just(1L)));
  }

  static Arbitrary<Fault> fault() {
    return Arbitraries.frequencyOf(
        Tuple.of(16, Arbitraries.just(Fault.NONE)),
        Tuple.of(2, Arbitraries.just(Fault.OOM)),
        Tuple.of(2, Arbitraries.just(Fault.REPLY_LOST)),
        Tuple.of(1, Arbitraries.just(Fault.REPLY_LOST_REPEATEDLY)));
  }

  static Arbitrary<ScriptedWorker.Mix> mix() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(ScriptedWorker.Mix.PUBLISH)),
        Tuple.of(2, Arbitraries.just(ScriptedWorker.Mix.RETRY)),
        Tuple.of(2, Arbitraries.just(ScriptedWorker.Mix.DEAD)),
        Tuple.of(1, Arbitraries.just(ScriptedWorker.Mix.DEFER)),
        Tuple.of(1, Arbitraries.just(ScriptedWorker.Mix.PROBE)),
        Tuple.of(1, Arbitraries.just(ScriptedWorker.Mix.FOLLOW)),
        Tuple.of(2, Arbitraries.just(ScriptedWorker.Mix.MIXED)));
  }

  static Arbitrary<Integer> worker() {
    return Arbitraries.integers().between(0, 2);
  }

  /** A notification by number, or null for every dead letter. */
  static Arbitrary<Integer> scope() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just((Integer) null)), Tuple.of(1, ordinal()));
  }

  static Arbitrary<Integer> ordinal() {
    return Arbitraries.integers().between(0, 9);
  }
}
