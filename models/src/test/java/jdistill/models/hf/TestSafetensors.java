package jdistill.models.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import jdistill.engine.DType;
import jdistill.engine.Tensor;

/**
 * A minimal safetensors writer and reader for tests only (the project's implementation lives in
 * the engine): 8-byte little-endian header length, a JSON header of name to dtype, shape and data
 * offsets plus {@code __metadata__}, padded with spaces to 8 bytes, then the tensor bytes.
 */
public final class TestSafetensors {

  private TestSafetensors() {}

  /** A tensor as read back: dtype name, shape and raw little-endian bytes. */
  public record Entry(String dtype, int[] shape, byte[] data) {
    /** The data as floats (F32 only). */
    public float[] floats() {
      if (!dtype.equals("F32")) throw new IllegalStateException("not F32: " + dtype);
      float[] out = new float[data.length / 4];
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
      return out;
    }
  }

  /** A {@link CheckpointWriter} writing with {@link #save}. */
  public static final CheckpointWriter WRITER = TestSafetensors::save;

  public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    ObjectNode header = HfJson.mapper().createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    Map<String, byte[]> bytes = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      byte[] b = t.toBytes();
      bytes.put(e.getKey(), b);
      ObjectNode info = header.putObject(e.getKey());
      info.put("dtype", t.dtype().safetensorsName());
      var shape = info.putArray("shape");
      for (int d : t.shape()) shape.add(d);
      info.putArray("data_offsets").add(offset).add(offset + b.length);
      offset += b.length;
    }
    byte[] json = HfJson.mapper().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    byte[] head = Arrays.copyOf(json, padded);
    Arrays.fill(head, json.length, padded, (byte) ' ');
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
      out.write(head);
      for (byte[] b : bytes.values()) out.write(b);
    }
  }

  /** Reads every tensor (in header order) and checks the offsets tile the data exactly. */
  public static Map<String, Entry> read(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode header = HfJson.parseObject(new String(all, 8, (int) n, StandardCharsets.UTF_8), file.toString());
    int base = 8 + (int) n;
    Map<String, Entry> out = new LinkedHashMap<>();
    long expectedStart = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) continue;
      JsonNode info = e.getValue();
      int[] shape = new int[info.get("shape").size()];
      for (int i = 0; i < shape.length; i++) shape[i] = info.get("shape").get(i).intValue();
      long begin = info.get("data_offsets").get(0).longValue();
      long end = info.get("data_offsets").get(1).longValue();
      if (begin != expectedStart) throw new IOException(file + ": tensor " + e.getKey() + " starts at " + begin + ", expected " + expectedStart);
      long numel = 1;
      for (int d : shape) numel *= d;
      DType dtype = DType.valueOf(info.get("dtype").textValue());
      if (end - begin != numel * dtype.byteSize()) throw new IOException(file + ": tensor " + e.getKey() + " has the wrong byte count");
      expectedStart = end;
      out.put(e.getKey(), new Entry(info.get("dtype").textValue(), shape, Arrays.copyOfRange(all, base + (int) begin, base + (int) end)));
    }
    if (base + expectedStart != all.length) throw new IOException(file + ": " + (all.length - base - expectedStart) + " trailing bytes");
    return out;
  }

  /** The {@code __metadata__} entries. */
  public static Map<String, String> metadata(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode header = HfJson.parseObject(new String(all, 8, (int) n, StandardCharsets.UTF_8), file.toString());
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode meta = header.get("__metadata__");
    if (meta != null) meta.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().textValue()));
    return out;
  }
}
