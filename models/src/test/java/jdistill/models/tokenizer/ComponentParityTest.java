package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with Hugging Face's Rust tokenizers for the components the two real tokenizers do not use:
 * other normalizers, pre-tokenizers, post-processors and decoders, added-token options, truncation
 * and padding. Each case edits a {@code tokenizer.json}, loads it in both, and compares a sample.
 */
class ComponentParityTest {
  static final ObjectMapper M = new ObjectMapper();
  @TempDir static Path dir;
  static String miniLm; // MiniLM, vocabulary cut to 8000 entries
  static String bpe;
  static List<String> corpus;

  @BeforeAll
  static void setUp() throws Exception {
    // MiniLM with its first 8000 vocabulary entries: quicker to load, and more words split into pieces
    miniLm = edit(HfReference.miniLmJson(), r -> {
      ObjectNode vocab = (ObjectNode) r.get("model").get("vocab");
      List<String> drop = new ArrayList<>();
      vocab.fields().forEachRemaining(e -> {
        if (e.getValue().asInt() >= 8000) drop.add(e.getKey());
      });
      vocab.remove(drop);
    });
    List<String> training = new ArrayList<>(Prose.lines(800));
    training.addAll(TestCorpus.lines(3L, 800));
    bpe = ByteLevelBpeTrainer.gpt2(700).train(training).toJson();
    corpus = TestCorpus.lines(4242L, 200);
  }

  private static String edit(String json, Consumer<ObjectNode> change) throws Exception {
    ObjectNode root = (ObjectNode) M.readTree(json);
    change.accept(root);
    return M.writeValueAsString(root);
  }

  private static ObjectNode node(String json) {
    try {
      return (ObjectNode) M.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** Compares single texts and pairs, with special tokens, and decoding, on the sample corpus. */
  private static void check(String json, String... extra) throws Exception {
    Tokenizer ours = TokenizerJson.parse(json, "case").withPadding(null).withTruncation(null);
    List<String> corpus = new ArrayList<>(List.of(extra));
    corpus.addAll(ComponentParityTest.corpus);
    try (HuggingFaceTokenizer hf = HfReference.hf(json, dir)) {
      List<String> bad = new ArrayList<>();
      for (int i = 0; i < corpus.size(); i++) {
        String line = corpus.get(i);
        boolean pair = i % 3 == 2;
        String want = pair ? HfReference.describe(hf.encode(line, corpus.get(i - 1), i % 2 == 0, false))
            : HfReference.describe(hf.encode(line, i % 2 == 0, false));
        Encoding e = pair ? ours.encode(line, corpus.get(i - 1), i % 2 == 0) : ours.encode(line, i % 2 == 0);
        String got = HfReference.describe(e);
        if (!want.equals(got)) bad.add(HfReference.escape(line) + "\n  " + Diff.firstDifference(want, got));
        String dw = hf.decode(HfReference.toLong(e.ids()), i % 4 < 2), dg = ours.decode(e.ids(), i % 4 < 2);
        if (!dw.equals(dg)) bad.add("decode " + HfReference.escape(line) + "\n  hf:   " + HfReference.escape(dw) + "\n  ours: " + HfReference.escape(dg));
      }
      assertTrue(bad.isEmpty(), bad.size() + " differ, first ones:\n" + String.join("\n", bad.subList(0, Math.min(3, bad.size()))));
    }
  }

  @Test
  void unicodeNormalizersAndWhitespacePreTokenizer() throws Exception {
    check(edit(miniLm, r -> {
      r.set("normalizer", node("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFD\"},{\"type\":\"Lowercase\"},{\"type\":\"StripAccents\"}]}"));
      r.set("pre_tokenizer", node("{\"type\":\"Whitespace\"}"));
    }));
    check(edit(miniLm, r -> {
      r.set("normalizer", node("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFKC\"},{\"type\":\"Lowercase\"}]}"));
      r.set("pre_tokenizer", node("{\"type\":\"WhitespaceSplit\"}"));
    }));
    check(edit(miniLm, r -> {
      r.set("normalizer", node("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"NFC\"},{\"type\":\"NFKD\"}]}"));
      r.set("pre_tokenizer", node("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"WhitespaceSplit\"},{\"type\":\"Punctuation\",\"behavior\":\"Isolated\"}]}"));
    }));
  }

  @Test
  void replaceStripPrependAndSplitters() throws Exception {
    check(edit(miniLm, r -> {
      r.set("normalizer", node("{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Strip\",\"strip_left\":true,\"strip_right\":true},"
          + "{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"\\\\s+\"},\"content\":\" \"},{\"type\":\"Replace\",\"pattern\":{\"String\":\"e\"},\"content\":\"ee\"},"
          + "{\"type\":\"Prepend\",\"prepend\":\"_\"},{\"type\":\"Lowercase\"}]}"));
      r.set("pre_tokenizer", node("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"String\":\" \"},\"behavior\":\"MergedWithNext\",\"invert\":false},"
          + "{\"type\":\"Digits\",\"individual_digits\":true},{\"type\":\"Punctuation\",\"behavior\":\"MergedWithPrevious\"}]}"));
    }));
    check(edit(miniLm, r -> {
      r.set("normalizer", node("{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":false,\"strip_accents\":true,\"lowercase\":false}"));
      r.set("pre_tokenizer", node("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\"\\\\w+|[^\\\\w\\\\s]+\"},\"behavior\":\"Removed\",\"invert\":true},"
          + "{\"type\":\"Digits\",\"individual_digits\":false},{\"type\":\"CharDelimiterSplit\",\"delimiter\":\"a\"},{\"type\":\"Punctuation\",\"behavior\":\"Contiguous\"}]}"));
    }));
  }

  @Test
  void addedTokenOptions() throws Exception {
    check(edit(miniLm, r -> {
      var a = r.withArray("added_tokens");
      a.add(node("{\"id\":8000,\"content\":\"<mask>\",\"single_word\":false,\"lstrip\":true,\"rstrip\":true,\"normalized\":false,\"special\":true}"));
      a.add(node("{\"id\":8001,\"content\":\"quick brown\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,\"special\":false}"));
      a.add(node("{\"id\":8002,\"content\":\"the\",\"single_word\":true,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":false}"));
      a.add(node("{\"id\":8003,\"content\":\"ÉCOLE\",\"single_word\":false,\"lstrip\":false,\"rstrip\":true,\"normalized\":true,\"special\":false}"));
      a.add(node("{\"id\":8004,\"content\":\"[MASK][SEP]\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}"));
    }), "the other <mask>  x", "a<mask>b  <mask>", "  <mask>", "Quick   Brown fox quick brown", "the", "bathe the, theory",
        "\u00C9COLE \u00E9cole ECOLE  x", "[MASK][SEP] [MASK] [SEP][MASK][SEP]", "the<mask>the", "athe the_ the1 (the)");
  }

  @Test
  void postProcessorsAndDecodersOnByteLevel() throws Exception {
    int eos = TokenizerJson.parse(bpe, "bpe").tokenToId("<|endoftext|>");
    check(edit(bpe, r -> r.set("post_processor", node("{\"type\":\"RobertaProcessing\",\"sep\":[\"<|endoftext|>\"," + eos
        + "],\"cls\":[\"<|endoftext|>\"," + eos + "],\"trim_offsets\":true,\"add_prefix_space\":false}"))));
    check(edit(bpe, r -> r.set("post_processor", node("{\"type\":\"BertProcessing\",\"sep\":[\"<|endoftext|>\"," + eos
        + "],\"cls\":[\"<|endoftext|>\"," + eos + "]}"))));
    check(edit(bpe, r -> {
      r.set("pre_tokenizer", node("{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true}"));
      r.set("post_processor", node("{\"type\":\"Sequence\",\"processors\":[{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},"
          + "{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<|endoftext|>\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}}],"
          + "\"pair\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"<|endoftext|>\",\"type_id\":1}},{\"Sequence\":{\"id\":\"B\",\"type_id\":2}}],"
          + "\"special_tokens\":{\"<|endoftext|>\":{\"id\":\"<|endoftext|>\",\"ids\":[" + eos + "," + eos + "],\"tokens\":[\"<|endoftext|>\",\"<|endoftext|>\"]}}}]}"));
      r.set("decoder", node("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},{\"type\":\"Replace\",\"pattern\":{\"String\":\"a\"},\"content\":\"A\"},"
          + "{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}]}"));
    }));
    check(edit(bpe, r -> {
      r.set("pre_tokenizer", node("{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":"
          + "\"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}{1,3}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+\"},"
          + "\"behavior\":\"Isolated\",\"invert\":false},{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":true,\"use_regex\":false}]}"));
      r.set("decoder", node("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteLevel\",\"add_prefix_space\":true,\"trim_offsets\":true,\"use_regex\":true},{\"type\":\"Fuse\"},{\"type\":\"BPEDecoder\",\"suffix\":\"e\"}]}"));
    }));
  }

  @Test
  void bpeUnknownFusingByteFallbackAndWordLevel() throws Exception {
    check(edit(bpe, r -> {
      ObjectNode model = (ObjectNode) r.get("model");
      ((ObjectNode) model.get("vocab")).put("<unk>", model.get("vocab").size());
      model.put("unk_token", "<unk>");
      model.put("fuse_unk", true);
      r.set("pre_tokenizer", node("{\"type\":\"Whitespace\"}"));
      r.putNull("post_processor");
      r.putNull("decoder");
    }));
    check(edit(bpe, r -> {
      ObjectNode model = (ObjectNode) r.get("model");
      ObjectNode vocab = (ObjectNode) model.get("vocab");
      for (int b = 0; b < 256; b++) vocab.put(String.format("<0x%02X>", b), vocab.size());
      vocab.put("<unk>", vocab.size());
      model.put("unk_token", "<unk>");
      model.put("byte_fallback", true);
      r.set("pre_tokenizer", node("{\"type\":\"WhitespaceSplit\"}"));
      r.putNull("post_processor");
      r.set("decoder", node("{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}]}"));
    }));
    check(edit(miniLm, r -> {
      ObjectNode model = (ObjectNode) r.get("model");
      model.put("type", "WordLevel");
      model.remove("continuing_subword_prefix");
      model.remove("max_input_chars_per_word");
    }));
  }

  @Test
  void wordPieceDecoderVariantsAndNoProcessor() throws Exception {
    check(edit(miniLm, r -> {
      r.putNull("post_processor");
      r.set("decoder", node("{\"type\":\"WordPiece\",\"prefix\":\"##\",\"cleanup\":false}"));
    }));
    check(edit(miniLm, r -> {
      r.set("post_processor", node("{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",102],\"cls\":[\"[CLS]\",101]}"));
      r.putNull("decoder");
      ((ObjectNode) r.get("model")).put("max_input_chars_per_word", 8);
    }));
  }

  private static Encoding ours(Tokenizer t, String a, String b) {
    return b == null ? t.encode(a, true) : t.encode(a, b, true);
  }

  @Test
  void truncationMatchesHf() throws Exception {
    Path p = dir.resolve("minilm.json");
    java.nio.file.Files.writeString(p, miniLm);
    Tokenizer base = TokenizerJson.parse(miniLm, "minilm").withPadding(null);
    Object[][] cases = {
      {HuggingFaceTokenizer.builder().optTokenizerPath(p).optPadding(false).optTruncation(true).optMaxLength(12).build(),
        base.withTruncation(Truncation.longestFirst(12))},
      {HuggingFaceTokenizer.builder().optTokenizerPath(p).optPadding(false).optTruncation(true).optMaxLength(7).build(),
        base.withTruncation(Truncation.longestFirst(7))},
      {HuggingFaceTokenizer.builder().optTokenizerPath(p).optPadding(false).optTruncateFirstOnly().optMaxLength(20).build(),
        base.withTruncation(new Truncation(20, Truncation.Strategy.ONLY_FIRST, 0, true))},
      {HuggingFaceTokenizer.builder().optTokenizerPath(p).optPadding(false).optTruncateSecondOnly().optMaxLength(20).build(),
        base.withTruncation(new Truncation(20, Truncation.Strategy.ONLY_SECOND, 0, true))},
    };
    int compared = 0;
    for (Object[] c : cases) {
      try (HuggingFaceTokenizer hf = (HuggingFaceTokenizer) c[0]) {
        Tokenizer t = (Tokenizer) c[1];
        for (int i = 1; i < corpus.size(); i += 2) {
          String a = corpus.get(i), b = corpus.get(i - 1);
          String want, got;
          try {
            want = HfReference.describe(hf.encode(a, b, true, false));
          } catch (RuntimeException e) {
            want = "error";
          }
          try {
            got = HfReference.describe(ours(t, a, b));
          } catch (IllegalArgumentException e) {
            got = "error";
          }
          assertEquals(want, got, () -> t.truncation() + " " + HfReference.escape(a) + " | " + HfReference.escape(b));
          if (t.truncation().strategy() == Truncation.Strategy.LONGEST_FIRST) {
            assertEquals(HfReference.describe(hf.encode(a, true, false)), HfReference.describe(ours(t, a, null)));
          }
          compared++;
        }
      }
    }
    assertTrue(compared >= 4 * (corpus.size() / 2), "compared " + compared);
  }

  @Test
  void paddingMatchesHf() throws Exception {
    Path p = dir.resolve("minilm-pad.json");
    java.nio.file.Files.writeString(p, miniLm);
    Tokenizer base = TokenizerJson.parse(miniLm, "minilm").withTruncation(null);
    List<String> batch = corpus.subList(0, 40);
    try (HuggingFaceTokenizer longest = HuggingFaceTokenizer.builder().optTokenizerPath(p).optTruncation(false).optPadding(true).build();
         HuggingFaceTokenizer multiple = HuggingFaceTokenizer.builder().optTokenizerPath(p).optTruncation(false).optPadding(true)
             .optPadToMultipleOf(8).build();
         HuggingFaceTokenizer fixed = HuggingFaceTokenizer.builder().optTokenizerPath(p).optTruncation(true).optMaxLength(16)
             .optPadToMaxLength().build()) {
      Object[][] cases = {
        {longest, base.withPadding(Padding.batchLongest(0, "[PAD]"))},
        {multiple, base.withPadding(new Padding(null, true, 8, 0, 0, "[PAD]"))},
        {fixed, base.withPadding(Padding.fixed(16, 0, "[PAD]")).withTruncation(Truncation.longestFirst(16))},
      };
      for (Object[] c : cases) {
        HuggingFaceTokenizer hf = (HuggingFaceTokenizer) c[0];
        Tokenizer t = (Tokenizer) c[1];
        var want = hf.batchEncode(batch, true, false);
        var got = t.encodeBatch(batch, true);
        for (int i = 0; i < batch.size(); i++) {
          assertEquals(HfReference.describe(want[i]), HfReference.describe(got.get(i)), t.padding() + " " + HfReference.escape(batch.get(i)));
        }
        for (int i = 0; i < 5; i++) {
          assertEquals(HfReference.describe(hf.encode(batch.get(i), true, false)), HfReference.describe(t.encode(batch.get(i), true)),
              "single " + t.padding());
        }
      }
    }
  }

  @Test
  void leftPaddingAndTruncationFromTheLeft() throws Exception {
    // DJL always truncates and pads on the right, so left-side truncation and padding are checked by hand.
    Tokenizer t = TokenizerJson.parse(miniLm, "minilm")
        .withTruncation(new Truncation(6, Truncation.Strategy.LONGEST_FIRST, 0, false))
        .withPadding(new Padding(8, false, null, 0, 5, "[PAD]"));
    Encoding e = t.encode("a b c d e f g", true);
    assertEquals(List.of("[PAD]", "[PAD]", "[CLS]", "d", "e", "f", "g", "[SEP]"), e.tokens());
    assertEquals(List.of(5, 5, 0, 0, 0, 0, 0, 0), java.util.Arrays.stream(e.typeIds()).boxed().toList());
    assertEquals(List.of(0, 0, 1, 1, 1, 1, 1, 1), java.util.Arrays.stream(e.attentionMask()).boxed().toList());
    assertEquals(List.of(1, 1, 1, 0, 0, 0, 0, 1), java.util.Arrays.stream(e.specialTokensMask()).boxed().toList());
    assertEquals(new Offset(6, 7), e.offsets().get(3));
  }
}
