package jdistill.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Lossy UTF-8 decoding with the Unicode standard's "maximal subpart" replacement (Rust's from_utf8_lossy). */
class Utf8Test {
  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
    return out;
  }

  @Test
  void unicodeStandardExample() {
    // Unicode 15, section 3.9, table 3-8.
    assertEquals("a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd",
        Utf8.decodeLossy(bytes(0x61, 0xF1, 0x80, 0x80, 0xE1, 0x80, 0xC2, 0x62, 0x80, 0x63, 0x80, 0xBF, 0x64)));
    assertEquals("\uFFFD\uFFFD\uFFFD", Utf8.decodeLossy(bytes(0xED, 0xA0, 0x80)), "surrogates are not UTF-8");
    assertEquals("\uFFFD\uFFFD", Utf8.decodeLossy(bytes(0xC0, 0xAF)), "overlong");
    assertEquals("\uFFFD", Utf8.decodeLossy(bytes(0xF0, 0x9F, 0x98)), "truncated emoji");
  }

  @Test
  void validTextIsUnchanged() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 1000; i++) {
      String s = TestCorpus.randomCodePoints(r, 20);
      assertEquals(s, Utf8.decodeLossy(s.getBytes(StandardCharsets.UTF_8)));
    }
  }
}
