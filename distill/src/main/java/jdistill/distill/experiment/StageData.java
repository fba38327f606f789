package jdistill.distill.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdistill.distill.config.ColumnsConfig;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.DataConfig;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.core.Batch;
import jdistill.distill.data.BatchBuilder;
import jdistill.distill.data.BatchSource;
import jdistill.distill.data.DatasetColumns;
import jdistill.distill.data.DatasetFormat;
import jdistill.distill.data.DocumentSplit;
import jdistill.distill.data.EncodedExample;
import jdistill.distill.data.EpochBatchSource;
import jdistill.distill.data.Example;
import jdistill.distill.data.ExampleEncoder;
import jdistill.distill.data.LabelVocabulary;
import jdistill.distill.data.LmChunker;
import jdistill.distill.data.MlmMasking;
import jdistill.distill.data.SamplerConfig;
import jdistill.distill.data.Task;
import jdistill.distill.data.TextCorpus;
import jdistill.distill.data.TextDataset;
import jdistill.distill.data.TextEncoder;

/**
 * One stage's data, tokenised: the training examples and the batch source over them, the
 * evaluation examples (for sentence embeddings: both sides of each pair and the scores), and the
 * builder that pads them into batches as the task wants (class ids, scores, MLM masks, next-token
 * labels aligned with the logits).
 */
final class StageData {

  /** How many examples of the evaluation (or training) data a speed or preflight batch takes at most. */
  static final int SAMPLE_BATCH = 32;

  final TaskConfig task;
  final DataConfig config;
  final BatchBuilder builder;
  final List<EncodedExample> train;
  final List<EncodedExample> eval;
  /** Sentence-embedding pairs: the second texts and the scores, aligned with {@link #eval}; null otherwise. */
  final List<EncodedExample> evalPairs;
  final double[] evalScores;
  final LabelVocabulary labels;

  private StageData(TaskConfig task, DataConfig config, BatchBuilder builder, List<EncodedExample> train, List<EncodedExample> eval, List<EncodedExample> evalPairs, double[] evalScores,
      LabelVocabulary labels) {
    this.task = task;
    this.config = config;
    this.builder = builder;
    this.train = train;
    this.eval = eval;
    this.evalPairs = evalPairs;
    this.evalScores = evalScores;
    this.labels = labels;
  }

  /** The data pipeline's task for the config's task. */
  static Task pipelineTask(TaskConfig.Type t) {
    return switch (t) {
      case SEQUENCE_CLASSIFICATION -> Task.SEQUENCE_CLASSIFICATION;
      case REGRESSION -> Task.REGRESSION;
      case MASKED_LM -> Task.MASKED_LM;
      case CAUSAL_LM -> Task.CAUSAL_LM;
      case SENTENCE_EMBEDDING -> Task.NONE;
    };
  }

  /**
   * Reads and tokenises a stage's data.
   *
   * @param labels the label vocabulary to map class labels with (an earlier stage's), or null to
   *     build it from this training set
   * @param at the config path of the stage ("" or "recipe.1."), for errors
   */
  static StageData load(TaskConfig task, DataConfig d, RunLayout layout, TextEncoder encoder, boolean tokenTypes, LabelVocabulary labels, String source, String at) {
    if (!d.header() && d.format() != DataConfig.Format.TEXT) {
      throw new ConfigException(source, at + "data.header", "files without a header line are not supported; add a first line naming the columns");
    }
    boolean lm = task.type() == TaskConfig.Type.MASKED_LM || task.type() == TaskConfig.Type.CAUSAL_LM;
    if (!lm && d.format() == DataConfig.Format.TEXT) {
      throw new ConfigException(source, at + "data.format", "plain text has no columns; task " + TaskModels.taskName(task.type()) + " needs jsonl, tsv or csv with the columns of data.columns");
    }
    Task pipeline = pipelineTask(task.type());
    MlmMasking masking = new MlmMasking(d.mlmProbability(), 0.8, 0.1);
    BatchBuilder builder;
    try {
      builder = new BatchBuilder(pipeline, encoder, tokenTypes, masking, 1);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source, at + "task.type", e.getMessage());
    }
    Path trainFile = layout.resolve(d.train());
    Path evalFile = d.eval() == null ? null : layout.resolve(d.eval());
    if (lm) {
      LmChunker chunker;
      try {
        chunker = new LmChunker(encoder, d.maxLength(), false);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source, at + "data.max_length", e.getMessage());
      }
      List<EncodedExample> train = limit(chunker.chunk(documents(trainFile, d)), d.maxExamples());
      List<EncodedExample> eval = evalFile == null ? null : chunker.chunk(documents(evalFile, d));
      return new StageData(task, d, builder, train, eval, null, null, null);
    }
    ExampleEncoder enc;
    try {
      enc = new ExampleEncoder(encoder, d.maxLength());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source, at + "data.max_length", e.getMessage());
    }
    ColumnsConfig c = d.columns();
    DatasetFormat format = datasetFormat(d.format());
    if (task.type() == TaskConfig.Type.SENTENCE_EMBEDDING) {
      TextDataset trainSet = TextDataset.read(trainFile, new DatasetColumns(c.text(), c.textPair(), null, null), format);
      List<EncodedExample> train = new ArrayList<>();
      for (Example e : trainSet.examples(null)) {
        train.add(enc.encode(Example.unlabelled(e.text())));
        if (e.textPair() != null) train.add(enc.encode(Example.unlabelled(e.textPair())));
      }
      train = limit(train, d.maxExamples());
      if (evalFile == null) return new StageData(task, d, builder, train, null, null, null, null);
      boolean pairs = c.textPair() != null;
      TextDataset evalSet = TextDataset.read(evalFile, new DatasetColumns(c.text(), c.textPair(), null, pairs ? c.score() : null), format);
      List<EncodedExample> a = new ArrayList<>();
      List<EncodedExample> b = pairs ? new ArrayList<>() : null;
      List<Example> rows = evalSet.examples(null);
      double[] scores = pairs ? new double[rows.size()] : null;
      for (int i = 0; i < rows.size(); i++) {
        Example e = rows.get(i);
        a.add(enc.encode(Example.unlabelled(e.text())));
        if (pairs) {
          b.add(enc.encode(Example.unlabelled(e.textPair())));
          scores[i] = e.score();
        }
      }
      return new StageData(task, d, builder, train, a, b, scores, null);
    }
    boolean classification = task.type() == TaskConfig.Type.SEQUENCE_CLASSIFICATION;
    DatasetColumns cols = new DatasetColumns(c.text(), c.textPair(), classification ? c.label() : null, classification ? null : c.score());
    TextDataset trainSet = TextDataset.read(trainFile, cols, format);
    if (trainSet.size() == 0) throw new ConfigException(source, at + "data.train", trainFile + " holds no examples");
    LabelVocabulary vocab = classification ? (labels != null ? labels : trainSet.labelVocabulary()) : null;
    List<EncodedExample> train = limit(enc.encodeAll(trainSet.examples(vocab)), d.maxExamples());
    List<EncodedExample> eval = null;
    if (evalFile != null) {
      TextDataset evalSet = TextDataset.read(evalFile, cols, format);
      eval = enc.encodeAll(evalSet.examples(vocab));
    }
    return new StageData(task, d, builder, train, eval, null, null, vocab);
  }

  private static List<String> documents(Path file, DataConfig d) {
    if (d.format() == DataConfig.Format.TEXT) return TextCorpus.documents(file, DocumentSplit.LINES);
    List<String> docs = new ArrayList<>();
    for (Example e : TextDataset.read(file, DatasetColumns.textOnly(d.columns().text()), datasetFormat(d.format())).examples(null)) docs.add(e.text());
    return docs;
  }

  private static DatasetFormat datasetFormat(DataConfig.Format f) {
    return switch (f) {
      case JSONL -> DatasetFormat.JSONL;
      case TSV -> DatasetFormat.TSV;
      case CSV -> DatasetFormat.CSV;
      case TEXT -> throw new IllegalArgumentException("plain text is read as a corpus, not a dataset");
    };
  }

  private static <T> List<T> limit(List<T> list, Integer max) {
    return max == null || list.size() <= max ? list : List.copyOf(list.subList(0, max));
  }

  boolean hasEval() {
    return eval != null && !eval.isEmpty();
  }

  /** Batches per epoch of training data. */
  int batchesPerEpoch() {
    return sampler(0).batchesPerEpoch(train.size());
  }

  private SamplerConfig sampler(long seed) {
    return new SamplerConfig(config.batchSize(), config.shuffle(), config.bucketing() ? 20 : 1, false, seed);
  }

  /** The training batches, shuffled by {@code seed}. */
  BatchSource trainSource(long seed) {
    BatchSource s = new EpochBatchSource(train, builder, sampler(seed));
    return task.type() == TaskConfig.Type.CAUSAL_LM ? ShiftedLabels.source(s) : s;
  }

  /** One pass over {@code examples} in order, batches built as they are reached. */
  Iterable<Batch> onePass(List<EncodedExample> examples) {
    Iterable<Batch> it = EpochBatchSource.onePass(examples, builder, config.evalBatchSize(), 0);
    if (task.type() != TaskConfig.Type.CAUSAL_LM) return it;
    return () -> new java.util.Iterator<>() {
      private final java.util.Iterator<Batch> inner = it.iterator();

      @Override
      public boolean hasNext() {
        return inner.hasNext();
      }

      @Override
      public Batch next() {
        return ShiftedLabels.shift(inner.next());
      }
    };
  }

  /** A batch of the first evaluation (or, without any, training) examples: for speed probes and preflight checks. */
  Batch sampleBatch() {
    List<EncodedExample> from = hasEval() ? eval : train;
    Batch b = builder.build(from.subList(0, Math.min(SAMPLE_BATCH, from.size())), 0);
    return task.type() == TaskConfig.Type.CAUSAL_LM ? ShiftedLabels.shift(b) : b;
  }

  /** A small training batch for checking the methods before training. */
  Batch preflightBatch() {
    Batch b = builder.build(train.subList(0, Math.min(4, train.size())), 0);
    return task.type() == TaskConfig.Type.CAUSAL_LM ? ShiftedLabels.shift(b) : b;
  }
}
