package jdistill.models.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer.Form;
import java.util.Map;

/** Writes a {@link Tokenizer} as HF {@code tokenizer.json} (the field layout HF itself writes). */
final class TokenizerJsonWriter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TokenizerJsonWriter() {}

  static String write(Tokenizer t) {
    ObjectNode root = F.objectNode();
    root.put("version", "1.0");
    root.set("truncation", t.truncation() == null ? F.nullNode() : truncation(t.truncation()));
    root.set("padding", t.padding() == null ? F.nullNode() : padding(t.padding()));
    ArrayNode added = root.putArray("added_tokens");
    for (Map.Entry<Integer, AddedToken> e : t.addedTokensById().entrySet()) {
      AddedToken a = e.getValue();
      ObjectNode o = added.addObject();
      o.put("id", e.getKey());
      o.put("content", a.content());
      o.put("single_word", a.singleWord());
      o.put("lstrip", a.lstrip());
      o.put("rstrip", a.rstrip());
      o.put("normalized", a.normalized());
      o.put("special", a.special());
    }
    root.set("normalizer", t.normalizer() == null ? F.nullNode() : normalizer(t.normalizer()));
    root.set("pre_tokenizer", t.preTokenizer() == null ? F.nullNode() : preTokenizer(t.preTokenizer()));
    root.set("post_processor", t.postProcessor() == null ? F.nullNode() : postProcessor(t.postProcessor()));
    root.set("decoder", t.decoder() == null ? F.nullNode() : decoder(t.decoder()));
    root.set("model", model(t.model()));
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    try {
      return TokenizerJson.MAPPER.writer(pp).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write tokenizer.json", e);
    }
  }

  private static ObjectNode typed(String type) {
    ObjectNode o = F.objectNode();
    o.put("type", type);
    return o;
  }

  private static ObjectNode truncation(Truncation t) {
    ObjectNode o = F.objectNode();
    o.put("direction", t.fromRight() ? "Right" : "Left");
    o.put("max_length", t.maxLength());
    o.put("strategy", t.strategy().jsonName());
    o.put("stride", t.stride());
    return o;
  }

  private static ObjectNode padding(Padding p) {
    ObjectNode o = F.objectNode();
    if (p.fixedLength() == null) o.put("strategy", "BatchLongest");
    else o.putObject("strategy").put("Fixed", p.fixedLength());
    o.put("direction", p.right() ? "Right" : "Left");
    if (p.padToMultipleOf() == null) o.putNull("pad_to_multiple_of");
    else o.put("pad_to_multiple_of", p.padToMultipleOf());
    o.put("pad_id", p.padId());
    o.put("pad_type_id", p.padTypeId());
    o.put("pad_token", p.padToken());
    return o;
  }

  private static ObjectNode pattern(TextPattern p) {
    ObjectNode o = F.objectNode();
    o.put(p.regex() ? "Regex" : "String", p.source());
    return o;
  }

  static JsonNode normalizer(Normalizer n) {
    return switch (n) {
      case BertNormalizer b -> {
        ObjectNode o = typed("BertNormalizer");
        o.put("clean_text", b.cleanText());
        o.put("handle_chinese_chars", b.handleChineseChars());
        if (b.stripAccents() == null) o.putNull("strip_accents");
        else o.put("strip_accents", b.stripAccents());
        o.put("lowercase", b.lowercase());
        yield o;
      }
      case Normalizer.Unicode u -> typed(u.form() == Form.NFD ? "NFD" : u.form() == Form.NFC ? "NFC"
          : u.form() == Form.NFKD ? "NFKD" : "NFKC");
      case Normalizer.Lowercase l -> typed("Lowercase");
      case Normalizer.StripAccents s -> typed("StripAccents");
      case Normalizer.Sequence s -> {
        ObjectNode o = typed("Sequence");
        ArrayNode a = o.putArray("normalizers");
        for (Normalizer x : s.normalizers()) a.add(normalizer(x));
        yield o;
      }
      case Normalizer.Replace r -> {
        ObjectNode o = typed("Replace");
        o.set("pattern", pattern(r.pattern()));
        o.put("content", r.content());
        yield o;
      }
      case Normalizer.Strip s -> {
        ObjectNode o = typed("Strip");
        o.put("strip_left", s.left());
        o.put("strip_right", s.right());
        yield o;
      }
      case Normalizer.Prepend p -> typed("Prepend").put("prepend", p.prepend());
    };
  }

  static JsonNode preTokenizer(PreTokenizer p) {
    return switch (p) {
      case PreTokenizer.Bert b -> typed("BertPreTokenizer");
      case ByteLevelPreTokenizer b -> typed("ByteLevel").put("add_prefix_space", b.addPrefixSpace())
          .put("trim_offsets", b.trimOffsets()).put("use_regex", b.useRegex());
      case PreTokenizer.Whitespace w -> typed("Whitespace");
      case PreTokenizer.WhitespaceSplit w -> typed("WhitespaceSplit");
      case PreTokenizer.Sequence s -> {
        ObjectNode o = typed("Sequence");
        ArrayNode a = o.putArray("pretokenizers");
        for (PreTokenizer x : s.preTokenizers()) a.add(preTokenizer(x));
        yield o;
      }
      case PreTokenizer.Split s -> {
        ObjectNode o = typed("Split");
        o.set("pattern", pattern(s.pattern()));
        o.put("behavior", s.behavior().jsonName());
        o.put("invert", s.invert());
        yield o;
      }
      case PreTokenizer.Punctuation x -> typed("Punctuation").put("behavior", x.behavior().jsonName());
      case PreTokenizer.Digits d -> typed("Digits").put("individual_digits", d.individualDigits());
      case PreTokenizer.CharDelimiterSplit c -> typed("CharDelimiterSplit").put("delimiter", Character.toString(c.delimiter()));
    };
  }

  private static ArrayNode tokenAndId(String token, int id) {
    return F.arrayNode().add(token).add(id);
  }

  static JsonNode postProcessor(PostProcessor p) {
    return switch (p) {
      case TemplateProcessing t -> {
        ObjectNode o = typed("TemplateProcessing");
        o.set("single", template(t.single()));
        o.set("pair", template(t.pair()));
        ObjectNode sp = o.putObject("special_tokens");
        for (Map.Entry<String, TemplateProcessing.SpecialToken> e : t.specialTokens().entrySet()) {
          ObjectNode s = sp.putObject(e.getKey());
          s.put("id", e.getValue().id());
          ArrayNode ids = s.putArray("ids");
          e.getValue().ids().forEach(ids::add);
          ArrayNode toks = s.putArray("tokens");
          e.getValue().tokens().forEach(toks::add);
        }
        yield o;
      }
      case PostProcessor.BertProcessing b -> {
        ObjectNode o = typed("BertProcessing");
        o.set("sep", tokenAndId(b.sep(), b.sepId()));
        o.set("cls", tokenAndId(b.cls(), b.clsId()));
        yield o;
      }
      case PostProcessor.RobertaProcessing r -> {
        ObjectNode o = typed("RobertaProcessing");
        o.set("sep", tokenAndId(r.sep(), r.sepId()));
        o.set("cls", tokenAndId(r.cls(), r.clsId()));
        o.put("trim_offsets", r.trimOffsets());
        o.put("add_prefix_space", r.addPrefixSpace());
        yield o;
      }
      case PostProcessor.ByteLevel b -> typed("ByteLevel").put("add_prefix_space", b.addPrefixSpace())
          .put("trim_offsets", b.trimOffsets()).put("use_regex", b.useRegex());
      case PostProcessor.Sequence s -> {
        ObjectNode o = typed("Sequence");
        ArrayNode a = o.putArray("processors");
        for (PostProcessor x : s.processors()) a.add(postProcessor(x));
        yield o;
      }
    };
  }

  private static ArrayNode template(java.util.List<TemplateProcessing.Piece> pieces) {
    ArrayNode a = F.arrayNode();
    for (TemplateProcessing.Piece p : pieces) {
      ObjectNode inner = F.objectNode();
      inner.put("id", p.id());
      inner.put("type_id", p.typeId());
      a.addObject().set(p.isSequence() ? "Sequence" : "SpecialToken", inner);
    }
    return a;
  }

  static JsonNode decoder(Decoder d) {
    return switch (d) {
      case Decoder.WordPiece w -> typed("WordPiece").put("prefix", w.prefix()).put("cleanup", w.cleanup());
      case Decoder.ByteLevel b -> typed("ByteLevel").put("add_prefix_space", b.addPrefixSpace())
          .put("trim_offsets", b.trimOffsets()).put("use_regex", b.useRegex());
      case Decoder.Sequence s -> {
        ObjectNode o = typed("Sequence");
        ArrayNode a = o.putArray("decoders");
        for (Decoder x : s.decoders()) a.add(decoder(x));
        yield o;
      }
      case Decoder.Replace r -> {
        ObjectNode o = typed("Replace");
        o.set("pattern", pattern(r.pattern()));
        o.put("content", r.content());
        yield o;
      }
      case Decoder.Fuse f -> typed("Fuse");
      case Decoder.Strip s -> typed("Strip").put("content", Character.toString(s.content())).put("start", s.start())
          .put("stop", s.stop());
      case Decoder.ByteFallback b -> typed("ByteFallback");
      case Decoder.Bpe b -> typed("BPEDecoder").put("suffix", b.suffix());
    };
  }

  private static ObjectNode vocab(Model m) {
    String[] byId = Model.reverse(m.vocab());
    ObjectNode v = F.objectNode();
    for (int id = 0; id < byId.length; id++) if (byId[id] != null) v.put(byId[id], id);
    return v;
  }

  static JsonNode model(Model m) {
    return switch (m) {
      case WordPieceModel w -> {
        ObjectNode o = typed("WordPiece");
        o.put("unk_token", w.unkToken());
        o.put("continuing_subword_prefix", w.continuingSubwordPrefix());
        o.put("max_input_chars_per_word", w.maxInputCharsPerWord());
        o.set("vocab", vocab(w));
        yield o;
      }
      case WordLevelModel w -> {
        ObjectNode o = typed("WordLevel");
        o.set("vocab", vocab(w));
        o.put("unk_token", w.unkToken());
        yield o;
      }
      case BpeModel b -> {
        BpeModel.Options op = b.options();
        ObjectNode o = typed("BPE");
        if (op.dropout() == null) o.putNull("dropout");
        else o.put("dropout", op.dropout());
        o.put("unk_token", op.unkToken());
        o.put("continuing_subword_prefix", op.continuingSubwordPrefix());
        o.put("end_of_word_suffix", op.endOfWordSuffix());
        o.put("fuse_unk", op.fuseUnk());
        o.put("byte_fallback", op.byteFallback());
        o.put("ignore_merges", op.ignoreMerges());
        o.set("vocab", vocab(b));
        boolean spaces = false;
        for (String[] p : b.merges()) spaces |= p[0].contains(" ") || p[1].contains(" ");
        ArrayNode a = o.putArray("merges");
        for (String[] p : b.merges()) {
          if (spaces) a.addArray().add(p[0]).add(p[1]);
          else a.add(p[0] + " " + p[1]);
        }
        yield o;
      }
    };
  }
}
