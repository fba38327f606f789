package jdistill.models.tokenizer;

/**
 * UTF-8 to string with U+FFFD for each maximal invalid subpart, exactly as Rust's
 * {@code String::from_utf8_lossy} (the Unicode-recommended practice), which HF decoders use.
 */
public final class Utf8 {
  private Utf8() {}

  /** Decodes {@code bytes}, replacing invalid sequences with U+FFFD. */
  public static String decodeLossy(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    int i = 0, n = bytes.length;
    while (i < n) {
      int b0 = bytes[i] & 0xFF;
      if (b0 < 0x80) {
        sb.append((char) b0);
        i++;
        continue;
      }
      int need, lo = 0x80, hi = 0xBF, cp;
      if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
      } else {
        sb.append('\uFFFD');
        i++;
        continue;
      }
      int j = i + 1;
      boolean ok = true;
      for (int k = 0; k < need; k++, j++) {
        if (j >= n) {
          ok = false;
          break;
        }
        int b = bytes[j] & 0xFF;
        int l = k == 0 ? lo : 0x80, h = k == 0 ? hi : 0xBF;
        if (b < l || b > h) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (b & 0x3F);
      }
      if (ok) {
        sb.appendCodePoint(cp);
        i = j;
      } else {
        sb.append('\uFFFD');
        i = j; // skip the maximal valid prefix of the sequence
      }
    }
    return sb.toString();
  }
}
