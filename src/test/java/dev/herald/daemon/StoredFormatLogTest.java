package dev.herald.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.herald.store.ProcessBoard.Beat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StoredFormatLogTest {

  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(StoredFormatLog.class);
  private final StoredFormatLog formats = new StoredFormatLog();

  @BeforeEach
  void capture() {
    log.start();
    logger.addAppender(log);
  }

  @AfterEach
  void release() {
    logger.detachAppender(log);
  }

  @Test
  void the_move_to_format_2_is_told_once_and_each_process_that_cannot_read_it_warned_once() {
    formats.told(new Beat(1, Map.of()));
    formats.told(new Beat(1, Map.of()));
    assertThat(log.list).isEmpty();

    formats.told(new Beat(2, Map.of()));
    formats.told(new Beat(2, Map.of("old-7-aa", 1)));
    formats.told(new Beat(2, Map.of("old-7-aa", 1)));

    assertThat(log.list)
        .extracting(ILoggingEvent::getLevel)
        .containsExactly(Level.INFO, Level.WARN);
    assertThat(log.list.get(0).getFormattedMessage()).contains("stored format 2 from now on");
    assertThat(log.list.get(1).getFormattedMessage())
        .contains("process old-7-aa reads stored formats up to 1")
        .contains("cannot read the notifications stored in format 2");

    formats.told(new Beat(2, Map.of())); // it stopped; should it come back, it is named again
    formats.told(new Beat(2, Map.of("old-7-aa", 1)));
    assertThat(log.list).hasSize(3);
  }
}
