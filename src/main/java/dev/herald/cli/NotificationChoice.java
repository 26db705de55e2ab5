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
      description = "the id `herald submit` printed, in any case")
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
   * @param routeRefused why a route ({@code ID/push:u-1}) is refused; null: it names its
   *     notification, see {@link #route}
   * @throws ParameterException unless exactly one of the two ways is given, whole
   * @throws BadInputException when the id is not one
   */
  CancelRequest request(String routeRefused) {
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
    if (byKey) {
      return CancelRequest.byIdempotencyKey(producer, idempotencyKey);
    }
    return CancelRequest.byId(
        routeRefused == null
            ? Ref.parse(notificationId).notificationId()
            : Ref.notificationOnly(notificationId, routeRefused));
  }

  /** The route NOTIFICATION_ID names, when it names one ({@code ID/push:u-1}). */
  Ref route() {
    return notificationId == null ? null : Ref.parse(notificationId);
  }
}
