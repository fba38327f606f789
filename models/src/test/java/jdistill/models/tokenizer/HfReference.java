package jdistill.models.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Hugging Face's own tokenizers (Rust, through DJL) as the reference the parity tests compare with. */
final class HfReference {
  private HfReference() {}

  /** The real all-MiniLM-L6-v2 {@code tokenizer.json}, from the langchain4j model jar. */
  static String miniLmJson() throws IOException {
    try (InputStream in = HfReference.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
      if (in == null) throw new IOException("all-minilm-l6-v2-tokenizer.json not on the test class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** HF's tokenizer for {@code json}, with its padding and truncation turned off. */
  static HuggingFaceTokenizer hf(Path json) throws IOException {
    return HuggingFaceTokenizer.builder().optTokenizerPath(json).optTruncation(false).optPadding(false).build();
  }

  /** HF's tokenizer for {@code json} text, with its padding and truncation turned off. */
  static HuggingFaceTokenizer hf(String json, Path dir) throws IOException {
    Path p = Files.createTempFile(dir, "tokenizer", ".json");
    Files.writeString(p, json, StandardCharsets.UTF_8);
    return hf(p);
  }

  /** Our encoding in DJL's terms, for a readable comparison. */
  static String describe(Encoding e) {
    return "ids=" + Arrays.toString(e.ids()) + " types=" + Arrays.toString(e.typeIds()) + " tokens=" + e.tokens()
        + " offsets=" + e.offsets() + " attention=" + Arrays.toString(e.attentionMask()) + " special="
        + Arrays.toString(e.specialTokensMask());
  }

  /** DJL's encoding described the same way (special tokens' missing offsets as (0, 0)). */
  static String describe(ai.djl.huggingface.tokenizers.Encoding e) {
    List<Offset> offs = new ArrayList<>();
    for (var cs : e.getCharTokenSpans()) offs.add(cs == null ? new Offset(0, 0) : new Offset(cs.getStart(), cs.getEnd()));
    return "ids=" + Arrays.toString(toInt(e.getIds())) + " types=" + Arrays.toString(toInt(e.getTypeIds())) + " tokens="
        + Arrays.asList(e.getTokens()) + " offsets=" + offs + " attention=" + Arrays.toString(toInt(e.getAttentionMask()))
        + " special=" + Arrays.toString(toInt(e.getSpecialTokenMask()));
  }

  static int[] toInt(long[] a) {
    int[] r = new int[a.length];
    for (int i = 0; i < a.length; i++) r[i] = Math.toIntExact(a[i]);
    return r;
  }

  static long[] toLong(int[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) r[i] = a[i];
    return r;
  }

  /** Java source escape of {@code s}, to show failing inputs. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') sb.append((char) c);
      else sb.append(String.format(c > 0xFFFF ? "\\U%06X" : "\\u%04X", c));
    });
    return sb.append('"').toString();
  }
}
