package dev.herald.cli;

import dev.herald.domain.CancelRequest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * How {@code cancel} and {@code routes show} name one notification: by its id, or by its producer
 * and idempotency key (kept for {@code intake.idempotency-window}).
 */
final class NotificationChoice {

  @Parameters(
      arity = "0..1",
      paramLabel = "NOTIFICATION_ID",
      description = "the id `herald submit` printed")
  String notificationId;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "name it by the producer's idempotency key instead (with --producer)")
  String idempotencyKey;

  @Option(
      names = "--producer",
      paramLabel = "PRODUCER",
      description = "the producer whose --idempotency-key it is")
  String producer;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /**
   * The notification named, as a request the store understands.
   *
   * @throws ParameterException unless exactly one of the two ways is given, whole
   */
  CancelRequest request() {
    boolean byKey = idempotencyKey != null || producer != null;
    if (byKey == (notificationId != null)) {
      throw new ParameterException(
          spec.commandLine(),
          "name the notification by NOTIFICATION_ID, or by --idempotency-key KEY with --producer"
              + " PRODUCER");
    }
    if (byKey && (idempotencyKey == null || producer == null)) {
      throw new ParameterException(
          spec.commandLine(), "--idempotency-key and --producer go together");
    }
    return byKey
        ? CancelRequest.byIdempotencyKey(producer, idempotencyKey)
        : CancelRequest.byId(notificationId);
  }
}
