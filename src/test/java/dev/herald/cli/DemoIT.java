package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.HeraldProcess;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald demo} as a user runs it: a real JVM, its own Redis, a clean exit. */
class DemoIT {

  @TempDir Path dir;

  @Test
  void the_demo_publishes_retries_until_the_stream_takes_appends_and_shows_the_dead_letter() {
    HeraldProcess demo = HeraldProcess.start(dir.resolve("demo.log"), "demo", "--duration", "8s");
    try {
      assertThat(demo.waitForExit(60)).as("exit code\n%s", demo.log()).isZero();
      String out = demo.log();
      System.err.println("[herald tests] herald demo --duration 8s:\n" + out);
      assertThat(out)
          .contains("Herald demo: an embedded Redis at redis://127.0.0.1:")
          .containsPattern("metrics +http://127\\.0\\.0\\.1:\\d+/metrics")
          .contains("demo:email-events takes appends again")
          // after 8s: 10 routes, 9 published, none retrying, 1 dead, none waiting
          .containsPattern("(?m)^ +8s +10 +9 +0 +1 +0$")
          .containsPattern(
              "Dead letter \\w+/sms:u-9 after 3 attempts \\(gateway_stream_publish_failed")
          .containsPattern("\\$ herald routes show \\w+")
          .contains("sms:u-9  dead_letter  3/3")
          .containsPattern("\\$ herald dead-letters requeue \\w+/sms:u-9");
      // Its closing hint points at no Redis: the demo's is gone by then.
      String closing = out.substring(out.lastIndexOf("Dead letter "));
      assertThat(closing)
          .contains("The demo's Redis and its data are deleted now")
          .doesNotContain("while it still runs")
          .doesNotContain("redis://127.0.0.1:");
    } finally {
      demo.close();
    }
  }

  /**
   * A {@code herald run} with the defaults holds the API's and the console's ports (9465, 9466);
   * the demo, on its own Redis, must not need them.
   */
  @Test
  void the_demo_runs_beside_a_herald_run_that_holds_the_default_ports() throws Exception {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int port : new int[] {9464, 9465, 9466}) {
        try {
          held.add(new ServerSocket(port, 50, InetAddress.getLoopbackAddress()));
        } catch (BindException takenAlready) {
          // held by another process: taken all the same
        }
      }
      HeraldProcess demo =
          HeraldProcess.start(dir.resolve("beside.log"), "demo", "--duration", "5s");
      try {
        assertThat(demo.waitForExit(60)).as("exit code\n%s", demo.log()).isZero();
        assertThat(demo.log())
            .contains("Herald demo: an embedded Redis at")
            .doesNotContain("cannot serve");
      } finally {
        demo.close();
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
