package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * What happens to encoded sequences before they are returned (the {@code post_processor} of
 * {@code tokenizer.json}): special tokens, type ids, offset trimming.
 */
public sealed interface PostProcessor permits TemplateProcessing, PostProcessor.BertProcessing,
    PostProcessor.RobertaProcessing, PostProcessor.ByteLevel, PostProcessor.Sequence {

  /** Number of tokens this processor adds to a single sequence or a pair. */
  int addedTokens(boolean pair);

  /** HF's {@code process_encodings}: the encodings (one or two) after processing, not yet merged. */
  List<EncodingBuilder> processEncodings(List<EncodingBuilder> encodings, boolean addSpecialTokens);

  /** Processes {@code a} and optional {@code b} and merges the result into one encoding. */
  default EncodingBuilder process(EncodingBuilder a, EncodingBuilder b, boolean addSpecialTokens) {
    List<EncodingBuilder> in = new ArrayList<>(2);
    in.add(a);
    if (b != null) in.add(b);
    return merge(processEncodings(in, addSpecialTokens));
  }

  /** The encodings one after the other. */
  static EncodingBuilder merge(List<EncodingBuilder> parts) {
    EncodingBuilder out = new EncodingBuilder();
    for (EncodingBuilder p : parts) out.append(p);
    return out;
  }

  /** {@code [CLS] A [SEP]} and {@code [CLS] A [SEP] B [SEP]}, B and its separator with type id 1. */
  record BertProcessing(String sep, int sepId, String cls, int clsId) implements PostProcessor {
    @Override
    public int addedTokens(boolean pair) {
      return pair ? 3 : 2;
    }

    @Override
    public List<EncodingBuilder> processEncodings(List<EncodingBuilder> encodings, boolean add) {
      if (!add) return encodings;
      List<EncodingBuilder> out = new ArrayList<>();
      for (int i = 0; i < encodings.size(); i++) {
        EncodingBuilder e = new EncodingBuilder();
        if (i == 0) e.addSpecial(clsId, cls, 0);
        e.append(encodings.get(i));
        e.addSpecial(sepId, sep, i == 0 ? 0 : 1);
        out.add(e);
      }
      return out;
    }
  }

  /**
   * {@code <s> A </s>} and {@code <s> A </s></s> B </s>}, all type ids 0; optionally trims
   * whitespace from offsets as {@link ByteLevel} does.
   */
  record RobertaProcessing(String sep, int sepId, String cls, int clsId, boolean trimOffsets, boolean addPrefixSpace)
      implements PostProcessor {
    @Override
    public int addedTokens(boolean pair) {
      return pair ? 4 : 2;
    }

    @Override
    public List<EncodingBuilder> processEncodings(List<EncodingBuilder> encodings, boolean add) {
      if (trimOffsets) for (EncodingBuilder e : encodings) ByteLevel.trimOffsets(e, addPrefixSpace);
      for (EncodingBuilder e : encodings) e.setTypeIds(0);
      if (!add) return encodings;
      List<EncodingBuilder> out = new ArrayList<>();
      for (int i = 0; i < encodings.size(); i++) {
        EncodingBuilder e = new EncodingBuilder();
        if (i == 0) e.addSpecial(clsId, cls, 0);
        else e.addSpecial(sepId, sep, 0);
        e.append(encodings.get(i));
        e.addSpecial(sepId, sep, 0);
        out.add(e);
      }
      return out;
    }
  }

  /** GPT-2's: no special tokens; optionally trims the whitespace byte characters off the offsets. */
  record ByteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) implements PostProcessor {
    @Override
    public int addedTokens(boolean pair) {
      return 0;
    }

    @Override
    public List<EncodingBuilder> processEncodings(List<EncodingBuilder> encodings, boolean add) {
      if (trimOffsets) for (EncodingBuilder e : encodings) trimOffsets(e, addPrefixSpace);
      return encodings;
    }

    /** HF's {@code process_offsets}: offsets leave out leading and trailing spaces of each token. */
    static void trimOffsets(EncodingBuilder e, boolean addPrefixSpace) {
      int space = ByteLevelAlphabet.charOf(' ');
      for (int i = 0; i < e.size(); i++) {
        String t = e.token(i);
        int[] cps = UnicodeProps.codePoints(t);
        int lead = 0, trail = 0;
        while (lead < cps.length && (cps[lead] == space || UnicodeProps.isWhitespace(cps[lead]))) lead++;
        while (trail < cps.length && (cps[cps.length - 1 - trail] == space
            || UnicodeProps.isWhitespace(cps[cps.length - 1 - trail]))) trail++;
        if (lead == 0 && trail == 0) continue;
        int s = e.start(i), en = e.end(i);
        if (lead > 0) {
          boolean first = i == 0 || s == 0;
          if (first && addPrefixSpace && lead == 1) lead = 0;
          s = Math.min(s + lead, en);
        }
        if (trail > 0 && en >= trail) en = Math.max(en - trail, s);
        e.setOffsets(i, s, en);
      }
    }
  }

  /** Several processors in order; the last one's output is merged. */
  record Sequence(List<PostProcessor> processors) implements PostProcessor {
    /** Copies the list. */
    public Sequence {
      processors = List.copyOf(processors);
    }

    @Override
    public int addedTokens(boolean pair) {
      int n = 0;
      for (PostProcessor p : processors) n += p.addedTokens(pair);
      return n;
    }

    @Override
    public List<EncodingBuilder> processEncodings(List<EncodingBuilder> encodings, boolean add) {
      List<EncodingBuilder> e = encodings;
      for (PostProcessor p : processors) e = p.processEncodings(e, add);
      return e;
    }
  }
}
