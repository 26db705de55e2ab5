package dev.herald.cli;

/**
 * How many terminal columns text takes: East Asian wide and fullwidth characters (CJK, Hangul,
 * fullwidth forms) and emoji take two, combining marks and joiners none, the rest one; a character
 * that an emoji variation selector (U+FE0F) follows takes two, and an emoji joined to the one
 * before it (U+200D) none, as terminals draw such sequences as one emoji.
 *
 * <p>In house because the JDK 17 has no East Asian Width property (nor, before Java 21, an emoji
 * one), and the libraries that have one are terminal libraries (JLine) or the whole of ICU, a
 * dependency of megabytes for one table. The wide ranges below are Unicode's East_Asian_Width W and
 * F ranges, with the emoji blocks taken whole; they change rarely (a new CJK extension, new emoji).
 */
final class DisplayWidth {

  /** Inclusive ranges of code points two columns wide, ascending. */
  private static final int[] WIDE = {
    0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3,
    0x25FD, 0x25FE, 0x2614, 0x2615, 0x2648, 0x2653, 0x267F, 0x267F, 0x2693, 0x2693, 0x26A1, 0x26A1,
    0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA,
    0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B,
    0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
    0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x2E80, 0x303E,
    0x3041, 0x33FF, 0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xA000, 0xA4CF, 0xA960, 0xA97F, 0xAC00, 0xD7A3,
    0xF900, 0xFAFF, 0xFE10, 0xFE19, 0xFE30, 0xFE6F, 0xFF00, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0,
    0x16FE4, 0x17000, 0x18AFF, 0x1B000, 0x1B2FF, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E,
    0x1F18E, 0x1F191, 0x1F19A, 0x1F200, 0x1F202, 0x1F210, 0x1F23B, 0x1F240, 0x1F248, 0x1F250,
    0x1F251, 0x1F260, 0x1F265, 0x1F300, 0x1F64F, 0x1F680, 0x1F6FF, 0x1F7E0, 0x1F7F0, 0x1F900,
    0x1F9FF, 0x1FA70, 0x1FAFF, 0x20000, 0x2FFFD, 0x30000, 0x3FFFD,
  };

  private static final int VARIATION_EMOJI = 0xFE0F;
  private static final int ZERO_WIDTH_JOINER = 0x200D;

  private DisplayWidth() {}

  /** The columns {@code text} takes. */
  static int of(String text) {
    int width = 0;
    int previous = -1; // width of the character before, for a variation selector after it
    boolean joined = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == VARIATION_EMOJI && previous == 1) {
        width++; // the character before is drawn as an emoji: two columns
        previous = 2;
        continue;
      }
      int w = joined ? 0 : of(cp);
      joined = cp == ZERO_WIDTH_JOINER;
      width += w;
      if (w > 0) {
        previous = w;
      }
    }
    return width;
  }

  /** The columns one code point takes on its own. */
  static int of(int cp) {
    int type = Character.getType(cp);
    if (type == Character.NON_SPACING_MARK
        || type == Character.ENCLOSING_MARK
        || type == Character.FORMAT
        || type == Character.CONTROL) {
      return 0;
    }
    return isWide(cp) ? 2 : 1;
  }

  private static boolean isWide(int cp) {
    int lo = 0;
    int hi = WIDE.length / 2 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (cp < WIDE[2 * mid]) {
        hi = mid - 1;
      } else if (cp > WIDE[2 * mid + 1]) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code text} cut to {@code width} columns, ending in an ellipsis when it was cut; whole
   * characters only, combining marks staying with their character.
   */
  static String fit(String text, int width) {
    if (of(text) <= width) {
      return text;
    }
    int budget = Math.max(0, width - 1); // the ellipsis takes one
    int end = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      while (next < text.length() && of(text.codePointAt(next)) == 0) {
        next += Character.charCount(text.codePointAt(next)); // marks and joiners go along
      }
      if (of(text.substring(0, next)) > budget) {
        break;
      }
      end = next;
      i = next;
    }
    return text.substring(0, end) + "…";
  }

  /** {@code text} followed by spaces up to {@code width} columns. */
  static String pad(String text, int width) {
    return text + " ".repeat(Math.max(0, width - of(text)));
  }
}
