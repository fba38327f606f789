package jdistill.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The index of a sharded Hugging Face checkpoint ({@code model.safetensors.index.json}): which
 * shard file holds each tensor ({@code weight_map}) and the total tensor bytes
 * ({@code metadata.total_size}). {@code metadata} keeps any other metadata entries. Also plans
 * the shards for a state dict the way {@code save_pretrained} does.
 */
public record HfCheckpointIndex(long totalSize, Map<String, String> weightMap, Map<String, Object> metadata) {

  /** The index's file name in a checkpoint folder. */
  public static final String FILE_NAME = "model.safetensors.index.json";

  /** The file name of an unsharded checkpoint. */
  public static final String SINGLE_FILE = "model.safetensors";

  public HfCheckpointIndex {
    if (totalSize < 0) throw new HfFormatException("metadata.total_size must be >= 0, got " + totalSize);
    if (weightMap.isEmpty()) throw new HfFormatException("weight_map is empty: a checkpoint holds at least one tensor");
    for (Map.Entry<String, String> e : weightMap.entrySet()) {
      if (e.getKey().isEmpty()) throw new HfFormatException("weight_map has an empty tensor name");
      String file = e.getValue();
      if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals(".") || file.equals("..")) {
        throw new HfFormatException("weight_map maps \"" + e.getKey() + "\" to \"" + file + "\"; expected a file name in the checkpoint folder");
      }
    }
    weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(new TreeMap<>(weightMap)));
    metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** The shard files, each once, sorted by name. */
  public List<String> shardFiles() {
    return weightMap.values().stream().distinct().sorted().toList();
  }

  /** The tensors each shard holds, by shard file name (sorted), tensors sorted by name. */
  public Map<String, List<String>> tensorsByShard() {
    Map<String, List<String>> out = new TreeMap<>();
    weightMap.forEach((tensor, file) -> out.computeIfAbsent(file, k -> new ArrayList<>()).add(tensor));
    out.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(out);
  }

  /**
   * Reads and checks an index file: every entry of {@code weight_map} names a tensor once and a
   * shard file that exists beside the index; {@code metadata.total_size} is a byte count.
   */
  public static HfCheckpointIndex read(Path indexFile) {
    String src = indexFile.toString();
    ObjectNode root = HfJson.readObject(indexFile);
    JsonNode map = root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new HfFormatException(src + ": field \"weight_map\" must be an object mapping tensor names to shard files, got " + map);
    }
    Map<String, String> weightMap = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new HfFormatException(src + ": weight_map maps \"" + e.getKey() + "\" to " + e.getValue() + "; expected a shard file name");
      }
      weightMap.put(e.getKey(), e.getValue().textValue());
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    long totalSize = -1;
    JsonNode meta = root.get("metadata");
    if (meta != null && !meta.isNull()) {
      if (!meta.isObject()) throw new HfFormatException(src + ": field \"metadata\" must be an object, got " + meta);
      for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("total_size")) {
          JsonNode t = e.getValue();
          boolean integral = t.isIntegralNumber() || (t.isNumber() && t.doubleValue() == Math.rint(t.doubleValue()));
          if (!integral || t.asLong() < 0) {
            throw new HfFormatException(src + ": field \"metadata.total_size\" must be a byte count (an integer >= 0), got " + t);
          }
          totalSize = t.asLong();
        } else {
          metadata.put(e.getKey(), HfJson.toPlain(e.getValue()));
        }
      }
    }
    if (totalSize < 0) throw new HfFormatException(src + ": field \"metadata.total_size\" is missing");
    HfCheckpointIndex index;
    try {
      index = new HfCheckpointIndex(totalSize, weightMap, metadata);
    } catch (HfFormatException e) {
      throw new HfFormatException(src + ": " + e.getMessage(), e);
    }
    Path dir = indexFile.toAbsolutePath().getParent();
    for (Map.Entry<String, List<String>> e : index.tensorsByShard().entrySet()) {
      if (!Files.isRegularFile(dir.resolve(e.getKey()))) {
        throw new HfFormatException(src + ": shard file " + e.getKey() + " (holding " + e.getValue().size() + " tensors, e.g. \""
            + e.getValue().get(0) + "\") does not exist in " + dir);
      }
    }
    return index;
  }

  /** Writes the index as {@code save_pretrained} does (sorted keys, two-space indent). */
  public void write(Path file) throws IOException {
    ObjectNode root = HfJson.mapper().createObjectNode();
    ObjectNode meta = root.putObject("metadata");
    metadata.forEach((k, v) -> meta.set(k, HfJson.fromPlain(v)));
    meta.put("total_size", totalSize);
    ObjectNode map = root.putObject("weight_map");
    weightMap.forEach(map::put);
    HfJson.write(file, root);
  }

  /**
   * Splits tensors (name to byte size, in state-dict order) into shards of at most
   * {@code maxShardBytes}, as Hugging Face does: tensors fill the current shard in order; a tensor
   * that does not fit starts a new one; a tensor larger than the limit gets a shard of its own.
   * One shard is {@code model.safetensors} with no index; several are
   * {@code model-00001-of-0000N.safetensors} with an index.
   */
  public static ShardPlan plan(Map<String, Long> tensorBytes, long maxShardBytes) {
    if (maxShardBytes <= 0) throw new IllegalArgumentException("max shard size must be positive, got " + maxShardBytes);
    if (tensorBytes.isEmpty()) throw new IllegalArgumentException("cannot plan shards for an empty state dict");
    List<List<String>> groups = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long currentBytes = 0;
    long total = 0;
    for (Map.Entry<String, Long> e : tensorBytes.entrySet()) {
      long size = e.getValue();
      if (size < 0) throw new IllegalArgumentException("tensor \"" + e.getKey() + "\" has negative size " + size);
      total += size;
      if (size > maxShardBytes) {
        groups.add(List.of(e.getKey()));
        sizes.add(size);
        continue;
      }
      if (currentBytes + size > maxShardBytes && !current.isEmpty()) {
        groups.add(current);
        sizes.add(currentBytes);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(e.getKey());
      currentBytes += size;
    }
    if (!current.isEmpty()) {
      groups.add(current);
      sizes.add(currentBytes);
    }
    int n = groups.size();
    List<ShardPlan.Shard> shards = new ArrayList<>();
    Map<String, String> weightMap = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String name = n == 1 ? SINGLE_FILE : String.format("model-%05d-of-%05d.safetensors", i + 1, n);
      shards.add(new ShardPlan.Shard(name, groups.get(i), sizes.get(i)));
      for (String t : groups.get(i)) weightMap.put(t, name);
    }
    return new ShardPlan(shards, n == 1 ? null : new HfCheckpointIndex(total, weightMap, Map.of()));
  }
}
