package dev.herald.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.domain.CancelRequest;
import dev.herald.domain.Notification;
import dev.herald.domain.NotificationIds;
import dev.herald.store.AcceptResult;
import dev.herald.store.CancelResult;
import dev.herald.store.NotificationRecord;
import dev.herald.store.NotificationStore;
import dev.herald.store.StoreException;
import dev.herald.testing.Harness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit on a real Redis: many callers' batches in few accept calls, each its own result. */
class AcceptQueueIT {

  private final Harness h = new Harness();
  private final NotificationIds ids = new NotificationIds();

  /** The real store, counting its accept calls and holding each until the test lets it go. */
  private final class CountingStore implements NotificationStore {
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public List<AcceptResult> accept(List<Notification> batch, Instant now, Duration window) {
      calls.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return h.backend.notifications().accept(batch, now, window);
    }

    @Override
    public Optional<NotificationRecord> find(String id) {
      return h.backend.notifications().find(id);
    }

    @Override
    public Optional<CancelResult> cancel(CancelRequest r, Instant now, Duration window) {
      return h.backend.notifications().cancel(r, now, window);
    }

    @Override
    public Optional<String> findIdByIdempotencyKey(String producer, String key) {
      return h.backend.notifications().findIdByIdempotencyKey(producer, key);
    }
  }

  private final CountingStore store = new CountingStore();

  /** Fills both senders with a call held at the gate, so that what is submitted next waits. */
  private void holdBothSenders(AcceptQueue queue) {
    store.gate = new CountDownLatch(1);
    for (int i = 1; i <= AcceptQueue.SENDERS; i++) {
      queue.submit(
          List.of(notification("blocker-" + i, null)), h.clock.instant(), Duration.ofHours(1));
      int calls = i;
      await().atMost(Duration.ofSeconds(5)).until(() -> store.calls.get() == calls);
    }
  }

  @AfterEach
  void close() {
    h.close();
  }

  private Notification notification(String producer, String key) {
    return Harness.notification("u-1", "u-2")
        .producer(producer)
        .idempotencyKey(key)
        .build()
        .toNotification(ids.next(h.clock.instant()), h.clock.instant());
  }

  @Test
  void batches_that_wait_while_a_call_is_in_flight_go_together_and_each_gets_its_own_results() {
    AcceptQueue queue = new AcceptQueue(store);
    holdBothSenders(queue);
    List<AcceptQueue.Pending> pending = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pending.add(
          queue.submit(
              List.of(notification("p" + i, null)), h.clock.instant(), Duration.ofHours(1)));
    }
    assertThat(queue.waiting()).isEqualTo(40);
    store.gate.countDown();
    for (AcceptQueue.Pending p : pending) {
      List<AcceptResult> results = p.done.join();
      assertThat(results).hasSize(1);
      assertThat(results.get(0).notificationId()).isEqualTo(p.batch.get(0).id());
      assertThat(results.get(0).status()).isEqualTo(AcceptResult.Status.CREATED);
    }
    assertThat(store.calls.get()).as("accept calls for 2 + 40 batches").isLessThanOrEqualTo(4);
    for (AcceptQueue.Pending p : pending) {
      assertThat(h.backend.notifications().find(p.batch.get(0).id())).isPresent();
    }
  }

  @Test
  void two_batches_naming_one_key_in_one_call_make_the_later_a_duplicate_as_two_calls_would() {
    AcceptQueue queue = new AcceptQueue(store);
    holdBothSenders(queue);
    AcceptQueue.Pending first =
        queue.submit(List.of(notification("game", "k-1")), h.clock.instant(), Duration.ofHours(1));
    AcceptQueue.Pending second =
        queue.submit(List.of(notification("game", "k-1")), h.clock.instant(), Duration.ofHours(1));
    store.gate.countDown();
    String id = first.done.join().get(0).notificationId();
    AcceptResult repeat = second.done.join().get(0);
    assertThat(repeat.status()).isEqualTo(AcceptResult.Status.DUPLICATE);
    assertThat(repeat.notificationId()).isEqualTo(id);
  }

  @Test
  void a_batch_the_store_refuses_in_a_merged_call_is_refused_alone_and_the_others_are_stored() {
    Notification taken = notification("game", null);
    h.raw.set(h.keys.notification(taken.id()), "something else");
    AcceptQueue queue = new AcceptQueue(store);
    holdBothSenders(queue);
    AcceptQueue.Pending before =
        queue.submit(List.of(notification("a", null)), h.clock.instant(), Duration.ofHours(1));
    AcceptQueue.Pending refused =
        queue.submit(List.of(taken), h.clock.instant(), Duration.ofHours(1));
    AcceptQueue.Pending after =
        queue.submit(List.of(notification("b", null)), h.clock.instant(), Duration.ofHours(1));
    store.gate.countDown();
    assertThat(before.done.join().get(0).created()).isTrue();
    assertThat(after.done.join().get(0).created()).isTrue();
    assertThat(refused.done)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(StoreException.class)
        .withMessageContaining("already in use");
    assertThat(h.backend.notifications().find(before.batch.get(0).id())).isPresent();
    assertThat(h.backend.notifications().find(after.batch.get(0).id())).isPresent();
  }

  @Test
  void a_batch_taken_back_before_it_was_sent_is_never_sent() {
    AcceptQueue queue = new AcceptQueue(store);
    holdBothSenders(queue);
    AcceptQueue.Pending late =
        queue.submit(List.of(notification("late", null)), h.clock.instant(), Duration.ofHours(1));
    assertThat(queue.withdraw(late)).isTrue();
    store.gate.countDown();
    AcceptQueue.Pending next =
        queue.submit(List.of(notification("next", null)), h.clock.instant(), Duration.ofHours(1));
    next.done.join();
    assertThat(late.done).isNotDone();
    assertThat(h.backend.notifications().find(late.batch.get(0).id())).isEmpty();
    assertThat(queue.withdraw(next)).isFalse();
  }
}
