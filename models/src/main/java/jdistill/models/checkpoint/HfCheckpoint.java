package jdistill.models.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;
import jdistill.engine.io.Safetensors;
import jdistill.engine.io.SafetensorsFile;
import jdistill.engine.io.TensorInfo;
import jdistill.engine.nn.Module;
import jdistill.models.bert.Bert;
import jdistill.models.bert.BertForMaskedLm;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.bert.BertForTokenClassification;
import jdistill.models.gpt2.Gpt2;

/**
 * Hugging Face checkpoint folders: config.json plus model.safetensors, or shards listed by
 * model.safetensors.index.json. Names are HF's exactly; GPT-2 is written with the
 * "transformer." prefix and without the tied lm_head, BERT task heads with "bert.". Loading
 * accepts either prefix convention, checks tied copies are equal, converts BF16/F16/F64 to F32,
 * and reports every missing, extra or mis-shaped tensor with its file and expected shape.
 */
public final class HfCheckpoint {

  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String INDEX = "model.safetensors.index.json";

  /** A loaded model and what config.json said about it. */
  public record Loaded(ModelSpec spec, Module model) {}

  private final ConfigIo configIo;

  public HfCheckpoint(ConfigIo configIo) {
    this.configIo = configIo;
  }

  /** With the built-in Jackson config reader. */
  public HfCheckpoint() {
    this(new HfConfigIo());
  }

  /** Reads config.json and the weights of {@code dir} into a new model of the family config.json names. */
  public static Loaded load(Path dir) throws IOException {
    return new HfCheckpoint().read(dir);
  }

  /** Writes {@code model} (GPT-2, BERT or a BERT head) to {@code dir} as config.json and model.safetensors. */
  public static void save(Module model, Path dir) throws IOException {
    new HfCheckpoint().write(model, dir);
  }

  public Loaded read(Path dir) throws IOException {
    Path config = dir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) throw new CheckpointException(dir + ": no " + CONFIG);
    ModelSpec spec = configIo.read(config);
    Module model = spec.family().create(spec.config(), spec.numLabels(), new Rng(0));
    loadWeights(model, spec.family(), dir);
    return new Loaded(spec, model);
  }

  /** Overwrites every parameter of {@code model} from the weights in {@code dir}. */
  public static void loadWeights(Module model, ModelFamily family, Path dir) throws IOException {
    Map<String, Path> sources = sources(dir);
    Map<Path, SafetensorsFile> open = new LinkedHashMap<>();
    try {
      for (Path p : new java.util.LinkedHashSet<>(sources.values())) open.put(p, Safetensors.open(p));
      readInto(model, family, sources, open);
    } finally {
      for (SafetensorsFile f : open.values()) f.close();
    }
  }

  private static void readInto(Module model, ModelFamily family, Map<String, Path> sources, Map<Path, SafetensorsFile> open) throws IOException {
    Map<String, Tensor> expected = model.stateDict();
    boolean hasPooler = expected.keySet().stream().anyMatch(n -> n.contains("pooler."));
    List<String> problems = new ArrayList<>();
    Map<String, String> chosen = new LinkedHashMap<>();
    Map<String, String> tied = new LinkedHashMap<>();
    for (var e : sources.entrySet()) {
      String fileName = e.getKey();
      Path file = e.getValue();
      WeightNames.Mapping m = WeightNames.map(family, fileName, hasPooler);
      if (m.kind() == WeightNames.Kind.IGNORED) continue;
      Tensor target = expected.get(m.modelName());
      TensorInfo info = open.get(file).info(fileName);
      if (target == null) {
        problems.add(file.getFileName() + ": unexpected tensor '" + fileName + "' " + Arrays.toString(info.shape()) + " (no parameter " + m.modelName() + " in " + family.architecture() + ")");
        continue;
      }
      DType dt = info.dtype().engineType().orElse(null);
      if (dt == null || !dt.isFloating()) {
        problems.add(file.getFileName() + ": tensor '" + fileName + "' has dtype " + info.dtype() + ", expected a floating type (F32, F16, BF16, F64)");
        continue;
      }
      if (!Arrays.equals(toLong(target.shape()), info.shape())) {
        problems.add(file.getFileName() + ": tensor '" + fileName + "' has shape " + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(target.shape()) + " for " + m.modelName());
        continue;
      }
      if (m.kind() == WeightNames.Kind.TIED_COPY) {
        tied.put(fileName, m.modelName());
      } else if (chosen.containsKey(m.modelName())) {
        problems.add("tensor " + m.modelName() + " appears twice: as '" + chosen.get(m.modelName()) + "' and '" + fileName + "' (" + file.getFileName() + ")");
      } else {
        chosen.put(m.modelName(), fileName);
      }
    }
    for (var e : expected.entrySet()) {
      if (!chosen.containsKey(e.getKey())) problems.add("missing tensor " + e.getKey() + " " + Arrays.toString(e.getValue().shape()));
    }
    if (!problems.isEmpty()) throw failure(sources, problems);
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (var e : chosen.entrySet()) state.put(e.getKey(), load(open, sources, e.getValue()));
    for (var e : tied.entrySet()) {
      Tensor copy = load(open, sources, e.getKey());
      if (!Arrays.equals(copy.toFloatArray(), state.get(e.getValue()).toFloatArray())) {
        problems.add(sources.get(e.getKey()).getFileName() + ": tied tensor '" + e.getKey() + "' differs from " + e.getValue() + " (untied weights are not supported)");
      }
    }
    if (!problems.isEmpty()) throw failure(sources, problems);
    model.loadStateDict(state, true);
  }

  private static Tensor load(Map<Path, SafetensorsFile> open, Map<String, Path> sources, String name) throws IOException {
    Tensor t = open.get(sources.get(name)).tensor(name);
    return t.dtype() == DType.F32 ? t : t.to(DType.F32);
  }

  private static CheckpointException failure(Map<String, Path> sources, List<String> problems) {
    Path dir = sources.values().iterator().next().getParent();
    StringBuilder sb = new StringBuilder("cannot load checkpoint ").append(dir).append(" (").append(problems.size()).append(" problems):");
    int shown = Math.min(problems.size(), 30);
    for (int i = 0; i < shown; i++) sb.append("\n  ").append(problems.get(i));
    if (problems.size() > shown) sb.append("\n  ... and ").append(problems.size() - shown).append(" more");
    return new CheckpointException(sb.toString());
  }

  private static long[] toLong(int[] s) {
    long[] out = new long[s.length];
    for (int i = 0; i < s.length; i++) out[i] = s[i];
    return out;
  }

  /** Every tensor name with the file holding it: model.safetensors, or the shards of the index. */
  static Map<String, Path> sources(Path dir) throws IOException {
    Map<String, Path> out = new LinkedHashMap<>();
    Path single = dir.resolve(WEIGHTS);
    if (Files.isRegularFile(single)) {
      try (SafetensorsFile f = Safetensors.open(single)) {
        for (String n : f.names()) out.put(n, single);
      }
      return out;
    }
    Path index = dir.resolve(INDEX);
    if (!Files.isRegularFile(index)) throw new CheckpointException(dir + ": neither " + WEIGHTS + " nor " + INDEX + " is present");
    JsonNode map;
    try {
      map = new ObjectMapper().readTree(index.toFile()).get("weight_map");
    } catch (IOException e) {
      throw new CheckpointException(index + ": not valid JSON: " + e.getMessage(), e);
    }
    if (map == null || !map.isObject()) throw new CheckpointException(index + ": no \"weight_map\" object");
    Map<Path, List<String>> shards = new LinkedHashMap<>();
    for (var it = map.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().isTextual()) throw new CheckpointException(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
      Path shard = dir.resolve(e.getValue().asText()).normalize();
      if (!shard.getParent().equals(dir.normalize())) throw new CheckpointException(index + ": shard '" + e.getValue().asText() + "' is outside " + dir);
      out.put(e.getKey(), shard);
      shards.computeIfAbsent(shard, k -> new ArrayList<>()).add(e.getKey());
    }
    for (var e : shards.entrySet()) {
      if (!Files.isRegularFile(e.getKey())) throw new CheckpointException(index + ": shard " + e.getKey().getFileName() + " is missing");
      try (SafetensorsFile f = Safetensors.open(e.getKey())) {
        for (String n : e.getValue()) {
          if (!f.contains(n)) throw new CheckpointException(index + " lists tensor '" + n + "' in " + e.getKey().getFileName() + ", which does not hold it");
        }
      }
    }
    return out;
  }

  public void write(Module model, Path dir) throws IOException {
    ModelSpec spec = spec(model);
    Files.createDirectories(dir);
    Safetensors.save(dir.resolve(WEIGHTS), model.stateDict(), Map.of("format", "pt"));
    configIo.write(spec, dir.resolve(CONFIG));
  }

  /** The spec of a model instance. */
  public static ModelSpec spec(Module model) {
    ModelFamily family = ModelFamily.of(model);
    return switch (model) {
      case Gpt2 g -> new ModelSpec(family, g.config(), 0);
      case Bert b -> new ModelSpec(family, b.config(), 0);
      case BertForMaskedLm m -> new ModelSpec(family, m.config(), 0);
      case BertForSequenceClassification s -> new ModelSpec(family, s.config(), s.numLabels());
      case BertForTokenClassification t -> new ModelSpec(family, t.config(), t.numLabels());
      default -> throw new IllegalArgumentException("no checkpoint family for " + model.getClass().getName());
    };
  }
}
