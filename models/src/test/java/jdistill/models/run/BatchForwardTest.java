package jdistill.models.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.transformer.ModelOutput;
import jdistill.models.transformer.Tap;
import jdistill.models.transformer.TapRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batched, padded, length-sorted runs give every line what it gets when run alone, unpadded; the
 * padding positions are zero; truncation keeps the special tokens and reports the lines.
 */
class BatchForwardTest {
  @TempDir Path dir;

  static final List<String> LINES = List.of(
      "The cat sat on the mat.",
      "",
      "Birds sing in the trees early in the morning, and the children played in the snow until it was dark.",
      "Home.",
      "We walked along the river.",
      "He cooked pasta with garlic and olive oil for the children.",
      "The train leaves at eight.");

  static long[] longs(int[] a) {
    return Arrays.stream(a).asLongStream().toArray();
  }

  /** Row {@code row} of a [rows, width, d] result, positions [0, len). */
  static float[] slice(float[] a, int row, int width, int d, int len) {
    return Arrays.copyOfRange(a, row * width * d, (row * width + len) * d);
  }

  static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
    }
  }

  static void assertZeroFrom(float[] a, int row, int width, int d, int len, String what) {
    for (int i = (row * width + len) * d; i < (row + 1) * width * d; i++) assertEquals(0f, a[i], what + " padding at " + i);
  }

  @Test
  void bertMaskedLmBatchedEqualsEachLineAlone() throws Exception {
    BertForMaskedLm saved = TinyFolders.bertMlm(dir, 64);
    ModelFolder f = ModelFolder.load(dir);
    BatchForward.Result r = BatchForward.run(f, LINES, new BatchForward.Options(null, 3, false, true));
    int cls = f.tokenizer().tokenToId("[CLS]");
    int sep = f.tokenizer().tokenToId("[SEP]");
    int v = saved.config().vocabSize();
    int h = 16;
    assertEquals(LINES.size(), r.rows());
    assertArrayEquals(new int[] {LINES.size(), r.width(), v}, r.logitsShape());
    assertNull(r.pooled());
    assertTrue(r.tokenized().truncatedLines().isEmpty());
    int longest = 0;
    try (var g = GradMode.noGrad()) {
      for (int i = 0; i < LINES.size(); i++) {
        int[] ids = f.tokenizer().encode(LINES.get(i)).ids();
        longest = Math.max(longest, ids.length);
        assertEquals(cls, ids[0]);
        assertEquals(sep, ids[ids.length - 1]);
        int len = ids.length;
        assertArrayEquals(longs(ids), Arrays.copyOfRange(r.inputIds(), i * r.width(), i * r.width() + len), "ids of line " + (i + 1));
        for (int p = 0; p < r.width(); p++) assertEquals(p < len ? 1 : 0, r.attentionMask()[i * r.width() + p]);
        ModelOutput alone = saved.forward(Tensor.ofLongs(longs(ids), 1, len), null, null, TapRecorder.none());
        assertClose(alone.lastHidden().toFloatArray(), slice(r.lastHidden(), i, r.width(), h, len), 2e-5, "hidden of line " + (i + 1));
        assertClose(alone.logits().toFloatArray(), slice(r.logits(), i, r.width(), v, len), 2e-5, "logits of line " + (i + 1));
        assertZeroFrom(r.lastHidden(), i, r.width(), h, len, "hidden of line " + (i + 1));
        assertZeroFrom(r.logits(), i, r.width(), v, len, "logits of line " + (i + 1));
      }
    }
    assertEquals(longest, r.width());
    Map<String, Tensor> t = r.tensors();
    assertEquals(List.of("input_ids", "attention_mask", "last_hidden_state", "logits"), List.copyOf(t.keySet()));
    assertArrayEquals(new int[] {LINES.size(), longest, h}, t.get("last_hidden_state").shape());
    assertEquals(jdistill.engine.DType.I64, t.get("input_ids").dtype());
    assertEquals(jdistill.engine.DType.F32, t.get("logits").dtype());
    BatchForward.Result noLogits = BatchForward.run(f, LINES, new BatchForward.Options(null, 8, false, false));
    assertNull(noLogits.logits());
    assertClose(r.lastHidden(), noLogits.lastHidden(), 2e-5, "batch size changes only the padding, which is masked");
  }

  @Test
  void gpt2EmptyLineIsAllPaddingAndOthersMatchAlone() throws Exception {
    Gpt2 saved = TinyFolders.gpt2(dir, 64);
    ModelFolder f = ModelFolder.load(dir);
    BatchForward.Result r = BatchForward.run(f, LINES, new BatchForward.Options(null, 2, false, true));
    int v = saved.config().vocabSize();
    try (var g = GradMode.noGrad()) {
      for (int i = 0; i < LINES.size(); i++) {
        int[] ids = f.tokenizer().encode(LINES.get(i)).ids();
        int len = ids.length;
        if (i == 1) assertEquals(0, len, "GPT-2 adds no special tokens: an empty line has none");
        assertZeroFrom(r.lastHidden(), i, r.width(), 16, len, "hidden of line " + (i + 1));
        assertZeroFrom(r.logits(), i, r.width(), v, len, "logits of line " + (i + 1));
        if (len == 0) continue;
        TapRecorder taps = TapRecorder.none().request(Tap.FINAL_HIDDEN);
        Tensor logits = saved.forward(Tensor.ofLongs(longs(ids), 1, len), null, null, null, taps);
        assertClose(logits.toFloatArray(), slice(r.logits(), i, r.width(), v, len), 2e-5, "logits of line " + (i + 1));
        assertClose(taps.get(Tap.FINAL_HIDDEN).toFloatArray(), slice(r.lastHidden(), i, r.width(), 16, len), 2e-5, "hidden of line " + (i + 1));
      }
    }
    BatchForward.Result onlyEmpty = BatchForward.run(f, List.of("", ""), BatchForward.Options.defaults());
    assertEquals(0, onlyEmpty.width());
  }

  @Test
  void poolerAndSequenceClassifierLogits() throws Exception {
    Bert bert = TinyFolders.bert(dir.resolve("bert"), 64);
    BertForSequenceClassification cls = TinyFolders.bertClassifier(dir.resolve("cls"), 64);
    ModelFolder fb = ModelFolder.load(dir.resolve("bert"));
    ModelFolder fc = ModelFolder.load(dir.resolve("cls"));
    BatchForward.Result rb = BatchForward.run(fb, LINES, new BatchForward.Options(null, 4, false, true));
    BatchForward.Result rc = BatchForward.run(fc, LINES, new BatchForward.Options(null, 4, false, true));
    assertNull(rb.logits());
    assertArrayEquals(new int[] {LINES.size(), 3}, rc.logitsShape());
    assertEquals(List.of("input_ids", "attention_mask", "last_hidden_state", "pooler_output"), List.copyOf(rb.tensors().keySet()));
    try (var g = GradMode.noGrad()) {
      for (int i = 0; i < LINES.size(); i++) {
        int[] ids = fb.tokenizer().encode(LINES.get(i)).ids();
        Tensor x = Tensor.ofLongs(longs(ids), 1, ids.length);
        Tensor hidden = bert.forward(x, null, null, TapRecorder.none());
        assertClose(bert.pool(hidden).toFloatArray(), Arrays.copyOfRange(rb.pooled(), i * 16, i * 16 + 16), 2e-5, "pooled " + (i + 1));
        assertClose(cls.forward(x, null, null, TapRecorder.none()).logits().toFloatArray(), Arrays.copyOfRange(rc.logits(), i * 3, i * 3 + 3), 2e-5,
            "class logits " + (i + 1));
      }
    }
  }

  @Test
  void truncationKeepsSpecialTokensAndNamesTheLines() throws Exception {
    TinyFolders.bertMlm(dir, 16);
    ModelFolder f = ModelFolder.load(dir);
    int sep = f.tokenizer().tokenToId("[SEP]");
    List<Integer> over8 = new java.util.ArrayList<>();
    List<Integer> over16 = new java.util.ArrayList<>();
    for (int i = 0; i < LINES.size(); i++) {
      int n = f.tokenizer().encode(LINES.get(i)).length();
      if (n > 8) over8.add(i + 1);
      if (n > 16) over16.add(i + 1);
    }
    assertTrue(!over16.isEmpty() && over16.size() < over8.size() && over8.size() < LINES.size(), over8 + " " + over16);
    BatchForward.Tokenized t = BatchForward.tokenize(f, LINES, new BatchForward.Options(8, 4, false, true));
    assertEquals(8, t.limit());
    assertEquals(over8, t.truncatedLines());
    for (int line : t.truncatedLines()) {
      int[] ids = t.encodings().get(line - 1).ids();
      assertEquals(8, ids.length);
      assertEquals(sep, ids[7], "truncation keeps the final [SEP]");
      assertArrayEquals(Arrays.copyOf(f.tokenizer().encode(LINES.get(line - 1)).ids(), 7), Arrays.copyOf(ids, 7));
    }
    // the model's 16 positions are the default limit
    assertEquals(over16, BatchForward.tokenize(f, LINES, BatchForward.Options.defaults()).truncatedLines());
    InputTooLongException e = assertThrows(InputTooLongException.class, () -> BatchForward.run(f, LINES, new BatchForward.Options(8, 4, true, true)));
    assertEquals(over8, e.lines());
    int first = over8.get(0);
    assertTrue(e.getMessage().startsWith("line " + first + " has " + f.tokenizer().encode(LINES.get(first - 1)).length() + " tokens, more than the 8 allowed"),
        e.getMessage());
    assertTrue(e.getMessage().contains(over8.size() + " lines are too long: " + BatchForward.listLines(over8)), e.getMessage());
    IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> BatchForward.run(f, LINES, new BatchForward.Options(17, 4, false, true)));
    assertTrue(tooBig.getMessage().contains("max length 17 exceeds the model's 16 positions"), tooBig.getMessage());
    IllegalArgumentException noRoom = assertThrows(IllegalArgumentException.class, () -> BatchForward.run(f, LINES, new BatchForward.Options(1, 4, false, true)));
    assertTrue(noRoom.getMessage().contains("leaves no room"), noRoom.getMessage());
    BatchForward.Result r = BatchForward.run(f, LINES, new BatchForward.Options(8, 4, false, true));
    assertEquals(8, r.width());
  }

  @Test
  void listsLines() {
    assertEquals("1, 2, 3", BatchForward.listLines(List.of(1, 2, 3)));
    assertEquals("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 and 2 more",
        BatchForward.listLines(java.util.stream.IntStream.rangeClosed(1, 22).boxed().toList()));
  }

}
