package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code TemplateProcessing}: templates such as {@code [CLS] $A [SEP]} and
 * {@code [CLS] $A [SEP] $B:1 [SEP]:1} say where the sequences and special tokens go and which type
 * id each gets. Sequence type ids apply even without special tokens.
 */
public record TemplateProcessing(List<Piece> single, List<Piece> pair, Map<String, SpecialToken> specialTokens)
    implements PostProcessor {

  /** One element of a template: a sequence (A or B) or a special token, with its type id. */
  public record Piece(boolean isSequence, String id, int typeId) {
    /** Sequence A or B. */
    public static Piece sequence(String id, int typeId) {
      return new Piece(true, id, typeId);
    }

    /** The special token named {@code id}. */
    public static Piece special(String id, int typeId) {
      return new Piece(false, id, typeId);
    }
  }

  /** A special token of the templates: its name and the ids and token strings it stands for. */
  public record SpecialToken(String id, List<Integer> ids, List<String> tokens) {
    /** Checks that ids and tokens match. */
    public SpecialToken {
      ids = List.copyOf(ids);
      tokens = List.copyOf(tokens);
      if (ids.size() != tokens.size()) {
        throw new IllegalArgumentException("special token '" + id + "': " + ids.size() + " ids but " + tokens.size()
            + " tokens");
      }
    }
  }

  /** Copies the parts and checks that every special token a template names is defined. */
  public TemplateProcessing {
    single = List.copyOf(single);
    pair = List.copyOf(pair);
    specialTokens = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
    for (Piece p : concat(single, pair)) {
      if (!p.isSequence() && !specialTokens.containsKey(p.id())) {
        throw new IllegalArgumentException("template names special token '" + p.id() + "' but special_tokens does not define it");
      }
      if (p.isSequence() && !p.id().equals("A") && !p.id().equals("B")) {
        throw new IllegalArgumentException("template sequence must be A or B, not '" + p.id() + "'");
      }
    }
  }

  private static List<Piece> concat(List<Piece> a, List<Piece> b) {
    List<Piece> l = new ArrayList<>(a);
    l.addAll(b);
    return l;
  }

  /**
   * Parses HF's short template syntax: space separated items, {@code $A}/{@code $B} (or
   * {@code $0}/{@code $1}) for sequences and anything else for special tokens, each optionally with
   * {@code :typeId}.
   */
  public static List<Piece> parse(String template) {
    List<Piece> out = new ArrayList<>();
    for (String item : template.trim().split("\\s+")) {
      if (item.isEmpty()) continue;
      int typeId = 0;
      String name = item;
      int colon = item.lastIndexOf(':');
      if (colon > 0 && item.substring(colon + 1).matches("\\d+")) {
        typeId = Integer.parseInt(item.substring(colon + 1));
        name = item.substring(0, colon);
      }
      if (name.startsWith("$")) {
        String seq = name.substring(1);
        if (seq.isEmpty() || seq.equals("A") || seq.equals("0")) out.add(Piece.sequence("A", typeId));
        else if (seq.equals("B") || seq.equals("1")) out.add(Piece.sequence("B", typeId));
        else if (seq.matches("\\d+")) out.add(Piece.sequence("A", Integer.parseInt(seq)));
        else throw new IllegalArgumentException("template item '" + item + "': unknown sequence");
      } else {
        out.add(Piece.special(name, typeId));
      }
    }
    return out;
  }

  /** The usual BERT template with special tokens {@code cls} and {@code sep}. */
  public static TemplateProcessing bert(String cls, int clsId, String sep, int sepId) {
    Map<String, SpecialToken> sp = new LinkedHashMap<>();
    sp.put(cls, new SpecialToken(cls, List.of(clsId), List.of(cls)));
    sp.put(sep, new SpecialToken(sep, List.of(sepId), List.of(sep)));
    return new TemplateProcessing(parse(cls + " $A:0 " + sep + ":0"), parse(cls + ":0 $A:0 " + sep + ":0 $B:1 " + sep + ":1"), sp);
  }

  @Override
  public int addedTokens(boolean isPair) {
    int n = 0;
    for (Piece p : isPair ? pair : single) if (!p.isSequence()) n += specialTokens.get(p.id()).ids().size();
    return n;
  }

  @Override
  public List<EncodingBuilder> processEncodings(List<EncodingBuilder> encodings, boolean add) {
    List<Piece> template = encodings.size() == 2 ? pair : single;
    List<EncodingBuilder> out = new ArrayList<>();
    for (Piece p : template) {
      if (p.isSequence()) {
        int i = p.id().equals("A") ? 0 : 1;
        if (i >= encodings.size()) {
          throw new IllegalStateException("template uses sequence B but only one sequence was given");
        }
        EncodingBuilder e = new EncodingBuilder();
        e.append(encodings.get(i));
        e.setTypeIds(p.typeId());
        out.add(e);
      } else if (add) {
        SpecialToken t = specialTokens.get(p.id());
        EncodingBuilder e = new EncodingBuilder();
        for (int k = 0; k < t.ids().size(); k++) e.addSpecial(t.ids().get(k), t.tokens().get(k), p.typeId());
        out.add(e);
      }
    }
    return out;
  }
}
