package dev.herald.model;

import dev.herald.store.RouteStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.ActionChainArbitrary;
import net.jqwik.api.state.Transformer;

/**
 * The steps a sequence is made of, with their weights and parameters. Every step is independent of
 * the state it meets (it names workers and notifications by number and does nothing when there is
 * nothing to do), so that a failing sequence shrinks by dropping steps and shrinking numbers.
 */
final class Steps {

  private Steps() {}

  /**
   * The sequences, each of at most {@code maxSteps} steps.
   *
   * @param without steps to leave out, by kind ({@code restart}) or kind and fault ({@code
   *     accept:reply_lost}) or kind and mix ({@code complete:defer}), and {@code big-batches}
   *     (claims of at most 3,900 routes): so that a run can look past a hole already found
   */
  static ActionChainArbitrary<World> sequences(
      Supplier<World> start, int maxSteps, Set<String> without) {
    Chain c = new Chain(ActionChain.<World>startWith(start), without);
    int mostBatch = StepParameters.mostBatch(without);
    c.add(
        8,
        "accept",
        k ->
            action(
                StepParameters.accepts(c.fault(k)),
                Steps::describeAccept,
                (w, p) -> w.intake.accept(p.get1(), p.get2())));
    c.add(
        2,
        "intents",
        k ->
            action(
                Combinators.combine(StepParameters.intents(), c.fault(k)).as(Tuple::of),
                p -> "intents " + p.get1() + " through the intake stream" + p.get2().suffix(),
                (w, p) -> w.intents.submit(p.get1(), p.get2())));
    c.add(
        6,
        "claim",
        k ->
            action(
                Combinators.combine(
                        StepParameters.worker(), StepParameters.batchSize(mostBatch), c.fault(k))
                    .as(Tuple::of),
                p -> "claim w" + p.get1() + " max " + p.get2() + p.get3().suffix(),
                (w, p) -> w.publish.claim(p.get1(), p.get2(), p.get3())));
    c.add(
        6,
        "complete",
        k ->
            action(
                Combinators.combine(
                        StepParameters.worker(),
                        c.mix(),
                        Arbitraries.integers().between(0, 999),
                        c.fault(k))
                    .as(Tuple::of),
                p ->
                    "complete w"
                        + p.get1()
                        + " "
                        + describeMix(p.get2(), p.get3())
                        + p.get4().suffix(),
                (w, p) -> w.publish.complete(p.get1(), p.get2(), p.get3(), p.get4())));
    c.add(
        3,
        "cycle",
        k ->
            action(
                Combinators.combine(
                        StepParameters.batchSize(mostBatch),
                        StepParameters.batchBytes(),
                        c.fault(k))
                    .as(Tuple::of),
                p ->
                    "publish cycle batch "
                        + p.get1()
                        + (p.get2() == RouteStore.DEFAULT_BATCH_BYTES ? "" : " bytes " + p.get2())
                        + p.get3().suffix(),
                (w, p) -> w.publish.cycle(p.get1(), p.get2(), p.get3())));
    c.add(
        4,
        "clock",
        k ->
            action(
                Arbitraries.of(1L, 1_000L, 5_000L, 29_999L, 30_000L, 31_000L, 120_000L, 3_660_000L),
                ms -> "clock " + duration(ms),
                (w, ms) -> w.advance(Duration.ofMillis(ms))));
    c.add(
        1,
        "expiry",
        k ->
            action(
                Combinators.combine(StepParameters.ordinal(), Arbitraries.of(-1L, 0L, 1L))
                    .as(Tuple::of),
                p -> "clock to expires_at of #" + p.get1() + " " + duration(p.get2()),
                (w, p) -> w.advanceToExpiry(p.get1(), p.get2())));
    c.add(
        2,
        "cancel",
        k ->
            action(
                Combinators.combine(
                        StepParameters.ordinal(), Arbitraries.of(false, true), c.fault(k))
                    .as(Tuple::of),
                p ->
                    "cancel #"
                        + p.get1()
                        + (p.get2() ? " by idempotency key" : "")
                        + p.get3().suffix(),
                (w, p) -> w.intake.cancel(p.get1(), p.get2(), p.get3())));
    c.add(
        3,
        "requeue",
        k ->
            action(
                Combinators.combine(
                        StepParameters.scope(),
                        Arbitraries.of(false, true),
                        Arbitraries.of(0L, 10_000L))
                    .as(Tuple::of),
                p ->
                    "requeue "
                        + describeScope(p.get1())
                        + (p.get2() ? " keeping attempts" : "")
                        + (p.get3() > 0 ? " at " + duration(p.get3()) : ""),
                (w, p) -> w.deadLetters.requeue(p.get1(), p.get2(), p.get3())));
    c.add(
        2,
        "purge",
        k ->
            action(
                StepParameters.scope(),
                n -> "purge " + describeScope(n),
                (w, n) -> w.deadLetters.purge(n)));
    c.add(1, "retention", k -> plain("retention: clock +10m, janitor", World::retention));
    c.add(
        1,
        "dead-letter-retention",
        k ->
            action(
                Combinators.combine(
                        Arbitraries.of(null, 0L, 1L, 5L, 50L),
                        Arbitraries.of(null, 0L, 60_000L, 600_000L),
                        Arbitraries.of(1, 3, 500))
                    .as(Tuple::of),
                p ->
                    "dead-letter retention: keep "
                        + (p.get1() == null ? "all" : p.get1())
                        + ", max age "
                        + (p.get2() == null ? "none" : duration(p.get2()))
                        + ", slice "
                        + p.get3(),
                (w, p) -> w.deadLetters.retention(p.get1(), p.get2(), p.get3())));
    c.add(1, "script-flush", k -> plain("SCRIPT FLUSH", World::scriptFlush));
    c.add(
        1,
        "restart",
        k -> plain("restart Redis (SIGKILL; AOF, appendfsync always)", World::restartRedis));
    c.add(
        1,
        "break-stream",
        k ->
            action(
                Arbitraries.of(HeraldUnderTest.CHANNELS),
                ch -> "break stream of " + ch + " (a string)",
                (w, ch) -> w.sut.breakStream(ch)));
    c.add(1, "mend", k -> plain("mend the streams", w -> w.sut.fixStreams()));
    c.add(
        1,
        "dies",
        k -> action(StepParameters.worker(), n -> "w" + n + " dies", (w, n) -> w.publish.dies(n)));
    return c.chain.withMaxTransformations(maxSteps);
  }

  /** Builds the chain, leaving out what {@code without} names. */
  private static final class Chain {
    ActionChainArbitrary<World> chain;
    private final Set<String> without;

    Chain(ActionChainArbitrary<World> chain, Set<String> without) {
      this.chain = chain;
      this.without = without;
    }

    void add(int weight, String kind, Function<String, Action<World>> action) {
      if (!without.contains(kind)) {
        chain = chain.withAction(weight, action.apply(kind));
      }
    }

    Arbitrary<ScriptedWorker.Mix> mix() {
      return StepParameters.mix()
          .filter(m -> !without.contains("complete:" + m.name().toLowerCase(Locale.ROOT)));
    }

    Arbitrary<Fault> fault(String kind) {
      return StepParameters.fault()
          .filter(f -> !without.contains(kind + ":" + f.name().toLowerCase(Locale.ROOT)));
    }
  }

  private static String describeScope(Integer ordinal) {
    return ordinal == null ? "every dead letter" : "the routes of #" + ordinal;
  }

  // ---- building actions ----

  private static <P> Action.Independent<World> action(
      Arbitrary<P> params, Function<P, String> describe, BiConsumer<World, P> body) {
    return () ->
        params.map(
            p -> {
              String description = describe.apply(p);
              return Transformer.mutate(
                  description, w -> w.step(description, () -> body.accept(w, p)));
            });
  }

  private static Action.Independent<World> plain(String description, Consumer<World> body) {
    return Action.just(
        Transformer.mutate(description, w -> w.step(description, () -> body.accept(w))));
  }

  private static String describeAccept(Tuple.Tuple2<List<NotificationSpec>, Fault> p) {
    return "accept " + p.get1() + p.get2().suffix();
  }

  private static String describeMix(ScriptedWorker.Mix mix, int seed) {
    String name = mix.name().toLowerCase(java.util.Locale.ROOT);
    return mix == ScriptedWorker.Mix.MIXED ? name + " (seed " + seed + ")" : name;
  }

  static String duration(long ms) {
    String sign = ms < 0 ? "-" : "+";
    long a = Math.abs(ms);
    if (a % 60_000 == 0 && a > 0) {
      return sign + a / 60_000 + "m";
    }
    if (a % 1000 == 0 && a > 0) {
      return sign + a / 1000 + "s";
    }
    return sign + a + "ms";
  }
}
