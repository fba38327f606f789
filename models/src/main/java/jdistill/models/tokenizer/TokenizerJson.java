package jdistill.models.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and writes Hugging Face {@code tokenizer.json}. Errors name the file and the JSON path of
 * the field at fault (for example {@code normalizer.normalizers[1].type}).
 */
public final class TokenizerJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private TokenizerJson() {}

  /** Reads {@code file}. */
  public static Tokenizer read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new TokenizerFormatException(file + ": not UTF-8 text", e);
    }
    return parse(text, file.toString());
  }

  /** Parses {@code json}; {@code source} names it in error messages. */
  public static Tokenizer parse(String json, String source) throws TokenizerFormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new TokenizerFormatException(source + ": not valid JSON"
          + (loc != null ? " at line " + loc.getLineNr() + ", column " + loc.getColumnNr() : "") + ": "
          + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) throw new TokenizerFormatException(source + ": expected a JSON object");
    return new Reader(source).tokenizer(root);
  }

  /** Writes {@code t} to {@code file}. */
  public static void write(Tokenizer t, Path file) throws IOException {
    Files.writeString(file, toJson(t), StandardCharsets.UTF_8);
  }

  /** {@code t} as {@code tokenizer.json} text. */
  public static String toJson(Tokenizer t) {
    return TokenizerJsonWriter.write(t);
  }

  /** Reads one tokenizer.json tree, tracking where it is for error messages. */
  private static final class Reader {
    private final String source;

    Reader(String source) {
      this.source = source;
    }

    private TokenizerFormatException fail(String path, String message) {
      return new TokenizerFormatException(source + ": " + path + ": " + message);
    }

    private static String at(String path, String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    private JsonNode field(JsonNode node, String path, String name, boolean required) throws TokenizerFormatException {
      JsonNode v = node.get(name);
      if ((v == null || v.isNull()) && required) throw fail(at(path, name), "missing");
      return v == null || v.isNull() ? null : v;
    }

    private String string(JsonNode node, String path, String name, String dflt) throws TokenizerFormatException {
      JsonNode v = field(node, path, name, dflt == null);
      if (v == null) return dflt;
      if (!v.isTextual()) throw fail(at(path, name), "expected a string, found " + v.getNodeType());
      return v.asText();
    }

    private String optString(JsonNode node, String path, String name) throws TokenizerFormatException {
      JsonNode v = field(node, path, name, false);
      if (v == null) return null;
      if (!v.isTextual()) throw fail(at(path, name), "expected a string or null, found " + v.getNodeType());
      return v.asText();
    }

    private boolean bool(JsonNode node, String path, String name, boolean dflt) throws TokenizerFormatException {
      JsonNode v = field(node, path, name, false);
      if (v == null) return dflt;
      if (!v.isBoolean()) throw fail(at(path, name), "expected true or false, found " + v.getNodeType());
      return v.asBoolean();
    }

    private int integer(JsonNode node, String path, String name, Integer dflt) throws TokenizerFormatException {
      JsonNode v = field(node, path, name, dflt == null);
      if (v == null) return dflt;
      if (!v.canConvertToInt() || !v.isIntegralNumber()) throw fail(at(path, name), "expected an integer, found " + v);
      return v.asInt();
    }

    private JsonNode array(JsonNode node, String path, String name) throws TokenizerFormatException {
      JsonNode v = field(node, path, name, true);
      if (!v.isArray()) throw fail(at(path, name), "expected an array, found " + v.getNodeType());
      return v;
    }

    private String type(JsonNode node, String path) throws TokenizerFormatException {
      if (!node.isObject()) throw fail(path, "expected an object, found " + node.getNodeType());
      return string(node, path, "type", null);
    }

    private TokenizerFormatException unsupported(String path, String kind, String type, String supported) {
      return fail(at(path, "type"), "unsupported " + kind + " type '" + type + "' (supported: " + supported + ")");
    }

    Tokenizer tokenizer(JsonNode root) throws TokenizerFormatException {
      JsonNode modelNode = field(root, "", "model", true);
      Model model = model(modelNode, "model");
      JsonNode n = field(root, "", "normalizer", false);
      Normalizer normalizer = n == null ? null : normalizer(n, "normalizer");
      n = field(root, "", "pre_tokenizer", false);
      PreTokenizer pre = n == null ? null : preTokenizer(n, "pre_tokenizer");
      n = field(root, "", "post_processor", false);
      PostProcessor post = n == null ? null : postProcessor(n, "post_processor");
      n = field(root, "", "decoder", false);
      Decoder decoder = n == null ? null : decoder(n, "decoder");
      List<AddedToken> added = new ArrayList<>();
      JsonNode at = field(root, "", "added_tokens", false);
      if (at != null) {
        if (!at.isArray()) throw fail("added_tokens", "expected an array");
        for (int i = 0; i < at.size(); i++) added.add(addedToken(at.get(i), "added_tokens[" + i + "]"));
      }
      n = field(root, "", "truncation", false);
      Truncation truncation = n == null ? null : truncation(n, "truncation");
      n = field(root, "", "padding", false);
      Padding padding = n == null ? null : padding(n, "padding");
      try {
        return new Tokenizer(normalizer, pre, model, post, decoder, added, truncation, padding);
      } catch (IllegalArgumentException e) {
        throw new TokenizerFormatException(source + ": " + e.getMessage(), e);
      }
    }

    private AddedToken addedToken(JsonNode t, String path) throws TokenizerFormatException {
      if (!t.isObject()) throw fail(path, "expected an object");
      boolean special = bool(t, path, "special", false);
      return new AddedToken(string(t, path, "content", null), bool(t, path, "single_word", false),
          bool(t, path, "lstrip", false), bool(t, path, "rstrip", false), bool(t, path, "normalized", !special), special);
    }

    private Truncation truncation(JsonNode t, String path) throws TokenizerFormatException {
      String dir = string(t, path, "direction", "Right");
      if (!dir.equals("Right") && !dir.equals("Left")) throw fail(at(path, "direction"), "expected Right or Left, found '" + dir + "'");
      String strategy = string(t, path, "strategy", "LongestFirst");
      Truncation.Strategy s = Truncation.Strategy.fromJson(strategy);
      if (s == null) throw fail(at(path, "strategy"), "expected LongestFirst, OnlyFirst or OnlySecond, found '" + strategy + "'");
      int max = integer(t, path, "max_length", 512), stride = integer(t, path, "stride", 0);
      if (max < 0) throw fail(at(path, "max_length"), "must be >= 0");
      if (stride < 0) throw fail(at(path, "stride"), "must be >= 0");
      return new Truncation(max, s, stride, dir.equals("Right"));
    }

    private Padding padding(JsonNode p, String path) throws TokenizerFormatException {
      JsonNode st = field(p, path, "strategy", false);
      Integer fixed = null;
      if (st != null) {
        if (st.isTextual() && st.asText().equals("BatchLongest")) fixed = null;
        else if (st.isObject() && st.has("Fixed")) fixed = integer(st, at(path, "strategy"), "Fixed", null);
        else throw fail(at(path, "strategy"), "expected \"BatchLongest\" or {\"Fixed\": n}, found " + st);
      }
      String dir = string(p, path, "direction", "Right");
      if (!dir.equals("Right") && !dir.equals("Left")) throw fail(at(path, "direction"), "expected Right or Left, found '" + dir + "'");
      JsonNode mult = field(p, path, "pad_to_multiple_of", false);
      Integer multiple = mult == null ? null : integer(p, path, "pad_to_multiple_of", null);
      return new Padding(fixed, dir.equals("Right"), multiple, integer(p, path, "pad_id", 0),
          integer(p, path, "pad_type_id", 0), string(p, path, "pad_token", "[PAD]"));
    }

    private TextPattern pattern(JsonNode node, String path, String name) throws TokenizerFormatException {
      JsonNode p = field(node, path, name, true);
      String pp = at(path, name);
      if (p.isObject() && p.has("String")) return TextPattern.literal(string(p, pp, "String", null));
      if (p.isObject() && p.has("Regex")) {
        String re = string(p, pp, "Regex", null);
        try {
          return TextPattern.regex(re);
        } catch (PatternSyntaxException e) {
          throw fail(at(pp, "Regex"), "regular expression not understood: " + e.getDescription());
        }
      }
      throw fail(pp, "expected {\"String\": ...} or {\"Regex\": ...}, found " + p);
    }

    private SplitBehavior behavior(JsonNode node, String path, String dflt) throws TokenizerFormatException {
      String b = string(node, path, "behavior", dflt);
      SplitBehavior s = SplitBehavior.fromJson(b);
      if (s == null) {
        throw fail(at(path, "behavior"), "expected Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous, found '" + b + "'");
      }
      return s;
    }

    private int singleChar(JsonNode node, String path, String name, String dflt) throws TokenizerFormatException {
      String s = string(node, path, name, dflt);
      if (s.codePointCount(0, s.length()) != 1) throw fail(at(path, name), "expected a single character, found '" + s + "'");
      return s.codePointAt(0);
    }

    Normalizer normalizer(JsonNode n, String path) throws TokenizerFormatException {
      String type = type(n, path);
      return switch (type) {
        case "BertNormalizer" -> {
          JsonNode sa = field(n, path, "strip_accents", false);
          Boolean strip = sa == null ? null : bool(n, path, "strip_accents", false);
          yield new BertNormalizer(bool(n, path, "clean_text", true), bool(n, path, "handle_chinese_chars", true), strip,
              bool(n, path, "lowercase", true));
        }
        case "NFD" -> new Normalizer.Unicode(Form.NFD);
        case "NFC" -> new Normalizer.Unicode(Form.NFC);
        case "NFKD" -> new Normalizer.Unicode(Form.NFKD);
        case "NFKC" -> new Normalizer.Unicode(Form.NFKC);
        case "Lowercase" -> new Normalizer.Lowercase();
        case "StripAccents" -> new Normalizer.StripAccents();
        case "Sequence" -> {
          JsonNode a = array(n, path, "normalizers");
          List<Normalizer> l = new ArrayList<>();
          for (int i = 0; i < a.size(); i++) l.add(normalizer(a.get(i), at(path, "normalizers") + "[" + i + "]"));
          yield new Normalizer.Sequence(l);
        }
        case "Replace" -> new Normalizer.Replace(pattern(n, path, "pattern"), string(n, path, "content", null));
        case "Strip" -> new Normalizer.Strip(bool(n, path, "strip_left", true), bool(n, path, "strip_right", true));
        case "Prepend" -> new Normalizer.Prepend(string(n, path, "prepend", null));
        default -> throw unsupported(path, "normalizer", type,
            "BertNormalizer, NFD, NFC, NFKD, NFKC, Lowercase, StripAccents, Sequence, Replace, Strip, Prepend");
      };
    }

    PreTokenizer preTokenizer(JsonNode n, String path) throws TokenizerFormatException {
      String type = type(n, path);
      return switch (type) {
        case "BertPreTokenizer" -> new PreTokenizer.Bert();
        case "ByteLevel" -> new ByteLevelPreTokenizer(bool(n, path, "add_prefix_space", true),
            bool(n, path, "trim_offsets", true), bool(n, path, "use_regex", true));
        case "Whitespace" -> new PreTokenizer.Whitespace();
        case "WhitespaceSplit" -> new PreTokenizer.WhitespaceSplit();
        case "Sequence" -> {
          JsonNode a = array(n, path, "pretokenizers");
          List<PreTokenizer> l = new ArrayList<>();
          for (int i = 0; i < a.size(); i++) l.add(preTokenizer(a.get(i), at(path, "pretokenizers") + "[" + i + "]"));
          yield new PreTokenizer.Sequence(l);
        }
        case "Split" -> new PreTokenizer.Split(pattern(n, path, "pattern"), behavior(n, path, null),
            bool(n, path, "invert", false));
        case "Punctuation" -> new PreTokenizer.Punctuation(behavior(n, path, "Isolated"));
        case "Digits" -> new PreTokenizer.Digits(bool(n, path, "individual_digits", false));
        case "CharDelimiterSplit" -> new PreTokenizer.CharDelimiterSplit(singleChar(n, path, "delimiter", null));
        default -> throw unsupported(path, "pre_tokenizer", type,
            "BertPreTokenizer, ByteLevel, Whitespace, WhitespaceSplit, Sequence, Split, Punctuation, Digits, CharDelimiterSplit");
      };
    }

    private Map<String, Integer> vocab(JsonNode n, String path) throws TokenizerFormatException {
      JsonNode v = field(n, path, "vocab", true);
      String vp = at(path, "vocab");
      if (!v.isObject()) throw fail(vp, "expected an object of token to id, found " + v.getNodeType());
      Map<String, Integer> vocab = new LinkedHashMap<>(v.size() * 2);
      Map<Integer, String> seen = new java.util.HashMap<>(v.size() * 2);
      Iterator<Map.Entry<String, JsonNode>> it = v.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isIntegralNumber() || !e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
          throw fail(vp + "[\"" + e.getKey() + "\"]", "expected a non-negative integer id, found " + e.getValue());
        }
        int id = e.getValue().asInt();
        String prev = seen.put(id, e.getKey());
        if (prev != null) throw fail(vp + "[\"" + e.getKey() + "\"]", "id " + id + " is also the id of '" + prev + "'");
        vocab.put(e.getKey(), id);
      }
      return vocab;
    }

    Model model(JsonNode n, String path) throws TokenizerFormatException {
      if (!n.isObject()) throw fail(path, "expected an object, found " + n.getNodeType());
      String type;
      if (n.has("type")) type = type(n, path);
      else if (n.has("merges")) type = "BPE";
      else if (n.has("max_input_chars_per_word") || n.has("continuing_subword_prefix")) type = "WordPiece";
      else if (n.has("vocab") && n.get("vocab").isObject()) type = "WordLevel";
      else throw fail(at(path, "type"), "missing, and the fields do not tell which model this is");
      return switch (type) {
        case "WordPiece" -> new WordPieceModel(vocab(n, path), string(n, path, "unk_token", "[UNK]"),
            string(n, path, "continuing_subword_prefix", "##"), integer(n, path, "max_input_chars_per_word", 100));
        case "WordLevel" -> new WordLevelModel(vocab(n, path), string(n, path, "unk_token", "<unk>"));
        case "BPE" -> bpe(n, path);
        default -> throw unsupported(path, "model", type, "WordPiece, BPE, WordLevel");
      };
    }

    private BpeModel bpe(JsonNode n, String path) throws TokenizerFormatException {
      Map<String, Integer> vocab = vocab(n, path);
      JsonNode m = array(n, path, "merges");
      List<String[]> merges = new ArrayList<>(m.size());
      for (int i = 0; i < m.size(); i++) {
        JsonNode e = m.get(i);
        String mp = at(path, "merges") + "[" + i + "]";
        if (e.isTextual()) {
          String[] parts = e.asText().split(" ", -1);
          if (parts.length != 2) throw fail(mp, "expected \"left right\" (two tokens and one space), found \"" + e.asText() + "\"");
          merges.add(parts);
        } else if (e.isArray() && e.size() == 2 && e.get(0).isTextual() && e.get(1).isTextual()) {
          merges.add(new String[] {e.get(0).asText(), e.get(1).asText()});
        } else {
          throw fail(mp, "expected \"left right\" or [\"left\", \"right\"], found " + e);
        }
      }
      JsonNode dn = field(n, path, "dropout", false);
      Float dropout = null;
      if (dn != null) {
        if (!dn.isNumber()) throw fail(at(path, "dropout"), "expected a number or null");
        dropout = (float) dn.asDouble();
        if (dropout < 0 || dropout > 1) throw fail(at(path, "dropout"), "must be between 0 and 1");
      }
      BpeModel.Options o = new BpeModel.Options(optString(n, path, "unk_token"),
          optString(n, path, "continuing_subword_prefix"), optString(n, path, "end_of_word_suffix"),
          bool(n, path, "fuse_unk", false), bool(n, path, "byte_fallback", false), bool(n, path, "ignore_merges", false),
          dropout);
      try {
        return new BpeModel(vocab, merges, o);
      } catch (IllegalArgumentException e) {
        throw fail(at(path, "merges"), e.getMessage());
      }
    }

    private Object[] tokenAndId(JsonNode n, String path, String name) throws TokenizerFormatException {
      JsonNode v = field(n, path, name, true);
      if (!v.isArray() || v.size() != 2 || !v.get(0).isTextual() || !v.get(1).canConvertToInt()) {
        throw fail(at(path, name), "expected [\"token\", id], found " + v);
      }
      return new Object[] {v.get(0).asText(), v.get(1).asInt()};
    }

    PostProcessor postProcessor(JsonNode n, String path) throws TokenizerFormatException {
      String type = type(n, path);
      switch (type) {
        case "TemplateProcessing" -> {
          Map<String, TemplateProcessing.SpecialToken> sp = new LinkedHashMap<>();
          JsonNode st = field(n, path, "special_tokens", false);
          if (st != null) {
            if (!st.isObject()) throw fail(at(path, "special_tokens"), "expected an object");
            Iterator<Map.Entry<String, JsonNode>> it = st.fields();
            while (it.hasNext()) {
              Map.Entry<String, JsonNode> e = it.next();
              String sp0 = at(path, "special_tokens") + "[\"" + e.getKey() + "\"]";
              JsonNode t = e.getValue();
              if (!t.isObject()) throw fail(sp0, "expected an object");
              JsonNode ids = array(t, sp0, "ids"), toks = array(t, sp0, "tokens");
              List<Integer> il = new ArrayList<>();
              List<String> tl = new ArrayList<>();
              for (JsonNode x : ids) il.add(x.asInt());
              for (JsonNode x : toks) tl.add(x.asText());
              if (il.size() != tl.size()) throw fail(sp0, "ids and tokens differ in length");
              sp.put(e.getKey(), new TemplateProcessing.SpecialToken(string(t, sp0, "id", e.getKey()), il, tl));
            }
          }
          try {
            return new TemplateProcessing(template(n, path, "single"), template(n, path, "pair"), sp);
          } catch (IllegalArgumentException e) {
            throw fail(path, e.getMessage());
          }
        }
        case "BertProcessing" -> {
          Object[] sep = tokenAndId(n, path, "sep"), cls = tokenAndId(n, path, "cls");
          return new PostProcessor.BertProcessing((String) sep[0], (Integer) sep[1], (String) cls[0], (Integer) cls[1]);
        }
        case "RobertaProcessing" -> {
          Object[] sep = tokenAndId(n, path, "sep"), cls = tokenAndId(n, path, "cls");
          return new PostProcessor.RobertaProcessing((String) sep[0], (Integer) sep[1], (String) cls[0], (Integer) cls[1],
              bool(n, path, "trim_offsets", true), bool(n, path, "add_prefix_space", true));
        }
        case "ByteLevel" -> {
          return new PostProcessor.ByteLevel(bool(n, path, "add_prefix_space", true), bool(n, path, "trim_offsets", true),
              bool(n, path, "use_regex", true));
        }
        case "Sequence" -> {
          JsonNode a = array(n, path, "processors");
          List<PostProcessor> l = new ArrayList<>();
          for (int i = 0; i < a.size(); i++) l.add(postProcessor(a.get(i), at(path, "processors") + "[" + i + "]"));
          return new PostProcessor.Sequence(l);
        }
        default -> throw unsupported(path, "post_processor", type,
            "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence");
      }
    }

    private List<TemplateProcessing.Piece> template(JsonNode n, String path, String name) throws TokenizerFormatException {
      JsonNode t = field(n, path, name, true);
      String tp = at(path, name);
      if (t.isTextual()) {
        try {
          return TemplateProcessing.parse(t.asText());
        } catch (IllegalArgumentException e) {
          throw fail(tp, e.getMessage());
        }
      }
      if (!t.isArray()) throw fail(tp, "expected an array of pieces");
      List<TemplateProcessing.Piece> out = new ArrayList<>();
      for (int i = 0; i < t.size(); i++) {
        JsonNode p = t.get(i);
        String pp = tp + "[" + i + "]";
        if (p.isObject() && p.has("Sequence")) {
          JsonNode s = p.get("Sequence");
          String id = string(s, pp + ".Sequence", "id", null);
          if (!id.equals("A") && !id.equals("B")) throw fail(pp + ".Sequence.id", "expected A or B, found '" + id + "'");
          out.add(TemplateProcessing.Piece.sequence(id, integer(s, pp + ".Sequence", "type_id", 0)));
        } else if (p.isObject() && p.has("SpecialToken")) {
          JsonNode s = p.get("SpecialToken");
          out.add(TemplateProcessing.Piece.special(string(s, pp + ".SpecialToken", "id", null),
              integer(s, pp + ".SpecialToken", "type_id", 0)));
        } else {
          throw fail(pp, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}, found " + p);
        }
      }
      return out;
    }

    Decoder decoder(JsonNode n, String path) throws TokenizerFormatException {
      String type = type(n, path);
      return switch (type) {
        case "WordPiece" -> new Decoder.WordPiece(string(n, path, "prefix", "##"), bool(n, path, "cleanup", true));
        case "ByteLevel" -> new Decoder.ByteLevel(bool(n, path, "add_prefix_space", true), bool(n, path, "trim_offsets", true),
            bool(n, path, "use_regex", true));
        case "Sequence" -> {
          JsonNode a = array(n, path, "decoders");
          List<Decoder> l = new ArrayList<>();
          for (int i = 0; i < a.size(); i++) l.add(decoder(a.get(i), at(path, "decoders") + "[" + i + "]"));
          yield new Decoder.Sequence(l);
        }
        case "Replace" -> new Decoder.Replace(pattern(n, path, "pattern"), string(n, path, "content", null));
        case "Fuse" -> new Decoder.Fuse();
        case "Strip" -> new Decoder.Strip(singleChar(n, path, "content", null), integer(n, path, "start", 0),
            integer(n, path, "stop", 0));
        case "ByteFallback" -> new Decoder.ByteFallback();
        case "BPEDecoder" -> new Decoder.Bpe(string(n, path, "suffix", "</w>"));
        default -> throw unsupported(path, "decoder", type,
            "WordPiece, ByteLevel, Sequence, Replace, Fuse, Strip, ByteFallback, BPEDecoder");
      };
    }
  }
}
