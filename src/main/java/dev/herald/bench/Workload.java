package dev.herald.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.herald.domain.NotificationRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' notifications: 10 recipients each and a payload of about 300 bytes, like the
 * BullMQ yardstick's jobs.
 */
final class Workload {

  static final int RECIPIENTS = 10;
  private static final String PAD = "x".repeat(230);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Workload() {}

  /** Enough notifications for {@code routes} routes (rounded up to whole notifications). */
  static List<NotificationRequest> notifications(String run, int routes, Instant sendAt) {
    int count = (routes + RECIPIENTS - 1) / RECIPIENTS;
    List<NotificationRequest> list = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      list.add(notification(run, i, sendAt));
    }
    return list;
  }

  /** The same notifications as intents: the JSON a producer would XADD. */
  static List<String> intents(String run, int routes, Instant sendAt) {
    List<String> json = new ArrayList<>();
    for (NotificationRequest n : notifications(run, routes, sendAt)) {
      ObjectNode intent = JSON.createObjectNode();
      intent.put("type", n.type());
      intent.put("producer", n.producer());
      n.recipients().forEach(intent.putArray("recipients")::add);
      n.channels().forEach(intent.putArray("channels")::add);
      intent.putRawValue("payload", new RawValue(n.payloadJson()));
      intent.put("request_id", n.requestId());
      intent.put("send_at", n.sendAt().toString());
      json.add(intent.toString());
    }
    return json;
  }

  static NotificationRequest notification(String run, int i, Instant sendAt) {
    String[] recipients = new String[RECIPIENTS];
    for (int r = 0; r < RECIPIENTS; r++) {
      recipients[r] = "u-" + run + "-" + i + "-" + r;
    }
    return NotificationRequest.builder()
        .type("bench.route_due")
        .producer("herald-bench")
        .recipients(recipients)
        .channels("push")
        .payloadJson(
            "{\"type\":\"notification.route.due\",\"tenant\":\"t-0001\",\"seq\":"
                + i
                + ",\"pad\":\""
                + PAD
                + "\"}")
        .requestId("req-" + run + "-" + i)
        .sendAt(sendAt)
        .build();
  }
}
