package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code point through HF and through us, for each normalizer and each character-class-driven
 * pre-tokenizer: the check behind {@link HfUnicodeTables}. Slow (a minute or two), so it runs only
 * with {@code -Djdistill.fullUnicodeCheck=true}.
 */
@EnabledIfSystemProperty(named = "jdistill.fullUnicodeCheck", matches = "true")
class UnicodeTablesCheckTest {
  @TempDir Path dir;

  /** A tokenizer whose tokens show the normalized text: byte-level pieces, no merges. */
  private static String revealer(String normalizer) {
    StringBuilder v = new StringBuilder("{");
    for (int b = 0; b < 256; b++) {
      if (b > 0) v.append(',');
      String c = Character.toString(ByteLevelAlphabet.charOf(b));
      v.append('"').append(c.equals("\"") ? "\\\"" : c.equals("\\") ? "\\\\" : c).append("\":").append(b);
    }
    return "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":" + normalizer
        + ",\"pre_tokenizer\":{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":false,\"use_regex\":false},"
        + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,"
        + "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":false,"
        + "\"vocab\":" + v + "},\"merges\":[]}}";
  }

  /** A tokenizer whose token offsets show the pieces a pre-tokenizer makes. */
  private static String pieces(String preTokenizer) {
    return "{\"version\":\"1.0\",\"added_tokens\":[],\"normalizer\":null,\"pre_tokenizer\":" + preTokenizer
        + ",\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{\"[UNK]\":0},\"unk_token\":\"[UNK]\"}}";
  }

  private void everyCodePoint(String json, String separator) throws Exception {
    Tokenizer ours = TokenizerJson.parse(json, "check");
    List<String> bad = new ArrayList<>();
    try (HuggingFaceTokenizer hf = HfReference.hf(json, dir)) {
      StringBuilder sb = new StringBuilder();
      int count = 0;
      for (int cp = 0; cp <= 0x110000; cp++) {
        if (cp < 0x110000 && !(cp >= 0xD800 && cp <= 0xDFFF)) {
          sb.append(separator).appendCodePoint(cp);
          count++;
        }
        if (count == 1000 || (cp == 0x110000 && count > 0)) {
          String text = sb.toString();
          String want = HfReference.describe(hf.encode(text, false, false)), got = HfReference.describe(ours.encode(text, false));
          if (!want.equals(got)) bad.add("block ending at U+" + Integer.toHexString(cp) + "\n  " + Diff.firstDifference(want, got));
          sb.setLength(0);
          count = 0;
        }
      }
    }
    assertTrue(bad.isEmpty(), json.length() > 300 ? json.substring(0, 300) : json + ": " + bad.size() + " blocks differ:\n"
        + String.join("\n", bad.subList(0, Math.min(3, bad.size()))));
  }

  @Test
  void normalizers() throws Exception {
    for (String n : List.of("{\"type\":\"Lowercase\"}", "{\"type\":\"NFD\"}", "{\"type\":\"NFC\"}", "{\"type\":\"NFKD\"}",
        "{\"type\":\"NFKC\"}", "{\"type\":\"StripAccents\"}",
        "{\"type\":\"BertNormalizer\",\"clean_text\":true,\"handle_chinese_chars\":true,\"strip_accents\":true,\"lowercase\":true}")) {
      everyCodePoint(revealer(n), "|");
    }
  }

  @Test
  void preTokenizers() throws Exception {
    everyCodePoint(pieces("{\"type\":\"BertPreTokenizer\"}"), "a");
    everyCodePoint(pieces("{\"type\":\"Whitespace\"}"), "a");
    everyCodePoint(pieces("{\"type\":\"Whitespace\"}"), "!");
    everyCodePoint(pieces("{\"type\":\"Digits\",\"individual_digits\":true}"), "a");
    for (String re : List.of("\\\\p{L}", "\\\\p{N}", "\\\\w", "\\\\s", "\\\\W")) {
      everyCodePoint(pieces("{\"type\":\"Split\",\"pattern\":{\"Regex\":\"" + re + "\"},\"behavior\":\"Isolated\",\"invert\":false}"), "!");
    }
    everyCodePoint(pieces("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":false,\"use_regex\":true}"), "a");
    everyCodePoint(pieces("{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"trim_offsets\":false,\"use_regex\":true}"), " ");
  }
}
