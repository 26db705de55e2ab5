package dev.herald.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.store.CancelResult;
import dev.herald.store.CancelledRoutes;
import dev.herald.store.IntentResult;
import dev.herald.store.StoreException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CancelRepliesTest {

  @Test
  void an_intake_cancel_names_its_routes_by_channel_and_keeps_a_type_that_holds_a_bar() {
    IntentResult r =
        CancelReplies.ofIntake(
            "1-0", List.of("cancelled", "N1", 3L, 1L, "game|turn", "push", 2L, "email", 1L));
    assertThat(r.notificationId()).isEqualTo("N1");
    assertThat(r.cancelled()).isEqualTo(3);
    assertThat(r.published()).isEqualTo(1);
    assertThat(r.cancelledRoutes())
        .isEqualTo(new CancelledRoutes("game|turn", Map.of("push", 2, "email", 1)));
  }

  @Test
  void a_cancel_of_a_cancelled_notification_names_no_routes() {
    IntentResult r =
        CancelReplies.ofIntake("1-0", List.of("cancelled", "N1", 0L, 0L, "game.turn_ready"));
    assertThat(r.cancelledRoutes()).isEqualTo(new CancelledRoutes("game.turn_ready", Map.of()));
  }

  @Test
  void cancel_lua_replies_id_counts_type_then_channels() {
    CancelResult r = CancelReplies.ofCancel(List.of("N1", 2L, 0L, "game.turn_ready", "push", 2L));
    assertThat(r)
        .isEqualTo(
            new CancelResult(
                "N1", 2, 0, new CancelledRoutes("game.turn_ready", Map.of("push", 2))));
  }

  @Test
  void an_unreadable_reply_is_a_store_error_that_quotes_it() {
    assertThatThrownBy(() -> CancelReplies.ofIntake("1-0", List.of("cancelled", "N1", 3L)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("N1");
    assertThatThrownBy(() -> CancelReplies.ofCancel(List.of("N1", 2L, 0L)))
        .isInstanceOf(StoreException.class);
  }
}
