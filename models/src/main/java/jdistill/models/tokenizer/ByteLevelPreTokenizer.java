package jdistill.models.tokenizer;

import java.util.List;

/**
 * GPT-2's byte-level pre-tokenizer: optionally a space before each piece, the GPT-2 regex split,
 * then every UTF-8 byte shown as its {@link ByteLevelAlphabet} character.
 *
 * @param trimOffsets kept for {@code tokenizer.json}; the trimming is the post-processor's
 */
public record ByteLevelPreTokenizer(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex)
    implements PreTokenizer {

  /** GPT-2's settings: no prefix space, trim offsets, GPT-2 regex. */
  public static ByteLevelPreTokenizer gpt2() {
    return new ByteLevelPreTokenizer(false, true, true);
  }

  @Override
  public void preTokenize(PreTokenizedString p) {
    p.split(s -> {
      if (addPrefixSpace && s.length() > 0 && s.codePointAt(0) != ' ') s.prepend(" ");
      return useRegex ? s.split(Gpt2Splitter.findMatches(s), SplitBehavior.ISOLATED) : List.of(s);
    });
    p.normalize(s -> s.replaceEach(ByteLevelPreTokenizer::toByteChars));
  }

  /** Writes the byte characters of {@code cp}'s UTF-8 bytes into {@code out}. */
  static int toByteChars(int cp, int[] out) {
    if (cp < 0x80) {
      out[0] = ByteLevelAlphabet.charOf(cp);
      return 1;
    }
    if (cp < 0x800) {
      out[0] = ByteLevelAlphabet.charOf(0xC0 | (cp >> 6));
      out[1] = ByteLevelAlphabet.charOf(0x80 | (cp & 0x3F));
      return 2;
    }
    if (cp < 0x10000) {
      out[0] = ByteLevelAlphabet.charOf(0xE0 | (cp >> 12));
      out[1] = ByteLevelAlphabet.charOf(0x80 | ((cp >> 6) & 0x3F));
      out[2] = ByteLevelAlphabet.charOf(0x80 | (cp & 0x3F));
      return 3;
    }
    out[0] = ByteLevelAlphabet.charOf(0xF0 | (cp >> 18));
    out[1] = ByteLevelAlphabet.charOf(0x80 | ((cp >> 12) & 0x3F));
    out[2] = ByteLevelAlphabet.charOf(0x80 | ((cp >> 6) & 0x3F));
    out[3] = ByteLevelAlphabet.charOf(0x80 | (cp & 0x3F));
    return 4;
  }
}
