package dev.herald.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.ChannelActions;
import dev.herald.channel.ChannelActions.ChannelView;
import dev.herald.daemon.Stores;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "channels",
    description = {
      "Pause, resume and rate-limit channels, for every Herald process.",
      "A paused channel's routes are not claimed, so they are charged no attempt, until it resumes.",
      "A rate limit caps the routes/s claimed for it across all processes.",
    },
    subcommands = {
      ChannelsCommand.ListChannels.class,
      ChannelsCommand.Pause.class,
      ChannelsCommand.Resume.class,
      ChannelsCommand.Limit.class
    },
    footer = {
      "",
      "Examples:",
      "  herald channels list",
      "  herald channels pause email        # its routes wait, uncharged",
      "  herald channels resume email",
      "  herald channels limit push 500     # routes/s across every process",
    })
final class ChannelsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: list, pause, resume or limit");
  }

  /** Who made a change, for the logs: the user running the command. */
  static String who() {
    return "cli:" + System.getProperty("user.name", "?");
  }

  static <T> T checked(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (IllegalArgumentException e) {
      throw new BadInputException(e.getMessage());
    }
  }

  @Command(
      name = "list",
      description = "Every configured channel: stream, paused (since, by whom), rate limit.",
      footer = {
        "",
        "Examples:",
        "  herald channels list",
        "  herald channels list --json | jq '.channels[] | select(.paused)'",
        "",
        "--json prints {\"channels\": [{\"name\", \"stream\", \"paused\", \"paused_since\",",
        "\"paused_by\", \"rate_limit\", \"rate_limit_source\"}, ...]}.",
        "Exit codes: 0 ok, 69 Redis unavailable, 78 bad config.",
      })
  static final class ListChannels implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin WideOption wide;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Stores ctx = Stores.open(config.load())) {
        List<ChannelView> channels = ctx.channels().list();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(toJson(channels));
        } else {
          TextTable table = new TextTable("CHANNEL", "STREAM", "STATE", "RATE LIMIT");
          for (ChannelView c : channels) {
            table.row(
                c.name(),
                c.stream(),
                c.paused()
                    ? "paused since "
                        + Times.table(c.pausedSince().get())
                        + (c.pausedBy() == null ? "" : " by " + c.pausedBy())
                    : "flowing",
                c.rateLimit().isPresent()
                    ? String.format("%,d routes/s (%s)", c.rateLimit().getAsLong(), c.rateSource())
                    : "none");
          }
          table.print(out, wide.width());
        }
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  static String toJson(List<ChannelView> channels) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set("channels", jsonArray(channels));
    return root.toString();
  }

  static ArrayNode jsonArray(List<ChannelView> channels) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (ChannelView c : channels) {
      ObjectNode o = list.addObject();
      o.put("name", c.name());
      o.put("stream", c.stream());
      o.put("paused", c.paused());
      o.put("paused_since", c.pausedSince().map(Times::iso).orElse(null));
      o.put("paused_by", c.pausedBy());
      if (c.rateLimit().isPresent()) {
        o.put("rate_limit", c.rateLimit().getAsLong());
      } else {
        o.putNull("rate_limit");
      }
      o.put("rate_limit_source", c.rateSource());
    }
    return list;
  }

  @Command(
      name = "pause",
      description = {
        "Pause channels: their routes wait, unclaimed and uncharged, until resumed.",
        "Batches already claimed finish; every process stops claiming at its next claim.",
      },
      footer = {
        "",
        "Examples:",
        "  herald channels pause email sms",
        "",
        "Exit codes: 0 ok, 65 not a configured channel, 69 Redis unavailable."
      })
  static final class Pause implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "CHANNEL")
    List<String> channels;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Stores ctx = Stores.open(config.load())) {
        ChannelActions actions = ctx.channels();
        for (String c : channels) {
          boolean changed = checked(() -> actions.pause(c, who()));
          spec.commandLine()
              .getOut()
              .println("channel " + c + (changed ? " paused" : " was paused already"));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "resume",
      description = "Resume paused channels: their routes are claimed again within a second.",
      footer = {
        "",
        "Examples:",
        "  herald channels resume email sms",
        "",
        "Exit codes: 0 ok, 65 not a configured channel, 69 Redis unavailable."
      })
  static final class Resume implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(arity = "1..*", paramLabel = "CHANNEL")
    List<String> channels;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Stores ctx = Stores.open(config.load())) {
        ChannelActions actions = ctx.channels();
        for (String c : channels) {
          boolean changed = checked(() -> actions.resume(c, who()));
          spec.commandLine()
              .getOut()
              .println("channel " + c + (changed ? " resumed" : " was not paused"));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "limit",
      description = {
        "Set a channel's rate limit in routes/s across every process, over the config's.",
        "--clear removes it, and the config's channels.<name>.rate-limit applies again.",
      },
      footer = {
        "",
        "Examples:",
        "  herald channels limit push 500",
        "  herald channels limit push --clear",
        "Exit codes: 0 ok, 2 usage, 65 not a configured channel or a bad rate,",
        "69 Redis unavailable.",
      })
  static final class Limit implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(index = "0", paramLabel = "CHANNEL")
    String channel;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ROUTES_PER_SECOND")
    Long perSecond;

    @Option(names = "--clear", description = "clear the limit set here")
    boolean clear;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (clear == (perSecond != null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "give either ROUTES_PER_SECOND or --clear");
      }
      try (Stores ctx = Stores.open(config.load())) {
        ChannelActions actions = ctx.channels();
        PrintWriter out = spec.commandLine().getOut();
        if (clear) {
          boolean changed = checked(() -> actions.clearLimit(channel, who()));
          out.println(
              "channel " + channel + (changed ? ": limit cleared" : ": no limit was set here"));
        } else {
          checked(
              () -> {
                actions.limit(channel, perSecond, who());
                return null;
              });
          out.printf("channel %s: at most %,d routes/s%n", channel, perSecond);
        }
        out.flush();
      }
      return ExitCodes.OK;
    }
  }
}
