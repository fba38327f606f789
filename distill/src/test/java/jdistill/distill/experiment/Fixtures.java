package jdistill.distill.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Rng;
import jdistill.engine.Scope;
import jdistill.engine.io.Safetensors;
import jdistill.engine.nn.Module;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.tokenizer.ByteLevelBpeTrainer;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.WordPieceTrainer;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.TransformerConfig;

/** Small generated datasets, tokenizers and teacher folders that experiment tests run on in seconds. */
final class Fixtures {

  private Fixtures() {}

  static final String[] POSITIVE = {"good", "great", "fine", "lovely", "superb"};
  static final String[] NEGATIVE = {"bad", "awful", "poor", "dull", "boring"};
  static final String[] NOUNS = {"movie", "film", "plot", "story", "show", "cast"};
  static final String[] FILLER = {"really", "very", "quite", "so"};

  /** A sentence and its label: "pos" when the adjective is positive. */
  record Row(String text, String label, double score) {}

  static List<Row> rows(long seed, int n) {
    Rng r = new Rng(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean pos = r.nextInt(2) == 1;
      String adj = pos ? POSITIVE[r.nextInt(POSITIVE.length)] : NEGATIVE[r.nextInt(NEGATIVE.length)];
      String noun = NOUNS[r.nextInt(NOUNS.length)];
      String text = "the " + noun + " was " + (r.nextInt(2) == 0 ? FILLER[r.nextInt(FILLER.length)] + " " : "") + adj;
      out.add(new Row(text, pos ? "pos" : "neg", pos ? 4.0 + r.nextDouble() : r.nextDouble()));
    }
    return out;
  }

  /** JSONL with "text" and "label" (and "score"). */
  static Path writeJsonl(Path file, List<Row> rows) throws IOException {
    Files.createDirectories(file.getParent());
    StringBuilder sb = new StringBuilder();
    for (Row r : rows) sb.append(String.format(java.util.Locale.ROOT, "{\"text\": \"%s\", \"label\": \"%s\", \"score\": %.4f}%n", r.text(), r.label(), r.score()));
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Pairs for sentence embeddings: "text", "text_pair", "score". */
  static Path writePairs(Path file, long seed, int n) throws IOException {
    List<Row> a = rows(seed, n);
    List<Row> b = rows(seed + 1, n);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      double score = a.get(i).label().equals(b.get(i).label()) ? 4 : 1;
      sb.append(String.format(java.util.Locale.ROOT, "{\"text\": \"%s\", \"text_pair\": \"%s\", \"score\": %.1f}%n", a.get(i).text(), b.get(i).text(), score + (i % 3) * 0.1));
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return file;
  }

  /** Plain text, one sentence a line. */
  static Path writeText(Path file, long seed, int n) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Row r : rows(seed, n)) sb.append(r.text()).append('\n');
    Files.createDirectories(file.getParent());
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    return file;
  }

  static List<String> lines(long seed, int n) {
    List<String> out = new ArrayList<>();
    for (Row r : rows(seed, n)) out.add(r.text());
    return out;
  }

  static Tokenizer wordPiece() {
    return WordPieceTrainer.bert(100).train(lines(99, 300));
  }

  static Tokenizer byteLevel() {
    return ByteLevelBpeTrainer.gpt2(300).train(lines(99, 300));
  }

  static TransformerConfig bertConfig(int vocab, int layers, int hidden, int heads) {
    return new TransformerConfig(vocab, 32, 2, hidden, layers, heads, 2 * hidden, 1e-12, Activation.GELU_ERF, 0.1, 0.1);
  }

  static TransformerConfig gpt2Config(int vocab, int layers, int hidden, int heads) {
    return new TransformerConfig(vocab, 32, 0, hidden, layers, heads, 2 * hidden, 1e-5, Activation.GELU_TANH, 0.1, 0.1);
  }

  /** Saves {@code model} with {@code tokenizer}'s tokenizer.json as a Hugging Face folder. */
  static Path saveModel(Module model, Tokenizer tokenizer, Path dir) throws IOException {
    HfCheckpoint.save(model, dir);
    tokenizer.save(dir.resolve("tokenizer.json"));
    return dir;
  }

  static Path writeConfig(Path file, String yaml) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return file;
  }

  /** Every tensor of a safetensors file as floats, by name. */
  static Map<String, float[]> tensors(Path safetensors) throws IOException {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Scope s = Scope.open(); var f = Safetensors.open(safetensors)) {
      for (String n : f.names()) out.put(n, f.tensor(n).toFloatArray());
    }
    return out;
  }
}
