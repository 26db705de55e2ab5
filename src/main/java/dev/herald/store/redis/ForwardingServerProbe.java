package dev.herald.store.redis;

import dev.herald.store.ServerProbe;
import java.util.List;

/**
 * A {@link ServerProbe} that hands every call to another one: the base of the probes that change
 * only some of its answers (a cluster's server-wide figures, a master view's extra readings), so
 * that each of them holds only what it changes.
 */
abstract class ForwardingServerProbe implements ServerProbe {

  private final ServerProbe delegate;

  ForwardingServerProbe(ServerProbe delegate) {
    this.delegate = delegate;
  }

  @Override
  public String version() {
    return delegate.version();
  }

  @Override
  public String persistence() {
    return delegate.persistence();
  }

  @Override
  public double cpuSeconds() {
    return delegate.cpuSeconds();
  }

  @Override
  public long usedMemory() {
    return delegate.usedMemory();
  }

  @Override
  public long commandsProcessed() {
    return delegate.commandsProcessed();
  }

  @Override
  public boolean namespaceHasData() {
    return delegate.namespaceHasData();
  }

  @Override
  public long deleteNamespace() {
    return delegate.deleteNamespace();
  }

  @Override
  public List<StreamEntryTime> readStream(String stream, String afterId, int count) {
    return delegate.readStream(stream, afterId, count);
  }

  @Override
  public StreamEntryTime lastEntry(String stream) {
    return delegate.lastEntry(stream);
  }

  @Override
  public void appendIntents(String stream, List<String> intentsJson) {
    delegate.appendIntents(stream, intentsJson);
  }

  @Override
  public void appendFloor(
      String stream, long maxLength, List<String> shared, List<List<String>> routes) {
    delegate.appendFloor(stream, maxLength, shared, routes);
  }

  @Override
  public long streamLength(String stream) {
    return delegate.streamLength(stream);
  }
}
