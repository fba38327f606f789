package jdistill.models.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointWriterTest {

  @TempDir Path dir;

  static Map<String, Tensor> stateDict() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("wte.weight", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
    m.put("h.0.ln_1.weight", Tensor.of(new float[] {7, 8}, 2));
    m.put("h.0.ln_1.bias", Tensor.of(new float[] {9, 10}, 2));
    m.put("ln_f.weight", Tensor.of(new float[] {11, 12}, 2));
    return m;
  }

  @Test
  void singleFileFolder() throws IOException {
    Gpt2Config config = Gpt2Config.of(1, 2, 1, 3, 4);
    ShardPlan plan = new HfCheckpointWriter(TestSafetensors.WRITER).write(dir, config, stateDict());
    assertTrue(plan.single());
    assertEquals(config.toJson(), HfConfig.read(dir.resolve("config.json")).toJson());
    assertFalse(Files.exists(dir.resolve(HfCheckpointIndex.FILE_NAME)));
    var read = TestSafetensors.read(dir.resolve("model.safetensors"));
    assertEquals(List.of("wte.weight", "h.0.ln_1.weight", "h.0.ln_1.bias", "ln_f.weight"), List.copyOf(read.keySet()));
    assertArrayEquals(new int[] {3, 2}, read.get("wte.weight").shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, read.get("wte.weight").floats());
    assertEquals(Map.of("format", "pt"), TestSafetensors.metadata(dir.resolve("model.safetensors")));
  }

  @Test
  void shardedFolderWithIndex() throws IOException {
    ShardPlan plan = new HfCheckpointWriter(TestSafetensors.WRITER, 24).write(dir, Gpt2Config.of(1, 2, 1, 3, 4), stateDict());
    assertEquals(2, plan.shards().size());
    HfCheckpointIndex index = HfCheckpointIndex.read(dir.resolve(HfCheckpointIndex.FILE_NAME));
    assertEquals(24 + 8 + 8 + 8, index.totalSize());
    assertEquals("model-00001-of-00002.safetensors", index.weightMap().get("wte.weight"));
    assertEquals("model-00002-of-00002.safetensors", index.weightMap().get("ln_f.weight"));
    for (var e : index.tensorsByShard().entrySet()) {
      var read = TestSafetensors.read(dir.resolve(e.getKey()));
      assertEquals(e.getValue().stream().sorted().toList(), read.keySet().stream().sorted().toList());
    }
    assertArrayEquals(new float[] {11, 12}, TestSafetensors.read(dir.resolve("model-00002-of-00002.safetensors")).get("ln_f.weight").floats());
  }

  @Test
  void defaultWriterIsTheEnginesAndItsFilesReadBackIndependently() throws Exception {
    new HfCheckpointWriter(CheckpointWriter.safetensors()).write(dir, Gpt2Config.of(1, 2, 1, 3, 4), stateDict());
    var read = TestSafetensors.read(dir.resolve("model.safetensors"));
    assertEquals(stateDict().keySet().stream().sorted().toList(), read.keySet().stream().sorted().toList());
    for (var e : stateDict().entrySet()) {
      assertArrayEquals(e.getValue().toFloatArray(), read.get(e.getKey()).floats(), e.getKey());
    }
  }
}
