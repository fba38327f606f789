package jdistill.models.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and reads tokenizer files: {@code tokenizer.json}, BERT's {@code vocab.txt} (with BERT's
 * defaults) and GPT-2's {@code vocab.json} + {@code merges.txt} (with GPT-2's defaults).
 */
public final class TokenizerFiles {
  private TokenizerFiles() {}

  /**
   * Loads the tokenizer at {@code path}: a {@code tokenizer.json}, a {@code vocab.txt}, a
   * {@code vocab.json} (with {@code merges.txt} beside it), or a folder holding one of these (in
   * that order of preference).
   */
  public static Tokenizer load(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("tokenizer.json"))) return TokenizerJson.read(path.resolve("tokenizer.json"));
      if (Files.isRegularFile(path.resolve("vocab.txt"))) return bertVocab(path.resolve("vocab.txt"));
      if (Files.isRegularFile(path.resolve("vocab.json")) && Files.isRegularFile(path.resolve("merges.txt"))) {
        return gpt2(path.resolve("vocab.json"), path.resolve("merges.txt"));
      }
      throw new NoSuchFileException(path.toString(), null,
          "no tokenizer.json, vocab.txt or vocab.json + merges.txt in this folder");
    }
    if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such tokenizer file");
    String name = path.getFileName().toString();
    if (name.equals("merges.txt")) return gpt2(sibling(path, "vocab.json"), path);
    if (name.endsWith(".txt")) return bertVocab(path);
    if (name.equals("vocab.json")) return gpt2(path, sibling(path, "merges.txt"));
    return TokenizerJson.read(path);
  }

  private static Path sibling(Path file, String name) throws NoSuchFileException {
    Path p = file.resolveSibling(name);
    if (!Files.isRegularFile(p)) throw new NoSuchFileException(p.toString(), null, "needed beside " + file.getFileName());
    return p;
  }

  /**
   * A BERT WordPiece tokenizer from {@code vocab.txt} (one token per line, id = line number):
   * BertNormalizer, BertPreTokenizer, {@code ##} WordPiece, {@code [CLS] A [SEP] B [SEP]}. Lowercases
   * unless a {@code tokenizer_config.json} beside it says {@code "do_lower_case": false}.
   */
  public static Tokenizer bertVocab(Path vocabTxt) throws IOException {
    boolean lowercase = true;
    Path config = vocabTxt.resolveSibling("tokenizer_config.json");
    if (Files.isRegularFile(config)) {
      try {
        JsonNode c = TokenizerJson.MAPPER.readTree(Files.readString(config, StandardCharsets.UTF_8));
        if (c != null && c.has("do_lower_case") && c.get("do_lower_case").isBoolean()) lowercase = c.get("do_lower_case").asBoolean();
      } catch (JsonProcessingException e) {
        throw new TokenizerFormatException(config + ": not valid JSON: " + e.getOriginalMessage(), e);
      }
    }
    return bertVocab(vocabTxt, lowercase);
  }

  /** A BERT WordPiece tokenizer from {@code vocab.txt}, lowercasing (and stripping accents) as asked. */
  public static Tokenizer bertVocab(Path vocabTxt, boolean lowercase) throws IOException {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(vocabTxt, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) vocab.put(lines.get(i).stripTrailing(), i);
    if (vocab.isEmpty()) throw new TokenizerFormatException(vocabTxt + ": empty vocabulary");
    return bert(vocab, lowercase);
  }

  /** A BERT tokenizer over {@code vocab} with BERT's usual components and special tokens. */
  public static Tokenizer bert(Map<String, Integer> vocab, boolean lowercase) {
    List<AddedToken> specials = new ArrayList<>();
    for (String s : List.of("[UNK]", "[SEP]", "[CLS]", "[PAD]", "[MASK]")) {
      if (vocab.containsKey(s)) specials.add(AddedToken.special(s));
    }
    PostProcessor post = vocab.containsKey("[CLS]") && vocab.containsKey("[SEP]")
        ? TemplateProcessing.bert("[CLS]", vocab.get("[CLS]"), "[SEP]", vocab.get("[SEP]")) : null;
    return new Tokenizer(new BertNormalizer(true, true, null, lowercase), new PreTokenizer.Bert(),
        new WordPieceModel(vocab, "[UNK]", "##", 100), post, new Decoder.WordPiece("##", true), specials, null, null);
  }

  /**
   * A GPT-2 byte-level BPE tokenizer from {@code vocab.json} and {@code merges.txt}: ByteLevel
   * pre-tokenizer (no prefix space), BPE, ByteLevel post-processor and decoder;
   * {@code <|endoftext|>} is a special token when in the vocabulary.
   */
  public static Tokenizer gpt2(Path vocabJson, Path mergesTxt) throws IOException {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    JsonNode v;
    try {
      v = TokenizerJson.MAPPER.readTree(Files.readString(vocabJson, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new TokenizerFormatException(vocabJson + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (v == null || !v.isObject()) throw new TokenizerFormatException(vocabJson + ": expected an object of token to id");
    Iterator<Map.Entry<String, JsonNode>> it = v.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isIntegralNumber() || e.getValue().asInt() < 0) {
        throw new TokenizerFormatException(vocabJson + ": [\"" + e.getKey() + "\"]: expected a non-negative integer id, found "
            + e.getValue());
      }
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    List<String[]> merges = new ArrayList<>();
    List<String> lines = Files.readAllLines(mergesTxt, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("#version") || line.isBlank()) continue;
      String[] parts = line.split(" ", -1);
      if (parts.length != 2) {
        throw new TokenizerFormatException(mergesTxt + ": line " + (i + 1) + ": expected two tokens separated by one space, found \""
            + line + "\"");
      }
      merges.add(parts);
    }
    BpeModel model;
    try {
      model = new BpeModel(vocab, merges, BpeModel.Options.gpt2());
    } catch (IllegalArgumentException e) {
      throw new TokenizerFormatException(mergesTxt + ": " + e.getMessage(), e);
    }
    List<AddedToken> added = vocab.containsKey("<|endoftext|>") ? List.of(AddedToken.special("<|endoftext|>")) : List.of();
    return new Tokenizer(null, ByteLevelPreTokenizer.gpt2(), model, new PostProcessor.ByteLevel(true, false, true),
        new Decoder.ByteLevel(true, true, true), added, null, null);
  }
}
