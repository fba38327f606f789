package jdistill.models.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdistill.engine.Rng;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertForTokenClassification;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.tokenizer.ByteLevelBpeTrainer;
import jdistill.models.tokenizer.Model;
import jdistill.models.tokenizer.Tokenizer;
import jdistill.models.tokenizer.WordPieceTrainer;
import jdistill.models.transformer.Activation;
import jdistill.models.transformer.ModelGradCheck;
import jdistill.models.transformer.TransformerConfig;

/** Tiny random models saved as Hugging Face folders with tokenizers trained here. */
final class TinyFolders {

  static final List<String> CORPUS = List.of(
      "The cat sat on the mat and looked at the dog.",
      "A dog ran across the park to catch the ball.",
      "She reads a book every evening before she sleeps.",
      "The weather was cold, so they stayed at home.",
      "He cooked pasta with tomatoes, garlic and olive oil.",
      "Birds sing in the trees early in the morning.",
      "The train to the city leaves at eight o'clock.",
      "We walked along the river and talked about the past.",
      "Children played in the snow until it was dark.",
      "The old house at the end of the street is empty.");

  private TinyFolders() {}

  static Tokenizer bpe() {
    return ByteLevelBpeTrainer.gpt2(300).train(CORPUS);
  }

  static Tokenizer wordPiece() {
    return WordPieceTrainer.bert(120).train(CORPUS);
  }

  static TransformerConfig config(int vocab, int positions, int typeVocab, Activation act) {
    return new TransformerConfig(vocab, positions, typeVocab, 16, 2, 2, 32, 1e-5, act, 0, 0);
  }

  /** A GPT-2 with random weights (std 0.3) and a trained byte-level BPE tokenizer.json. */
  static Gpt2 gpt2(Path dir, int positions) throws IOException {
    Tokenizer tok = bpe();
    Gpt2 model = new Gpt2(config(ModelFolder.idCount(tok), positions, 0, Activation.GELU_TANH), new Rng(11));
    ModelGradCheck.randomize(model, new Rng(12), 0.3);
    HfCheckpoint.save(model, dir);
    tok.save(dir.resolve("tokenizer.json"));
    return model;
  }

  /** {@code vocab.txt} of a WordPiece tokenizer, one token per line in id order. */
  static void writeVocabTxt(Tokenizer tok, Path file) throws IOException {
    String[] byId = Model.reverse(tok.model().vocab());
    List<String> lines = new ArrayList<>();
    for (String t : byId) lines.add(t);
    Files.write(file, lines);
  }

  /** A BERT masked LM with random weights and a trained WordPiece vocab.txt. */
  static BertForMaskedLm bertMlm(Path dir, int positions) throws IOException {
    Tokenizer tok = wordPiece();
    BertForMaskedLm model = new BertForMaskedLm(config(ModelFolder.idCount(tok), positions, 2, Activation.GELU_ERF), new Rng(21));
    ModelGradCheck.randomize(model, new Rng(22), 0.3);
    save(model, tok, dir);
    return model;
  }

  /** A plain BERT (with pooler) and a trained WordPiece vocab.txt. */
  static Bert bert(Path dir, int positions) throws IOException {
    Tokenizer tok = wordPiece();
    Bert model = new Bert(config(ModelFolder.idCount(tok), positions, 2, Activation.GELU_ERF), true, new Rng(31));
    ModelGradCheck.randomize(model, new Rng(32), 0.3);
    save(model, tok, dir);
    return model;
  }

  /** A BERT sequence classifier with 3 labels and a trained WordPiece vocab.txt. */
  static BertForSequenceClassification bertClassifier(Path dir, int positions) throws IOException {
    Tokenizer tok = wordPiece();
    BertForSequenceClassification model = new BertForSequenceClassification(config(ModelFolder.idCount(tok), positions, 2, Activation.GELU_ERF), 3, new Rng(41));
    ModelGradCheck.randomize(model, new Rng(42), 0.3);
    save(model, tok, dir);
    return model;
  }

  /** A BERT token classifier with 4 labels and a trained WordPiece vocab.txt. */
  static BertForTokenClassification bertTokenClassifier(Path dir, int positions) throws IOException {
    Tokenizer tok = wordPiece();
    BertForTokenClassification model = new BertForTokenClassification(config(ModelFolder.idCount(tok), positions, 2, Activation.GELU_ERF), 4, new Rng(51));
    ModelGradCheck.randomize(model, new Rng(52), 0.3);
    save(model, tok, dir);
    return model;
  }

  private static void save(Module model, Tokenizer tok, Path dir) throws IOException {
    HfCheckpoint.save(model, dir);
    writeVocabTxt(tok, dir.resolve("vocab.txt"));
  }
}
