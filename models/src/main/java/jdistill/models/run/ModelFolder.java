package jdistill.models.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import jdistill.engine.Rng;
import jdistill.engine.nn.Module;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.HfConfigIo;
import jdistill.models.checkpoint.ModelFamily;
import jdistill.models.checkpoint.ModelSpec;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.TokenizerFiles;

/**
 * A Hugging Face model folder loaded whole: {@code config.json}, the weights ({@code
 * model.safetensors} or its shards) and the tokenizer ({@code tokenizer.json}, else BERT's {@code
 * vocab.txt}, else GPT-2's {@code vocab.json} + {@code merges.txt}), checked against each other
 * before the weights are read. The model is in evaluation mode.
 *
 * @param tokenizerFile the file the tokenizer was read from ({@code vocab.json} for GPT-2 vocab files)
 */
public record ModelFolder(Path dir, ModelSpec spec, Module model, Tokenizer tokenizer, Path tokenizerFile) {

  /** The tokenizer files looked for, in order of preference. */
  public static final String TOKENIZER_FILES = "tokenizer.json, vocab.txt, or vocab.json with merges.txt";

  /** Loads {@code dir}, requiring the tokenizer and the model to have the same vocabulary size. */
  public static ModelFolder load(Path dir) throws IOException {
    return load(dir, VocabRule.EXACT);
  }

  /** Loads {@code dir}, checking the vocabularies by {@code rule}. */
  public static ModelFolder load(Path dir, VocabRule rule) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new ModelFolderException(dir + ": not a folder (expected a Hugging Face model folder with " + HfCheckpoint.CONFIG + ", "
          + HfCheckpoint.WEIGHTS + " and a tokenizer)");
    }
    Path config = dir.resolve(HfCheckpoint.CONFIG);
    if (!Files.isRegularFile(config)) throw new ModelFolderException(dir + ": no " + HfCheckpoint.CONFIG + " in the model folder");
    ModelSpec spec = new HfConfigIo().read(config);
    Path tokenizerFile = tokenizerFile(dir);
    Tokenizer tokenizer;
    try {
      tokenizer = TokenizerFiles.load(tokenizerFile);
    } catch (RuntimeException e) {
      throw new ModelFolderException(tokenizerFile + ": cannot read the tokenizer: " + e.getMessage(), e);
    }
    checkVocabulary(config, spec, tokenizerFile, tokenizer, rule);
    Module model = spec.family().create(spec.config(), spec.numLabels(), new Rng(0));
    HfCheckpoint.loadWeights(model, spec.family(), dir);
    model.eval();
    return new ModelFolder(dir, spec, model, tokenizer, tokenizerFile);
  }

  /** The tokenizer file of {@code dir}: tokenizer.json, vocab.txt, or vocab.json (with merges.txt beside it). */
  static Path tokenizerFile(Path dir) throws ModelFolderException {
    for (String name : new String[] {"tokenizer.json", "vocab.txt"}) {
      if (Files.isRegularFile(dir.resolve(name))) return dir.resolve(name);
    }
    Path vocab = dir.resolve("vocab.json");
    Path merges = dir.resolve("merges.txt");
    if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) return vocab;
    if (Files.isRegularFile(vocab)) throw new ModelFolderException(dir + ": vocab.json has no merges.txt beside it (a GPT-2 tokenizer needs both)");
    if (Files.isRegularFile(merges)) throw new ModelFolderException(dir + ": merges.txt has no vocab.json beside it (a GPT-2 tokenizer needs both)");
    throw new ModelFolderException(dir + ": no tokenizer in the model folder: expected " + TOKENIZER_FILES);
  }

  /** Number of ids the tokenizer can produce: its largest id plus one. */
  public static int idCount(Tokenizer tokenizer) {
    int max = -1;
    for (int id : tokenizer.model().vocab().values()) max = Math.max(max, id);
    for (int id : tokenizer.addedTokensById().keySet()) max = Math.max(max, id);
    return max + 1;
  }

  private static void checkVocabulary(Path config, ModelSpec spec, Path tokenizerFile, Tokenizer tokenizer, VocabRule rule) throws ModelFolderException {
    int model = spec.config().vocabSize();
    int ids = idCount(tokenizer);
    if (ids > model) {
      throw new ModelFolderException(tokenizerFile + " has " + ids + " token ids (0 to " + (ids - 1) + ") but " + config + " says vocab_size "
          + model + ": ids from " + model + " up have no embedding row; the tokenizer does not belong to this model");
    }
    if (ids < model && rule == VocabRule.EXACT) {
      throw new ModelFolderException(tokenizerFile + " has " + ids + " token ids but " + config + " says vocab_size " + model
          + ": they should match; if the model's vocabulary was padded beyond its tokenizer, allow a larger model vocabulary");
    }
  }

  public ModelFamily family() {
    return spec.family();
  }

  /** The most tokens one sequence can have (the model's position embeddings). */
  public int maxPositions() {
    return spec.config().maxPositions();
  }

  /**
   * The id padding positions get: the tokenizer's own padding id, else {@code [PAD]}, else {@code
   * <|endoftext|>}, else 0 (padding is masked out, so any valid id will do).
   */
  public int padId() {
    if (tokenizer.padding() != null) return tokenizer.padding().padId();
    for (String t : new String[] {"[PAD]", "<pad>", "<|endoftext|>"}) {
      int id = tokenizer.tokenToId(t);
      if (id >= 0) return id;
    }
    return 0;
  }

  /** The end-of-text id of a GPT-2 tokenizer ({@code <|endoftext|>}), or -1. */
  public int endOfTextId() {
    return tokenizer.tokenToId("<|endoftext|>");
  }

  /** The model as GPT-2, or an error naming the folder and what it holds. */
  public Gpt2 gpt2() throws ModelFolderException {
    if (model instanceof Gpt2 g) return g;
    throw new ModelFolderException(dir + " holds a " + spec.family().architecture() + " (" + HfCheckpoint.CONFIG
        + "), but this needs a GPT-2 language model (" + ModelFamily.GPT2_LM.architecture() + ")");
  }

  /** A short description: family, layers, width, vocabulary, positions. */
  public String describe() {
    var c = spec.config();
    return String.format(java.util.Locale.ROOT, "%s (%d layers, hidden %d, %d heads, vocab %d, %d positions; tokenizer %s)",
        spec.family().architecture(), c.layers(), c.hidden(), c.heads(), c.vocabSize(), c.maxPositions(), tokenizerFile.getFileName());
  }

}
