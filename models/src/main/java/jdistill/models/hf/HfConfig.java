package jdistill.models.hf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hugging Face model configuration ({@code config.json}) that jdistill can build a model from.
 * {@code model_type} picks the record; fields the record does not model are carried through
 * unchanged, so reading and writing a config keeps what Hugging Face put there.
 */
public sealed interface HfConfig permits Gpt2Config, BertConfig {

  /** The {@code model_type} values jdistill reads. */
  List<String> SUPPORTED_MODEL_TYPES = List.of(Gpt2Config.MODEL_TYPE, BertConfig.MODEL_TYPE);

  /** The transformers release whose config format is written when a config names none. */
  String TRANSFORMERS_VERSION = "4.46.3";

  /** {@code "gpt2"} or {@code "bert"}. */
  String modelType();

  /** The model classes the checkpoint is for ({@code architectures}), possibly empty. */
  List<String> architectures();

  /** This config as the JSON object Hugging Face writes (every standard key, plus carried extras). */
  ObjectNode toJson();

  /** Writes {@code config.json}-style JSON to {@code file}. */
  default void write(Path file) throws IOException {
    HfJson.write(file, toJson());
  }

  /** Reads a {@code config.json}; {@code model_type} decides which config it is. */
  static HfConfig read(Path file) {
    return fromJson(HfJson.readObject(file), file.toString());
  }

  /** Interprets a parsed config object; {@code source} names it in errors. */
  static HfConfig fromJson(ObjectNode json, String source) {
    var typeNode = json.get("model_type");
    if (typeNode == null || typeNode.isNull()) {
      throw new HfFormatException(source + ": field \"model_type\" is missing; jdistill reads model types " + SUPPORTED_MODEL_TYPES);
    }
    if (!typeNode.isTextual()) {
      throw new HfFormatException(source + ": field \"model_type\" must be a string, got " + typeNode);
    }
    return switch (typeNode.textValue()) {
      case Gpt2Config.MODEL_TYPE -> Gpt2Config.fromJson(json, source);
      case BertConfig.MODEL_TYPE -> BertConfig.fromJson(json, source);
      default -> throw new HfFormatException(
          source + ": field \"model_type\" is \"" + typeNode.textValue() + "\", which jdistill does not support; supported: " + SUPPORTED_MODEL_TYPES);
    };
  }
}
