package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte-level BPE parity with Hugging Face's Rust tokenizers: tokenizers trained here, written as
 * {@code tokenizer.json} and loaded by both, give the same ids, tokens, offsets and masks; decoding
 * gives back exactly the input.
 */
class ByteLevelBpeParityTest {
  @TempDir static Path dir;
  static Tokenizer gpt2Style;
  static Tokenizer trimmed;
  static HuggingFaceTokenizer hfGpt2Style;
  static HuggingFaceTokenizer hfTrimmed;
  static List<String> corpus;

  @BeforeAll
  static void train() throws Exception {
    List<String> training = new ArrayList<>(TestCorpus.lines(7L, 2000));
    training.addAll(Prose.lines(1500));
    Tokenizer t = ByteLevelBpeTrainer.gpt2(1200).train(training);
    t.save(dir.resolve("gpt2.json"));
    gpt2Style = Tokenizer.load(dir.resolve("gpt2.json"));
    hfGpt2Style = HfReference.hf(dir.resolve("gpt2.json"));

    Tokenizer u = new ByteLevelBpeTrainer(600, 2, List.of("<|endoftext|>", "<pad>"), true, true).train(training);
    u.save(dir.resolve("trimmed.json"));
    trimmed = Tokenizer.load(dir.resolve("trimmed.json"));
    hfTrimmed = HfReference.hf(dir.resolve("trimmed.json"));
    corpus = TestCorpus.lines(99L, 2000);
  }

  @AfterAll
  static void close() {
    if (hfGpt2Style != null) hfGpt2Style.close();
    if (hfTrimmed != null) hfTrimmed.close();
  }

  private static void compare(Tokenizer ours, HuggingFaceTokenizer hf, int step) {
    List<String> bad = new ArrayList<>();
    for (int i = step - 1; i < corpus.size(); i += step) {
      String line = corpus.get(i);
      String want, got;
      if (i % 4 == 3 || (step > 1 && i % 3 == 0)) {
        String b = corpus.get(i - 1);
        want = HfReference.describe(hf.encode(line, b, true, false));
        got = HfReference.describe(ours.encode(line, b, true));
      } else {
        want = HfReference.describe(hf.encode(line, true, false));
        got = HfReference.describe(ours.encode(line, true));
      }
      if (!want.equals(got)) bad.add(HfReference.escape(line) + "\n  " + Diff.firstDifference(want, got));
    }
    assertTrue(bad.isEmpty(), bad.size() + " of " + corpus.size() + " differ, first ones:\n"
        + String.join("\n", bad.subList(0, Math.min(3, bad.size()))));
  }

  @Test
  void gpt2StyleMatchesHf() {
    compare(gpt2Style, hfGpt2Style, 1);
  }

  @Test
  void prefixSpaceAndTrimmedOffsetsMatchHf() {
    compare(trimmed, hfTrimmed, 2);
  }

  @Test
  void decodeMatchesHfAndRestoresInput() {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i += 2) {
      String line = corpus.get(i);
      int[] ids = gpt2Style.encode(line, false).ids();
      String got = gpt2Style.decode(ids, false);
      String want = hfGpt2Style.decode(HfReference.toLong(ids), false);
      String expected = line.replaceAll("\\p{Cs}", "\uFFFD");
      if (!got.equals(want) || !got.equals(expected)) {
        bad.add(HfReference.escape(line) + "\n  hf:   " + HfReference.escape(want) + "\n  ours: " + HfReference.escape(got));
      }
    }
    assertTrue(bad.isEmpty(), bad.size() + " differ, first: " + (bad.isEmpty() ? "" : bad.get(0)));
  }

  @Test
  void roundTripOfArbitraryUnicode() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 2000; i++) {
      String s = TestCorpus.randomCodePoints(r, 1 + r.nextInt(40));
      assertEquals(s, gpt2Style.decode(gpt2Style.encode(s, false).ids(), false), () -> HfReference.escape(s));
    }
  }

  @Test
  void decodingPartialBytesGivesReplacementCharacters() {
    // "é" is two bytes; its first byte alone is invalid UTF-8 and decodes to one U+FFFD, as in HF.
    int first = gpt2Style.tokenToId(Character.toString(ByteLevelAlphabet.charOf(0xC3)));
    int a = gpt2Style.tokenToId("a");
    String want = hfGpt2Style.decode(new long[] {a, first, a}, false);
    assertEquals("a\uFFFDa", gpt2Style.decode(new int[] {a, first, a}, false));
    assertEquals(want, gpt2Style.decode(new int[] {a, first, a}, false));
  }
}
