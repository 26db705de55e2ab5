package dev.herald.cli;

import dev.herald.config.HeraldConfig;
import dev.herald.daemon.RedisTarget;
import dev.herald.daemon.StreamListing;
import dev.herald.domain.Channel;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "streams",
    description = {
      "List the Redis streams each channel's events are appended to: what consumers read.",
      "Also the intents streams producers append to (unless intake.stream is off).",
      "With shards above 1 each has one stream per shard: its name plus the shard's tag.",
      "The tag keeps each shard's appends in its slot; read them all, e.g. one group on each.",
      "Producers may append an intent to any of the intents streams (by a hash of their own, say).",
      "Herald reads every one, and an intent with an idempotency key is deduplicated wherever.",
      "Needs no Redis: the names follow from the config.",
    },
    footer = {
      "",
      "Examples:",
      "  herald streams --config herald.yaml",
      "  herald streams --json | jq -r '.channels[].streams[]'",
      "",
      "--json prints {\"shards\": N, \"channels\": [{\"channel\", \"stream\" (as configured),",
      "\"streams\": [the Redis streams, in shard order]}, ...], \"intents\": {\"stream\",",
      "\"streams\"} (null when intake.stream is off)}. A running Herald serves the same at",
      "GET /streams on ops.listen.",
    })
final class StreamsCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Option(names = "--json", description = "print one JSON object")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    HeraldConfig cfg = config.load();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(DeadLetterJson.pretty(StreamListing.of(cfg)));
    } else {
      for (Channel c : cfg.channels().all()) {
        out.println(c.name() + " (" + c.stream() + "):");
        RedisTarget.streams(cfg, c.stream()).forEach(s -> out.println("  " + s));
      }
      if (cfg.intake().streamEnabled()) {
        out.println("intents (" + cfg.intake().stream() + "):");
        RedisTarget.streams(cfg, cfg.intake().stream()).forEach(s -> out.println("  " + s));
      }
    }
    return ExitCodes.OK;
  }
}
