package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written GPT-2 splitter against the GPT-2 regex run by Java's regex engine. */
class Gpt2SplitterTest {
  private static final TextPattern GPT2 =
      TextPattern.regex("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

  private static List<String> pieces(List<int[]> matches, NormalizedString s) {
    List<String> out = new ArrayList<>();
    for (int[] m : matches) out.add(m[2] + ":" + s.slice(m[0], m[1]).get());
    return out;
  }

  @Test
  void examples() {
    NormalizedString s = NormalizedString.of("Hello world's  123 !!'s\n\n  end   ");
    assertEquals(List.of("1:Hello", "1: world", "1:'s", "1: ", "1: 123", "1: !!'", "1:s", "1:\n\n ", "1: end", "1:   "),
        pieces(Gpt2Splitter.findMatches(s), s));
  }

  @Test
  void sameAsTheRegexOnRandomText() {
    SplittableRandom r = new SplittableRandom(1);
    String[] atoms = {" ", "  ", "\n", "\t", "\u00A0", "\u3000", "'", "'s", "'ll", "'re", "'S", "a", "Z", "é", "東", "1", "٣",
        "½", "!", "?", "-", "😀", "\u0301", "\u200B", "x", "ve", "d", "\r\n"};
    for (int i = 0; i < 5000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = r.nextInt(12);
      for (int k = 0; k < n; k++) sb.append(r.nextInt(5) == 0 ? TestCorpus.randomCodePoints(r, 1) : atoms[r.nextInt(atoms.length)]);
      NormalizedString s = NormalizedString.of(sb.toString());
      assertEquals(pieces(GPT2.findMatches(s), s), pieces(Gpt2Splitter.findMatches(s), s), HfReference.escape(sb.toString()));
    }
  }
}
