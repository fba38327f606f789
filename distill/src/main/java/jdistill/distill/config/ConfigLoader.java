package jdistill.distill.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.schedule.ValueSchedule;

/**
 * Reads a config: YAML text to a tree, {@code --set} overrides applied to the tree, the top-level
 * fields bound to records, each recipe stage merged over the top-level fields and bound, the
 * methods checked. Every failure becomes a {@link ConfigException} naming file and field.
 */
final class ConfigLoader {

  private ConfigLoader() {}

  /** The mapper: unknown fields, duplicate keys and fractional integers are errors. */
  static ObjectMapper mapper() {
    return YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .addModule(new SimpleModule("jdistill-config").addDeserializer(ValueSchedule.class, new ScheduleDeserializer()))
        .build();
  }

  static ExperimentConfig load(Path file, List<String> overrides, Function<String, MethodFactory> lookup) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "", "no such file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "", "cannot be read: " + e.getMessage());
    }
    return parse(text, file.toString(), overrides, lookup);
  }

  static ExperimentConfig parse(String text, String source, List<String> overrides, Function<String, MethodFactory> lookup) {
    ObjectMapper mapper = mapper();
    ObjectNode root = effectiveTree(mapper, text, source, overrides);
    JsonNode recipeNode = root.remove("recipe");
    ExperimentConfig top = bind(mapper, root, ExperimentConfig.class, source, "");
    List<Stage> stages = new ArrayList<>();
    if (recipeNode != null && !recipeNode.isNull()) {
      if (!(recipeNode instanceof ArrayNode list)) throw new ConfigException(source, "recipe", "expected a list of stages, got " + kind(recipeNode));
      for (int i = 0; i < list.size(); i++) {
        JsonNode stageNode = list.get(i);
        String at = "recipe." + i;
        if (!(stageNode instanceof ObjectNode stageObj)) throw new ConfigException(source, at, "expected a stage {name: ..., methods: [...], training: {...}}, got " + kind(stageNode));
        ObjectNode merged = root.deepCopy();
        merged.remove("student");
        merge(merged, stageObj);
        if (!merged.hasNonNull("name")) merged.set("name", TextNode.valueOf("stage" + (i + 1)));
        stages.add(bind(mapper, merged, Stage.class, source, at));
      }
    }
    ExperimentConfig config;
    try {
      config = stages.isEmpty() ? top : top.withRecipe(stages);
      config.resolve(lookup);
    } catch (ConfigFieldException e) {
      throw new ConfigException(source, e.field(), e.detail());
    }
    return config;
  }

  /** The tree after overrides, as YAML: what a run should save beside its results. */
  static String effectiveYaml(String text, String source, List<String> overrides) {
    ObjectMapper mapper = mapper();
    try {
      return mapper.writeValueAsString(effectiveTree(mapper, text, source, overrides));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode effectiveTree(ObjectMapper mapper, String text, String source, List<String> overrides) {
    JsonNode tree;
    try {
      tree = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw JacksonErrors.toConfigException(e, source, "");
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) throw new ConfigException(source, "", "the file is empty; expected a map with teacher, student, task, data and methods");
    if (!(tree instanceof ObjectNode root)) throw new ConfigException(source, "", "expected a map at the top level, got " + kind(tree));
    for (String o : overrides == null ? List.<String>of() : overrides) {
      try {
        ConfigOverrides.apply(root, o, mapper);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source, "", e.getMessage());
      }
    }
    return root;
  }

  private static <T> T bind(ObjectMapper mapper, JsonNode node, Class<T> type, String source, String prefix) {
    try {
      return mapper.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw JacksonErrors.toConfigException(e, source, prefix);
    } catch (IllegalArgumentException e) {
      // Jackson wraps some failures of treeToValue in IllegalArgumentException
      if (e.getCause() instanceof JsonProcessingException j) throw JacksonErrors.toConfigException(j, source, prefix);
      throw e;
    }
  }

  /** Merges {@code over} into {@code base}: maps key by key, everything else replaced. */
  static void merge(ObjectNode base, ObjectNode over) {
    Iterator<Map.Entry<String, JsonNode>> it = over.fields();
    while (it.hasNext()) {
      var e = it.next();
      JsonNode old = base.get(e.getKey());
      if (old instanceof ObjectNode oldObj && e.getValue() instanceof ObjectNode newObj) {
        merge(oldObj, newObj);
      } else {
        base.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  static String kind(JsonNode n) {
    if (n.isObject()) return "a map";
    if (n.isArray()) return "a list";
    if (n.isTextual()) return "'" + n.asText() + "'";
    return n.toString();
  }
}
