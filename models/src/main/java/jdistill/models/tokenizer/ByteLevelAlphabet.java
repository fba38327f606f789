package jdistill.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * GPT-2's {@code bytes_to_unicode} table: each of the 256 byte values is shown as one printable
 * character, so that byte-level BPE works on strings without whitespace or control characters.
 */
public final class ByteLevelAlphabet {
  private static final int[] BYTE_TO_CHAR = new int[256];
  private static final int[] CHAR_TO_BYTE = new int[324];

  static {
    java.util.Arrays.fill(CHAR_TO_BYTE, -1);
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) printable[b] = true;
    for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
    for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
    int n = 0;
    for (int b = 0; b < 256; b++) {
      BYTE_TO_CHAR[b] = printable[b] ? b : 256 + n++;
      CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }
  }

  private ByteLevelAlphabet() {}

  /** The character that stands for byte {@code b} (0..255). */
  public static int charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** The byte a character stands for, or -1 when it is not one of the 256 byte characters. */
  public static int byteOf(int cp) {
    return cp >= 0 && cp < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[cp] : -1;
  }

  /** The 256 byte characters, in byte order, each as a one-character string. */
  public static String[] alphabet() {
    String[] out = new String[256];
    for (int b = 0; b < 256; b++) out[b] = Character.toString(BYTE_TO_CHAR[b]);
    return out;
  }

  /** Shows UTF-8 {@code text} in byte characters. */
  public static String encode(String text) {
    StringBuilder sb = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) sb.appendCodePoint(BYTE_TO_CHAR[b & 0xFF]);
    return sb.toString();
  }

  /**
   * Appends the bytes a token stands for. As in HF's ByteLevel decoder, a token holding any
   * character outside the byte alphabet contributes its own UTF-8 bytes instead.
   */
  public static void appendBytes(String token, ByteArrayOutputStream out) {
    boolean all = true;
    for (int i = 0; i < token.length(); ) {
      int cp = token.codePointAt(i);
      if (byteOf(cp) < 0) {
        all = false;
        break;
      }
      i += Character.charCount(cp);
    }
    if (!all) {
      out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
      return;
    }
    for (int i = 0; i < token.length(); ) {
      int cp = token.codePointAt(i);
      out.write(byteOf(cp));
      i += Character.charCount(cp);
    }
  }
}
