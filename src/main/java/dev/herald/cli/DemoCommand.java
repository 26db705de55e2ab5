package dev.herald.cli;

import dev.herald.config.Durations;
import dev.herald.demo.Demo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "Try Herald for 20 seconds on its own Redis, with sample notifications.",
      "Runs an embedded Redis and the publisher in this process, submits samples (one "
          + "whose stream refuses appends for a while, one that ends as a dead letter), "
          + "prints a live summary, then shows how to inspect and requeue the dead letter.",
    },
    footer = {
      "",
      "It uses its own Redis on a free port with its data in a temporary directory, deleted",
      "at the end, so it never touches a running `herald run`. Ctrl-C ends it early.",
      "",
      "Examples:",
      "  herald demo",
      "  herald demo --duration 40s",
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--duration",
      defaultValue = "20s",
      paramLabel = "DURATION",
      description = "how long to run (default: ${DEFAULT-VALUE}; at least 5s)")
  String duration;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Duration total =
        Durations.parse(duration)
            .filter(d -> d.compareTo(Demo.SHORTEST) >= 0)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "--duration must be a duration of at least 5s, e.g. 20s (was '"
                            + duration
                            + "')"));
    Demo demo = new Demo(total, spec.commandLine().getOut());
    Signals.onStop(demo::interrupt);
    demo.run(DemoCommand::routesShow);
    return ExitCodes.OK;
  }

  /** What {@code herald routes show --config FILE ID} prints, run in this process. */
  private static String routesShow(Path configFile, String id) {
    StringWriter shown = new StringWriter();
    PrintWriter out = new PrintWriter(shown);
    HeraldCommand.commandLine()
        .setOut(out)
        .setErr(out)
        .execute("routes", "show", "--config", configFile.toString(), id);
    out.flush();
    return shown.toString();
  }
}
