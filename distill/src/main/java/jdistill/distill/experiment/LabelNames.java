package jdistill.distill.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes the class names of a classification run into an exported model's config.json
 * ({@code id2label} and {@code label2id}), so that Hugging Face pipelines report "positive"
 * rather than "LABEL_1".
 */
final class LabelNames {

  private LabelNames() {}

  static void write(Path modelFolder, List<String> names) throws IOException {
    Path config = modelFolder.resolve("config.json");
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = (ObjectNode) json.readTree(config.toFile());
    ObjectNode id2label = root.putObject("id2label");
    ObjectNode label2id = root.putObject("label2id");
    for (int i = 0; i < names.size(); i++) {
      id2label.put(Integer.toString(i), names.get(i));
      label2id.put(names.get(i), i);
    }
    Path tmp = config.resolveSibling("config.json.tmp");
    json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
    Files.move(tmp, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
