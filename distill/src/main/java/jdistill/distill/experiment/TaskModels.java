package jdistill.distill.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdistill.distill.config.ConfigException;
import jdistill.distill.config.ConfigFieldException;
import jdistill.distill.config.FreshStudentConfig;
import jdistill.distill.config.StudentConfig;
import jdistill.distill.config.TaskConfig;
import jdistill.distill.core.DistillModel;
import jdistill.distill.core.DistillModels;
import jdistill.distill.core.Float32Outputs;
import jdistill.engine.Rng;
import jdistill.engine.autograd.GradMode;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertForTokenClassification;
import jdistill.models.checkpoint.HfCheckpoint;
import jdistill.models.checkpoint.HfConfigIo;
import jdistill.models.checkpoint.ModelFamily;
import jdistill.models.checkpoint.ModelSpec;
import jdistill.models.gpt2.Gpt2;
import jdistill.models.student.Students;
import jdistill.models.transformer.TransformerConfig;

/**
 * The models a task needs: which checkpoint families serve as teachers for which task, a base
 * model given a task head, students built by the config's rule, copies of a model drawing dropout
 * from another generator, and the {@link DistillModel} view of each.
 */
final class TaskModels {

  private TaskModels() {}

  /** What config.json in {@code folder} says; a config error at {@code field} when it is missing or unreadable. */
  static ModelSpec readSpec(Path folder, String source, String field) {
    Path config = folder.resolve(HfCheckpoint.CONFIG);
    if (!Files.isRegularFile(config)) {
      throw new ConfigException(source, field, "'" + folder + "' is not a Hugging Face model folder: it has no " + HfCheckpoint.CONFIG);
    }
    try {
      return new HfConfigIo().read(config);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(source, field, "cannot read " + config + ": " + e.getMessage());
    }
  }

  /** The model families a ready teacher of {@code task} may have, in words, for errors. */
  static String expectedFamilies(TaskConfig.Type task) {
    return switch (task) {
      case SEQUENCE_CLASSIFICATION, REGRESSION -> "a BERT with a classification head (BertForSequenceClassification)";
      case MASKED_LM -> "a BERT with its masked-LM head (BertForMaskedLM)";
      case CAUSAL_LM -> "a GPT-2 (GPT2LMHeadModel)";
      case SENTENCE_EMBEDDING -> "a BERT (BertModel or any BERT with a head; its encoder is used)";
    };
  }

  /** Fails unless a ready (fine-tuned) model of {@code family} can serve {@code task} as it is. */
  static void checkReadyFamily(ModelFamily family, TaskConfig.Type task, String source, String field, Path folder) {
    boolean ok = switch (task) {
      case SEQUENCE_CLASSIFICATION, REGRESSION -> family == ModelFamily.BERT_SEQUENCE_CLASSIFICATION;
      case MASKED_LM -> family == ModelFamily.BERT_MASKED_LM;
      case CAUSAL_LM -> family == ModelFamily.GPT2_LM;
      case SENTENCE_EMBEDDING -> !family.isGpt2();
    };
    if (!ok) {
      String hint = family.isGpt2() || task == TaskConfig.Type.CAUSAL_LM ? "" : "; to fine-tune it on the task first, use teacher: {task_teacher: {base: " + folder + "}}";
      throw new ConfigException(source, field, "task " + taskName(task) + " needs " + expectedFamilies(task) + ", but " + folder + " holds a " + family.architecture() + hint);
    }
  }

  /** Fails unless a base model of {@code family} can be given {@code task}'s head. */
  static void checkBaseFamily(ModelFamily family, TaskConfig.Type task, String source, String field, Path folder) {
    boolean gpt2Task = task == TaskConfig.Type.CAUSAL_LM;
    if (family.isGpt2() != gpt2Task) {
      throw new ConfigException(source, field, "task " + taskName(task) + " needs " + (gpt2Task ? "a GPT-2" : "a BERT") + " base model, but " + folder + " holds a " + family.architecture());
    }
  }

  static String taskName(TaskConfig.Type task) {
    return task.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The model a ready teacher checkpoint is used as: itself, or its encoder for sentence embeddings. */
  static Module forTask(Module loaded, TaskConfig.Type task, Rng rng) {
    if (task != TaskConfig.Type.SENTENCE_EMBEDDING) return loaded;
    return encoderWithPooler(encoderOf(loaded), rng);
  }

  /**
   * {@code base} with {@code task}'s head: the encoder (or the whole GPT-2) keeps its weights, a
   * head the base does not have is freshly initialised from {@code rng}; dropout draws from {@code rng}.
   */
  static Module withTaskHead(Module base, TaskConfig.Type task, int numLabels, Rng rng) {
    TransformerConfig c = configOf(base);
    Module out = switch (task) {
      case SEQUENCE_CLASSIFICATION, REGRESSION -> {
        if (base instanceof BertForSequenceClassification s && s.numLabels() == numLabels) yield copy(base, rng);
        BertForSequenceClassification m = new BertForSequenceClassification(c, numLabels, rng);
        loadEncoder(m.bert(), encoderOf(base));
        yield m;
      }
      case MASKED_LM -> {
        if (base instanceof BertForMaskedLm) yield copy(base, rng);
        BertForMaskedLm m = new BertForMaskedLm(c, rng);
        loadEncoder(m.bert(), encoderOf(base));
        yield m;
      }
      case CAUSAL_LM -> copy(base, rng);
      case SENTENCE_EMBEDDING -> encoderWithPooler(encoderOf(base), rng);
    };
    return out;
  }

  private static Bert encoderWithPooler(Bert encoder, Rng rng) {
    Bert b = new Bert(encoder.config(), true, rng);
    loadEncoder(b, encoder);
    return b;
  }

  /** Copies {@code from}'s weights into {@code into}; only a pooler may be missing on one side. */
  private static void loadEncoder(Bert into, Bert from) {
    try (var g = GradMode.noGrad()) {
      Module.LoadResult r = into.loadStateDict(from.stateDict(), false);
      for (String k : r.missingKeys()) if (!k.startsWith("pooler.")) throw new IllegalStateException("the base encoder has no tensor " + k);
      for (String k : r.unexpectedKeys()) if (!k.startsWith("pooler.")) throw new IllegalStateException("the base encoder has an unexpected tensor " + k);
    }
  }

  /** The BERT encoder of a BERT-family model. */
  static Bert encoderOf(Module m) {
    return switch (m) {
      case Bert b -> b;
      case BertForSequenceClassification s -> s.bert();
      case BertForMaskedLm l -> l.bert();
      case BertForTokenClassification t -> t.bert();
      default -> throw new IllegalArgumentException("no BERT encoder in a " + m.getClass().getSimpleName());
    };
  }

  static TransformerConfig configOf(Module m) {
    return m instanceof Gpt2 g ? g.config() : encoderOf(m).config();
  }

  /** Classes of a classification head, 1 for regression, 0 for other models. */
  static int numLabels(Module m) {
    return m instanceof BertForSequenceClassification s ? s.numLabels() : 0;
  }

  /** A new model of {@code like}'s class and head with {@code config}, initialised and drawing dropout from {@code rng}. */
  static Module newLike(Module like, TransformerConfig config, Rng rng) {
    return switch (like) {
      case Gpt2 g -> new Gpt2(config, rng);
      case Bert b -> new Bert(config, b.hasPooler(), rng);
      case BertForMaskedLm l -> new BertForMaskedLm(config, rng);
      case BertForSequenceClassification s -> new BertForSequenceClassification(config, s.numLabels(), rng);
      case BertForTokenClassification t -> new BertForTokenClassification(config, t.numLabels(), rng);
      default -> throw new IllegalArgumentException("cannot rebuild a " + like.getClass().getSimpleName());
    };
  }

  /** The same weights in a new module whose dropout draws from {@code rng} (the run's generator). */
  static Module copy(Module m, Rng rng) {
    Module out = newLike(m, configOf(m), rng);
    try (var g = GradMode.noGrad()) {
      out.loadStateDict(m.stateDict(), true);
    }
    return out;
  }

  /** The trainer's and the methods' view of {@code m} for {@code task}. */
  static DistillModel adapt(Module m, TaskConfig task) {
    return Float32Outputs.of(adaptAsIs(m, task));
  }

  private static DistillModel adaptAsIs(Module m, TaskConfig task) {
    if (task.type() == TaskConfig.Type.SENTENCE_EMBEDDING) return new SentenceEncoder(encoderOf(m), task.pooling());
    return switch (m) {
      case Gpt2 g -> DistillModels.of(g);
      case BertForSequenceClassification s -> DistillModels.of(s);
      case BertForMaskedLm l -> DistillModels.of(l);
      case BertForTokenClassification t -> DistillModels.of(t);
      case Bert b -> DistillModels.of(b);
      default -> throw new IllegalArgumentException("no distillation adapter for a " + m.getClass().getSimpleName());
    };
  }

  /**
   * The initial student by the config's rule: some of {@code teacher}'s layers, a fresh model of
   * the teacher's family and vocabulary, or a Hugging Face folder ({@code studentFolder}, resolved).
   * Errors name the config field.
   */
  static Module buildStudent(StudentConfig sc, Module teacher, TaskConfig.Type task, Path studentFolder, Rng rng, String source) {
    TransformerConfig tc = configOf(teacher);
    if (sc.fromTeacher() != null) {
      List<Integer> layers;
      try {
        layers = sc.fromTeacher().teacherLayers(tc.layers());
      } catch (ConfigFieldException e) {
        throw new ConfigException(source, "student.from_teacher." + e.field(), e.detail());
      }
      try {
        return copy(Students.fromTeacher(teacher, layers), rng);
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ConfigException(source, "student.from_teacher", "cannot build the student from the teacher's layers " + layers + ": " + e.getMessage());
      }
    }
    if (sc.fresh() != null) {
      FreshStudentConfig f = sc.fresh();
      try {
        return newLike(teacher, tc.withSize(f.layers(), f.hidden(), f.heads(), f.intermediate()), rng);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source, "student.fresh", "cannot build a fresh student of this size: " + e.getMessage());
      }
    }
    ModelSpec spec = readSpec(studentFolder, source, "student.path");
    if (task == TaskConfig.Type.SENTENCE_EMBEDDING) {
      if (spec.family().isGpt2()) throw new ConfigException(source, "student.path", "task sentence_embedding needs a BERT student, but " + studentFolder + " holds a " + spec.family().architecture());
    } else if (spec.family() != ModelFamily.of(teacher)) {
      throw new ConfigException(source, "student.path", studentFolder + " holds a " + spec.family().architecture() + ", but the teacher is a " + ModelFamily.of(teacher).architecture()
          + "; the student needs the teacher's model class and head");
    }
    if (spec.numLabels() != numLabels(teacher) && task != TaskConfig.Type.SENTENCE_EMBEDDING) {
      throw new ConfigException(source, "student.path", studentFolder + " has " + spec.numLabels() + " labels, the teacher " + numLabels(teacher));
    }
    if (spec.config().vocabSize() != tc.vocabSize()) {
      throw new ConfigException(source, "student.path", studentFolder + " has a vocabulary of " + spec.config().vocabSize() + " tokens, the teacher " + tc.vocabSize() + "; they must share the tokenizer");
    }
    Module m = spec.family().create(spec.config(), spec.numLabels(), rng);
    try {
      HfCheckpoint.loadWeights(m, spec.family(), studentFolder);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(source, "student.path", "cannot load the student: " + e.getMessage());
    }
    return task == TaskConfig.Type.SENTENCE_EMBEDDING ? encoderWithPooler(encoderOf(m), rng) : m;
  }
}
