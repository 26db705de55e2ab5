package dev.herald.spool;

import dev.herald.domain.Notification;
import java.time.Instant;

/**
 * One line of a segment after its header: a notification to accept, or a cancel of one that is
 * ahead of it in the spool. The replayer applies them in file order.
 */
public sealed interface SpoolRecord permits SpoolRecord.Accept, SpoolRecord.Cancel {

  /** The producer it belongs to: its notifications wait behind it. */
  String producer();

  /** When it was answered 202. */
  Instant at();

  /** The notification it accepts or cancels. */
  String notificationId();

  /** A notification, with its final id and every field it was accepted with. */
  record Accept(Notification notification) implements SpoolRecord {
    @Override
    public String producer() {
      return notification.producer();
    }

    @Override
    public Instant at() {
      return notification.acceptedAt();
    }

    @Override
    public String notificationId() {
      return notification.id();
    }
  }

  /** A cancel of a notification that was in the spool when it was asked for. */
  record Cancel(String notificationId, String producer, Instant at) implements SpoolRecord {}
}
