package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WordPiece parity with Hugging Face's Rust tokenizers on the real all-MiniLM-L6-v2
 * {@code tokenizer.json}: ids, token strings, offsets, type ids and masks for single texts and
 * pairs, with and without special tokens, truncation, and decoding.
 */
class MiniLmParityTest {
  @TempDir static Path dir;
  static HuggingFaceTokenizer hf;
  static Tokenizer ours;
  static List<String> corpus;

  @BeforeAll
  static void load() throws Exception {
    String json = HfReference.miniLmJson();
    hf = HfReference.hf(json, dir);
    ours = TokenizerJson.parse(json, "all-minilm-l6-v2-tokenizer.json").withPadding(null).withTruncation(null);
    corpus = TestCorpus.lines(20240607L, 2000);
  }

  @AfterAll
  static void close() {
    if (hf != null) hf.close();
  }

  private static void assertNoMismatch(List<String> mismatches, int total) {
    assertTrue(mismatches.isEmpty(), mismatches.size() + " of " + total + " differ, first ones:\n"
        + String.join("\n", mismatches.subList(0, Math.min(3, mismatches.size()))));
  }

  @Test
  void singleTextsMatchHf() {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      String line = corpus.get(i);
      for (boolean special : i % 4 == 1 ? new boolean[] {true, false} : new boolean[] {true}) {
        String want = HfReference.describe(hf.encode(line, special, false));
        String got = HfReference.describe(ours.encode(line, special));
        if (!want.equals(got)) bad.add(HfReference.escape(line) + " special=" + special + "\n  " + Diff.firstDifference(want, got));
      }
    }
    assertNoMismatch(bad, corpus.size());
  }

  @Test
  void pairsMatchHf() {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i + 1 < corpus.size(); i += 2) {
      String a = corpus.get(i), b = corpus.get(i + 1);
      for (boolean special : new boolean[] {i % 4 == 0}) {
        String want = HfReference.describe(hf.encode(a, b, special, false));
        String got = HfReference.describe(ours.encode(a, b, special));
        if (!want.equals(got)) {
          bad.add(HfReference.escape(a) + " | " + HfReference.escape(b) + " special=" + special + "\n  " + Diff.firstDifference(want, got));
        }
      }
    }
    assertNoMismatch(bad, corpus.size() / 2);
  }

  @Test
  void decodeMatchesHf() {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i += 2) {
      String line = corpus.get(i);
      int[] ids = ours.encode(line).ids();
      for (boolean skip : new boolean[] {i % 4 == 0}) {
        String want = hf.decode(HfReference.toLong(ids), skip);
        String got = ours.decode(ids, skip);
        if (!want.equals(got)) bad.add(HfReference.escape(line) + " skip=" + skip + "\n  hf:   " + HfReference.escape(want) + "\n  ours: " + HfReference.escape(got));
      }
    }
    assertNoMismatch(bad, corpus.size() / 2);
  }

  @Test
  void knownExample() {
    Encoding e = ours.encode("Héllo wörld! [SEP] x");
    assertEquals(List.of("[CLS]", "hello", "world", "!", "[SEP]", "x", "[SEP]"), e.tokens());
    assertEquals(new Offset(6, 11), e.offsets().get(2));
  }
}
