package dev.herald.cli;

import dev.herald.deadletter.DeadLetterFilter;
import dev.herald.domain.FailureKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The filters every dead-letter command takes. Repeat one for "any of"; they combine with AND. */
final class DeadLetterFilterOptions {

  @Option(names = "--type", paramLabel = "TYPE", description = "notification type (repeatable)")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--channel",
      paramLabel = "CHANNEL",
      description = "route channel, e.g. push (repeatable)")
  List<String> channels = new ArrayList<>();

  @Option(names = "--producer", paramLabel = "PRODUCER", description = "producer (repeatable)")
  List<String> producers = new ArrayList<>();

  @Option(
      names = "--classification",
      paramLabel = "CLASS",
      converter = ClassificationConverter.class,
      completionCandidates = ClassificationConverter.Names.class,
      description =
          "classification of the last failure: gateway_stream_publish_failed,"
              + " payload_encoding_failed, corrupt_record (repeatable)")
  List<FailureKind> classifications = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "TIME",
      converter = TimeArg.Converter.class,
      description = "dead since this time or later: ISO-8601, or ago (2h, 30m)")
  TimeArg since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      converter = TimeArg.Converter.class,
      description = "dead since this time or earlier: ISO-8601, or ago (2h, 30m)")
  TimeArg until;

  @Option(
      names = "--notification",
      paramLabel = "ID",
      description = "routes of this notification (repeatable)")
  List<String> notifications = new ArrayList<>();

  DeadLetterFilter toFilter(Instant now) {
    return new DeadLetterFilter(
        Set.copyOf(types),
        Set.copyOf(channels),
        Set.copyOf(producers),
        Set.copyOf(classifications),
        notifications.stream()
            .map(n -> Ref.notificationOnly(n, "--notification takes a notification id"))
            .collect(Collectors.toSet()),
        TimeArg.ago(since, now),
        TimeArg.ago(until, now));
  }

  static final class ClassificationConverter implements ITypeConverter<FailureKind> {

    /** What completion offers: the names the option takes, not the enum's constants. */
    static final class Names implements Iterable<String> {
      @Override
      public Iterator<String> iterator() {
        return Arrays.stream(FailureKind.values()).map(FailureKind::wireName).iterator();
      }
    }

    @Override
    public FailureKind convert(String text) {
      return FailureKind.fromWireName(text)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "unknown classification '"
                          + text
                          + "' (known: "
                          + Arrays.stream(FailureKind.values())
                              .map(FailureKind::wireName)
                              .collect(Collectors.joining(", "))
                          + ")"));
    }
  }
}
