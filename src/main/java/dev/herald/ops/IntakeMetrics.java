package dev.herald.ops;

import dev.herald.intake.IntakeListener;
import dev.herald.intake.RejectedFields;
import dev.herald.store.CancelledRoutes;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Metrics of the intake paths that run in this process, fed by {@link IntakeListener} events; the
 * routes they cancel are counted with the publisher's route counters, in {@link Metrics}.
 */
final class IntakeMetrics implements IntakeListener {

  private final Metrics routeCounters;
  private final BoundedLabels sources = new BoundedLabels(8);
  private final Counter notifications;
  private final Counter routes;
  private final Counter duplicates;
  private final Counter rejected;

  IntakeMetrics(PrometheusRegistry registry, Metrics routeCounters) {
    this.routeCounters = routeCounters;
    notifications =
        Counter.builder()
            .name("herald_intake_notifications_accepted_total")
            .help("Notifications accepted and scheduled")
            .register(registry);
    routes =
        Counter.builder()
            .name("herald_intake_routes_accepted_total")
            .help("Routes of the accepted notifications")
            .register(registry);
    duplicates =
        Counter.builder()
            .name("herald_intake_duplicates_total")
            .help("Notifications whose idempotency key named an earlier one: nothing scheduled")
            .register(registry);
    rejected =
        Counter.builder()
            .name("herald_intake_rejected_total")
            .help(
                "Notifications refused as invalid, by source and the first field named (the"
                    + " schema's fields; any other is other)")
            .labelNames("source", "field")
            .register(registry);
  }

  @Override
  public void onAccepted(int notifications, int routes) {
    this.notifications.inc(notifications);
    this.routes.inc(routes);
  }

  @Override
  public void onDuplicate(int notifications) {
    duplicates.inc(notifications);
  }

  @Override
  public void onRejected(String source, String field) {
    rejected.labelValues(sources.of(source), RejectedFields.label(field)).inc();
  }

  @Override
  public void onCancelled(String notificationId, CancelledRoutes routes) {
    routes.byChannel().forEach((channel, n) -> routeCounters.cancelled(channel, routes.type(), n));
  }
}
