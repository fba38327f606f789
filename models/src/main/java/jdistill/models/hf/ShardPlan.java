package jdistill.models.hf;

import java.util.List;

/**
 * How a state dict is split into safetensors files: the shards in file order and, when there is
 * more than one, the index ({@code model.safetensors.index.json}) that maps tensors to them.
 */
public record ShardPlan(List<Shard> shards, HfCheckpointIndex index) {

  public ShardPlan {
    shards = List.copyOf(shards);
  }

  /** True when everything fits one {@code model.safetensors} and no index is written. */
  public boolean single() {
    return index == null;
  }

  /** One safetensors file: its name, the tensors it holds in order, and their total bytes. */
  public record Shard(String fileName, List<String> tensors, long bytes) {
    public Shard {
      tensors = List.copyOf(tensors);
    }
  }
}
