package jdistill.models.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;

/**
 * Writes a Hugging Face checkpoint folder that {@code from_pretrained} loads: {@code config.json},
 * the state dict in one {@code model.safetensors} or in shards with
 * {@code model.safetensors.index.json}, each file tagged {@code {"format": "pt"}} as transformers
 * expects.
 */
public final class HfCheckpointWriter {

  /** The config's file name in a checkpoint folder. */
  public static final String CONFIG_FILE = "config.json";

  /** Hugging Face's default largest shard (5 GB). */
  public static final long DEFAULT_MAX_SHARD_BYTES = 5_000_000_000L;

  /** The safetensors header metadata transformers looks for. */
  public static final Map<String, String> METADATA = Map.of("format", "pt");

  private final CheckpointWriter writer;
  private final long maxShardBytes;

  /** A folder writer that writes safetensors files through {@code writer}. */
  public HfCheckpointWriter(CheckpointWriter writer, long maxShardBytes) {
    if (maxShardBytes <= 0) throw new IllegalArgumentException("max shard size must be positive, got " + maxShardBytes);
    this.writer = writer;
    this.maxShardBytes = maxShardBytes;
  }

  /** A folder writer with Hugging Face's default shard size. */
  public HfCheckpointWriter(CheckpointWriter writer) {
    this(writer, DEFAULT_MAX_SHARD_BYTES);
  }

  /**
   * Writes {@code config} and {@code stateDict} (names as Hugging Face uses them) into {@code dir},
   * creating it if needed; returns the shard plan used.
   */
  public ShardPlan write(Path dir, HfConfig config, Map<String, Tensor> stateDict) throws IOException {
    Files.createDirectories(dir);
    Map<String, Long> sizes = new LinkedHashMap<>();
    stateDict.forEach((name, t) -> sizes.put(name, t.numel() * t.dtype().byteSize()));
    ShardPlan plan = HfCheckpointIndex.plan(sizes, maxShardBytes);
    for (ShardPlan.Shard shard : plan.shards()) {
      writer.write(dir.resolve(shard.fileName()), select(stateDict, shard.tensors()), METADATA);
    }
    if (plan.index() != null) {
      plan.index().write(dir.resolve(HfCheckpointIndex.FILE_NAME));
    } else {
      Files.deleteIfExists(dir.resolve(HfCheckpointIndex.FILE_NAME));
    }
    // The config goes last, so that a folder with a config.json has all its weights.
    config.write(dir.resolve(CONFIG_FILE));
    return plan;
  }

  private static Map<String, Tensor> select(Map<String, Tensor> all, List<String> names) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String n : names) out.put(n, all.get(n));
    return out;
  }
}
