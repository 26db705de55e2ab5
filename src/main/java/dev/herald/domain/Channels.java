package dev.herald.domain;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The configured channels by name. Routes exist only for these. */
public final class Channels {

  private final Map<String, Channel> byName;

  public Channels(Collection<Channel> channels) {
    Map<String, Channel> map = new LinkedHashMap<>();
    for (Channel channel : channels) {
      if (map.put(channel.name(), channel) != null) {
        throw new IllegalArgumentException("channel " + channel.name() + " is defined twice");
      }
    }
    this.byName = Map.copyOf(map);
  }

  public Optional<Channel> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Set<String> names() {
    return new java.util.TreeSet<>(byName.keySet());
  }

  public Collection<Channel> all() {
    return byName.values();
  }

  /** The stream of each channel, in the order of {@link #all()}. */
  public List<String> streams() {
    return all().stream().map(Channel::stream).toList();
  }
}
