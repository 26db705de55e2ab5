package dev.herald.cli;

import dev.herald.bench.ApiLoad;
import dev.herald.bench.BenchResult;
import dev.herald.config.Durations;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "api",
    description = {
      "POST notifications to a running Herald's HTTP API at a fixed rate (open loop).",
      "Latency p50/p90/p99/p99.9/max from when each request was due, and the answers by status.",
      "Unlike the other scenarios it needs no Redis: it is a client of a `herald run`.",
    },
    footer = {
      "",
      "Examples:",
      "  herald bench api --url http://127.0.0.1:9465/v1/notifications --rate 5000",
      "  src/test/bench/api-bench.sh paced      # starts Redis and herald run, then this",
    })
final class BenchApiCommand implements Callable<Integer> {

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:9465/v1/notifications",
      description = "the API's submit URL, http only (default ${DEFAULT-VALUE})")
  URI url;

  @Option(
      names = "--rate",
      defaultValue = "5000",
      description = "requests/s (default ${DEFAULT-VALUE})")
  int rate;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      description = "measured time (default ${DEFAULT-VALUE})")
  String duration;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      description = "sent first at the same rate, not measured (default ${DEFAULT-VALUE})")
  String warmup;

  @Option(
      names = "--connections",
      defaultValue = "64",
      description = "keep-alive connections (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--token", description = "bearer token (default: none)")
  String token;

  @Option(
      names = "--send-at",
      description = "send_at of the notifications (ISO-8601; default: due at once)")
  String sendAt;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (rate < 1 || connections < 1) {
      throw new BadInputException("--rate and --connections must be at least 1");
    }
    ApiLoad load =
        new ApiLoad(
            new ApiLoad.Options(
                url, rate, parse(duration), parse(warmup), connections, token, sendAt));
    BenchResult result =
        load.run(
            "java -jar target/herald.jar "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? result.toJson() + "\n" : result.toText());
    out.flush();
    return ExitCodes.OK;
  }

  private static Duration parse(String text) {
    return Durations.parse(text)
        .orElseThrow(
            () -> new BadInputException("not a duration: " + text + " (" + Durations.FORMS + ")"));
  }
}
