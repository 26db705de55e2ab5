package dev.herald.publish;

import dev.herald.domain.Channel;
import dev.herald.domain.Channels;
import dev.herald.domain.GatewayEvent;
import dev.herald.domain.GatewayEvent.EventTemplate;
import dev.herald.domain.Notification;
import dev.herald.domain.RouteId;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the stream entry of a route. Fields: {@code event_id} ({@code
 * <notification_id>/<route_id>}, stable, so consumers can drop a repeat), {@code user_id}, {@code
 * route_id}, then the fields shared by the notification's routes: {@code event_type}, {@code
 * payload_bytes} (the payload JSON), {@code notification_id}, and {@code request_id} / {@code
 * trace_id} when present.
 *
 * <p>The shared part is built once per notification per batch ({@link #template}). A claim that
 * publishes a route inline writes the same entry in Redis (claim.lua, lib/publishing.lua): keep the
 * two in step ({@code InlinePublishingEquivalenceIT} compares them).
 */
public final class EventEncoder {

  private final Channels channels;

  public EventEncoder(Channels channels) {
    this.channels = channels;
  }

  /** The configured channels, for which routes are encoded. */
  public Channels channels() {
    return channels;
  }

  public EventTemplate template(Notification n) throws EventEncodingException {
    if (n.payloadJson().isBlank()) {
      throw new EventEncodingException("notification " + n.id() + " has an empty payload");
    }
    List<String> fields = new ArrayList<>(10);
    fields.add("event_type");
    fields.add(n.type());
    fields.add("payload_bytes");
    fields.add(n.payloadJson());
    fields.add("notification_id");
    fields.add(n.id());
    if (n.requestId() != null) {
      fields.add("request_id");
      fields.add(n.requestId());
    }
    if (n.traceId() != null) {
      fields.add("trace_id");
      fields.add(n.traceId());
    }
    return new EventTemplate(n.id(), fields);
  }

  public GatewayEvent event(EventTemplate template, Notification n, int routeIndex)
      throws EventEncodingException {
    RouteId route = n.route(routeIndex);
    Channel channel =
        channels
            .find(route.channel())
            .orElseThrow(
                () ->
                    new EventEncodingException(
                        "channel '"
                            + route.channel()
                            + "' is not configured any more (configured: "
                            + String.join(", ", channels.names())
                            + ")"));
    String routeId = route.toString();
    return new GatewayEvent(channel, template, n.id() + "/" + routeId, route.recipient(), routeId);
  }
}
