package jdistill.models.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointIndexTest {

  @TempDir Path dir;

  static final String INDEX = """
      {
        "metadata": {
          "total_size": 548105216
        },
        "weight_map": {
          "h.0.attn.c_attn.bias": "model-00001-of-00002.safetensors",
          "h.0.attn.c_attn.weight": "model-00001-of-00002.safetensors",
          "ln_f.weight": "model-00002-of-00002.safetensors",
          "wte.weight": "model-00001-of-00002.safetensors"
        }
      }
      """;

  Path index(String text, String... shards) throws IOException {
    for (String s : shards) Files.write(dir.resolve(s), new byte[8]);
    Path p = dir.resolve(HfCheckpointIndex.FILE_NAME);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsIndex() throws IOException {
    HfCheckpointIndex idx = HfCheckpointIndex.read(index(INDEX, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
    assertEquals(548105216L, idx.totalSize());
    assertEquals(4, idx.weightMap().size());
    assertEquals("model-00002-of-00002.safetensors", idx.weightMap().get("ln_f.weight"));
    assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), idx.shardFiles());
    assertEquals(List.of("h.0.attn.c_attn.bias", "h.0.attn.c_attn.weight", "wte.weight"),
        idx.tensorsByShard().get("model-00001-of-00002.safetensors"));
  }

  @Test
  void missingShardIsNamed() throws IOException {
    Path p = index(INDEX, "model-00001-of-00002.safetensors");
    var e = assertThrows(HfFormatException.class, () -> HfCheckpointIndex.read(p));
    assertTrue(e.getMessage().startsWith(p + ": shard file model-00002-of-00002.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("ln_f.weight"), e.getMessage());
  }

  @Test
  void tensorListedTwiceIsAnError() throws IOException {
    Path p = index("""
        {"metadata": {"total_size": 8}, "weight_map": {"a": "model-00001-of-00002.safetensors", "a": "model-00002-of-00002.safetensors"}}
        """, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
    var e = assertThrows(HfFormatException.class, () -> HfCheckpointIndex.read(p));
    assertTrue(e.getMessage().contains("'a' appears twice"), e.getMessage());
  }

  @Test
  void malformedIndexes() throws IOException {
    var noMap = assertThrows(HfFormatException.class, () -> HfCheckpointIndex.read(index("{\"metadata\": {\"total_size\": 1}}")));
    assertTrue(noMap.getMessage().contains("\"weight_map\""), noMap.getMessage());
    var noSize = assertThrows(HfFormatException.class, () -> HfCheckpointIndex.read(index("{\"weight_map\": {\"a\": \"x.safetensors\"}}", "x.safetensors")));
    assertTrue(noSize.getMessage().contains("metadata.total_size\" is missing"), noSize.getMessage());
    var badSize = assertThrows(HfFormatException.class,
        () -> HfCheckpointIndex.read(index("{\"metadata\": {\"total_size\": -3}, \"weight_map\": {\"a\": \"x.safetensors\"}}", "x.safetensors")));
    assertTrue(badSize.getMessage().contains("total_size"), badSize.getMessage());
    var badFile = assertThrows(HfFormatException.class,
        () -> HfCheckpointIndex.read(index("{\"metadata\": {\"total_size\": 3}, \"weight_map\": {\"a\": \"../x.safetensors\"}}")));
    assertTrue(badFile.getMessage().contains("../x.safetensors"), badFile.getMessage());
    var notString = assertThrows(HfFormatException.class,
        () -> HfCheckpointIndex.read(index("{\"metadata\": {\"total_size\": 3}, \"weight_map\": {\"a\": 1}}")));
    assertTrue(notString.getMessage().contains("\"a\""), notString.getMessage());
  }

  @Test
  void plansShardsLikeHuggingFace() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    sizes.put("a", 4L);
    sizes.put("b", 4L);
    sizes.put("big", 20L);
    sizes.put("c", 3L);
    sizes.put("d", 2L);
    ShardPlan plan = HfCheckpointIndex.plan(sizes, 10);
    // a+b fill the first shard; "big" exceeds the limit and gets its own shard (emitted at once);
    // c joins the open shard (4+4+3 > 10 starts a new one), d fits beside c.
    assertEquals(3, plan.shards().size());
    assertEquals(List.of("big"), plan.shards().get(0).tensors());
    assertEquals(List.of("a", "b"), plan.shards().get(1).tensors());
    assertEquals(List.of("c", "d"), plan.shards().get(2).tensors());
    assertEquals("model-00001-of-00003.safetensors", plan.shards().get(0).fileName());
    assertEquals("model-00003-of-00003.safetensors", plan.shards().get(2).fileName());
    assertEquals(33L, plan.index().totalSize());
    assertEquals("model-00002-of-00003.safetensors", plan.index().weightMap().get("a"));
    assertEquals(List.of("a", "b", "big", "c", "d"), List.copyOf(plan.index().weightMap().keySet()));
  }

  @Test
  void oneShardHasNoIndex() {
    ShardPlan plan = HfCheckpointIndex.plan(Map.of("a", 4L), 10);
    assertTrue(plan.single());
    assertNull(plan.index());
    assertEquals(HfCheckpointIndex.SINGLE_FILE, plan.shards().get(0).fileName());
  }

  @Test
  void writtenIndexReadsBack() throws IOException {
    Map<String, Long> sizes = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) sizes.put("layer." + i + ".weight", 6L);
    ShardPlan plan = HfCheckpointIndex.plan(sizes, 12);
    for (ShardPlan.Shard s : plan.shards()) Files.write(dir.resolve(s.fileName()), new byte[1]);
    Path p = dir.resolve(HfCheckpointIndex.FILE_NAME);
    plan.index().write(p);
    assertEquals(plan.index(), HfCheckpointIndex.read(p));
    String text = Files.readString(p);
    assertTrue(text.startsWith("{\n  \"metadata\": {\n    \"total_size\": 30\n  },\n  \"weight_map\": {\n    \"layer.0.weight\": \"model-00001-of-00003.safetensors\","), text);
  }
}
