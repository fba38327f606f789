package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The input cut into pieces (HF's {@code PreTokenizedString}): each piece a
 * {@link NormalizedString}, with its tokens once an added token or the model has produced them.
 */
public final class PreTokenizedString {
  /** One piece and, once known, its tokens. */
  public static final class Split {
    final NormalizedString normalized;
    List<Token> tokens;

    Split(NormalizedString normalized, List<Token> tokens) {
      this.normalized = normalized;
      this.tokens = tokens;
    }

    /** The piece. */
    public NormalizedString normalized() {
      return normalized;
    }

    /** Its tokens, or null while not tokenized. */
    public List<Token> tokens() {
      return tokens;
    }
  }

  private List<Split> splits = new ArrayList<>();

  /** A single piece holding {@code s}. */
  public PreTokenizedString(NormalizedString s) {
    splits.add(new Split(s, null));
  }

  /** The pieces. */
  public List<Split> splits() {
    return splits;
  }

  /**
   * Replaces every piece not yet tokenized by the pieces {@code f} cuts it into; empty pieces are
   * dropped (as HF).
   */
  public void split(Function<NormalizedString, List<NormalizedString>> f) {
    List<Split> next = new ArrayList<>(splits.size() * 2);
    for (Split s : splits) {
      if (s.tokens != null) {
        next.add(s);
        continue;
      }
      for (NormalizedString piece : f.apply(s.normalized)) {
        if (!piece.isEmpty()) next.add(new Split(piece, null));
      }
    }
    splits = next;
  }

  /** Adds pieces that already carry their tokens, or not; used by the added vocabulary. */
  void splitWithTokens(Function<NormalizedString, List<Split>> f) {
    List<Split> next = new ArrayList<>(splits.size() * 2);
    for (Split s : splits) {
      if (s.tokens != null) {
        next.add(s);
        continue;
      }
      for (Split piece : f.apply(s.normalized)) {
        if (!piece.normalized.isEmpty()) next.add(piece);
      }
    }
    splits = next;
  }

  /** Applies {@code f} to every piece not yet tokenized. */
  public void normalize(Consumer<NormalizedString> f) {
    for (Split s : splits) if (s.tokens == null) f.accept(s.normalized);
  }

  /** Tokenizes every piece not yet tokenized with {@code model}. */
  public void tokenize(Model model) {
    for (Split s : splits) if (s.tokens == null) s.tokens = model.tokenize(s.normalized.get());
  }

  /** The normalized text of every piece, in order. */
  public List<String> pieces() {
    List<String> out = new ArrayList<>(splits.size());
    for (Split s : splits) out.add(s.normalized.get());
    return out;
  }

  /** An encoding of all tokens with type id {@code typeId} and offsets into the input. */
  EncodingBuilder toEncoding(int typeId) {
    EncodingBuilder e = new EncodingBuilder();
    for (int w = 0; w < splits.size(); w++) {
      Split s = splits.get(w);
      for (Token t : s.tokens) {
        int[] r = s.normalized.originalRange(t.start(), t.end());
        int a = r == null ? t.start() : r[0], b = r == null ? t.end() : r[1];
        e.add(t.id(), t.value(), a, b, typeId, 0, 1);
      }
    }
    return e;
  }
}
