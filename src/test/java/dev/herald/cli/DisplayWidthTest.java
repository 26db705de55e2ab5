package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisplayWidthTest {

  @Test
  void ascii_is_one_column_a_character_cjk_and_hangul_two() {
    assertThat(DisplayWidth.of("push:u-1")).isEqualTo(8);
    assertThat(DisplayWidth.of("通知")).isEqualTo(4);
    assertThat(DisplayWidth.of("한국어")).isEqualTo(6);
    assertThat(DisplayWidth.of("ＡＢ")).isEqualTo(4); // fullwidth forms
    assertThat(DisplayWidth.of("ｱｲ")).isEqualTo(2); // halfwidth katakana stay narrow
  }

  @Test
  void emoji_take_two_and_their_joiners_and_selectors_add_nothing() {
    assertThat(DisplayWidth.of("🎉")).isEqualTo(2);
    assertThat(DisplayWidth.of("❤️")).isEqualTo(2); // U+2764 with the emoji selector
    assertThat(DisplayWidth.of("❤")).isEqualTo(1); // without it: text presentation
    assertThat(DisplayWidth.of("👨‍👩‍👧")).isEqualTo(2); // one family, three emoji joined
    assertThat(DisplayWidth.of("🇩🇪")).isEqualTo(2); // a flag: two regional indicators
  }

  @Test
  void combining_marks_add_nothing() {
    assertThat(DisplayWidth.of("e\u0301")).isEqualTo(1);
    assertThat(DisplayWidth.fit("e\u0301e\u0301e\u0301", 2)).isEqualTo("e\u0301…");
  }

  @Test
  void fit_never_splits_a_surrogate_pair() {
    assertThat(DisplayWidth.fit("🎉🎉🎉", 5)).isEqualTo("🎉🎉…");
    assertThat(DisplayWidth.fit("🎉🎉🎉", 4)).isEqualTo("🎉…");
    assertThat(DisplayWidth.fit("short", 10)).isEqualTo("short");
  }
}
