package jdistill.models.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.models.hf.BertConfig;
import jdistill.models.hf.Gpt2Config;
import jdistill.models.hf.HfConfig;
import jdistill.models.hf.HfFormatException;
import jdistill.models.transformer.TransformerConfig;

/**
 * config.json through the full Hugging Face config records ({@link Gpt2Config}, {@link
 * BertConfig}): every HF validation applies on read, and what is written is what {@code
 * save_pretrained} writes.
 */
public final class HfConfigIo implements ConfigIo {

  @Override
  public ModelSpec read(Path configJson) throws IOException {
    if (!Files.isRegularFile(configJson)) throw new IOException(configJson + ": no config.json in the checkpoint folder");
    HfConfig config;
    try {
      config = HfConfig.read(configJson);
    } catch (HfFormatException e) {
      throw new IOException(e.getMessage(), e);
    }
    return switch (config) {
      case Gpt2Config g -> {
        ModelFamily family = ModelFamily.fromHf("gpt2", first(g.architectures()));
        yield new ModelSpec(family, new TransformerConfig(g.vocabSize(), g.nPositions(), 0, g.nEmbd(), g.nLayer(), g.nHead(), g.innerSize(),
            g.layerNormEpsilon(), g.activation(), g.residPdrop(), g.attnPdrop()), 0);
      }
      case BertConfig b -> {
        ModelFamily family = ModelFamily.fromHf("bert", first(b.architectures()));
        int labels = family == ModelFamily.BERT_SEQUENCE_CLASSIFICATION || family == ModelFamily.BERT_TOKEN_CLASSIFICATION ? b.numLabels() : 0;
        if ("regression".equals(b.problemType())) labels = 1;
        yield new ModelSpec(family, new TransformerConfig(b.vocabSize(), b.maxPositionEmbeddings(), b.typeVocabSize(), b.hiddenSize(), b.numHiddenLayers(),
            b.numAttentionHeads(), b.intermediateSize(), b.layerNormEps(), b.activation(), b.hiddenDropoutProb(), b.attentionProbsDropoutProb()), labels);
      }
    };
  }

  private static String first(List<String> architectures) {
    return architectures.isEmpty() ? null : architectures.get(0);
  }

  @Override
  public void write(ModelSpec spec, Path configJson) throws IOException {
    Path tmp = Files.createTempFile(configJson.toAbsolutePath().getParent(), "config", ".json.tmp");
    try {
      toHf(spec).write(tmp);
      Files.move(tmp, configJson, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The HF config record for a spec (HF defaults for what the spec does not hold). */
  public static HfConfig toHf(ModelSpec spec) {
    TransformerConfig c = spec.config();
    List<String> arch = List.of(spec.family().architecture());
    if (spec.family().isGpt2()) {
      return new Gpt2Config(c.layers(), c.hidden(), c.heads(), c.intermediate(), c.vocabSize(), c.maxPositions(), c.eps(), c.activation().hfName(),
          c.hiddenDropout(), c.hiddenDropout(), c.attentionDropout(), true, 0.02, null, null, arch, "float32", null, Map.of());
    }
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < spec.numLabels(); i++) labels.add("LABEL_" + i);
    String problem = spec.family() == ModelFamily.BERT_SEQUENCE_CLASSIFICATION ? (spec.numLabels() == 1 ? "regression" : "single_label_classification") : null;
    return new BertConfig(c.vocabSize(), c.hidden(), c.layers(), c.heads(), c.intermediate(), c.activation().hfName(), c.hiddenDropout(), c.attentionDropout(),
        c.maxPositions(), Math.max(1, c.typeVocabSize()), 0.02, c.eps(), 0, null, arch, labels, problem, "float32", null, Map.of());
  }
}
