package jdistill.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns token strings back into text (the {@code decoder} of {@code tokenizer.json}). Each decoder
 * works on the list of tokens ({@link #decodeChain}); the text is the result joined.
 */
public sealed interface Decoder permits Decoder.WordPiece, Decoder.ByteLevel, Decoder.Sequence, Decoder.Replace,
    Decoder.Fuse, Decoder.Strip, Decoder.ByteFallback, Decoder.Bpe {

  /** The tokens after this decoder. */
  List<String> decodeChain(List<String> tokens);

  /** The decoded text. */
  default String decode(List<String> tokens) {
    return String.join("", decodeChain(tokens));
  }

  /** WordPiece: {@code ##} pieces join the previous token, others get a space; optional cleanup. */
  record WordPiece(String prefix, boolean cleanup) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        String t = tokens.get(i);
        if (i != 0) t = t.startsWith(prefix) ? t.substring(prefix.length()) : " " + t;
        if (cleanup) t = cleanup(t);
        out.add(t);
      }
      return out;
    }

    /** HF's {@code cleanup}: no space before punctuation and English contractions. */
    static String cleanup(String s) {
      return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
          .replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't").replace(" 's", "'s")
          .replace(" 've", "'ve").replace(" 're", "'re");
    }
  }

  /** Byte-level: token characters back to bytes, bytes to text (invalid UTF-8 becomes U+FFFD). */
  record ByteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (String t : tokens) ByteLevelAlphabet.appendBytes(t, bytes);
      return List.of(Utf8.decodeLossy(bytes.toByteArray()));
    }
  }

  /** Several decoders in order. */
  record Sequence(List<Decoder> decoders) implements Decoder {
    /** Copies the list. */
    public Sequence {
      decoders = List.copyOf(decoders);
    }

    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> t = tokens;
      for (Decoder d : decoders) t = d.decodeChain(t);
      return t;
    }
  }

  /** Replaces a pattern by {@code content} in every token. */
  record Replace(TextPattern pattern, String content) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (String t : tokens) {
        NormalizedString s = NormalizedString.of(t);
        new Normalizer.Replace(pattern, content).normalize(s);
        out.add(s.get());
      }
      return out;
    }
  }

  /** Joins all tokens into one. */
  record Fuse() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      return List.of(String.join("", tokens));
    }
  }

  /** Removes up to {@code start} leading and {@code stop} trailing {@code content} characters per token. */
  record Strip(int content, int start, int stop) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (String t : tokens) {
        int[] c = UnicodeProps.codePoints(t);
        int s = 0;
        for (int i = 0; i < Math.min(start, c.length); i++) {
          if (c[i] == content) s = i + 1;
          else break;
        }
        int e = c.length;
        for (int i = 0; i < stop && i < c.length; i++) {
          int idx = c.length - i - 1;
          if (c[idx] == content) e = idx;
          else break;
        }
        out.add(s >= e ? "" : new String(c, s, e - s));
      }
      return out;
    }
  }

  /** Tokens {@code <0xAB>} back to bytes; bytes that are not valid UTF-8 become one U+FFFD each. */
  record ByteFallback() implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      for (String t : tokens) {
        int b = -1;
        if (t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) {
          try {
            b = Integer.parseInt(t.substring(3, 5), 16);
          } catch (NumberFormatException e) {
            b = -1;
          }
        }
        if (b >= 0) {
          pending.write(b);
        } else {
          flush(pending, out);
          out.add(t);
        }
      }
      flush(pending, out);
      return out;
    }

    private static void flush(ByteArrayOutputStream pending, List<String> out) {
      if (pending.size() == 0) return;
      byte[] bytes = pending.toByteArray();
      String s = Utf8.decodeLossy(bytes);
      if (s.indexOf('\uFFFD') >= 0 && !validUtf8(bytes)) {
        for (int i = 0; i < bytes.length; i++) out.add("\uFFFD");
      } else {
        out.add(s);
      }
      pending.reset();
    }

    private static boolean validUtf8(byte[] b) {
      try {
        java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
        return true;
      } catch (java.nio.charset.CharacterCodingException e) {
        return false;
      }
    }
  }

  /** Classic BPE: the end-of-word suffix becomes a space (nothing on the last token). */
  record Bpe(String suffix) implements Decoder {
    @Override
    public List<String> decodeChain(List<String> tokens) {
      List<String> out = new ArrayList<>(tokens.size());
      for (int i = 0; i < tokens.size(); i++) {
        out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
      }
      return out;
    }
  }
}
