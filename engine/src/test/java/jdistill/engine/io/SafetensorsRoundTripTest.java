package jdistill.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {

  @TempDir Path dir;

  private static Tensor raw(byte[] bytes, DType dtype, int... shape) {
    return Tensor.fromSegment(MemorySegment.ofArray(bytes), dtype, Device.CPU, shape);
  }

  @Test
  void everyDtypeKeepsItsExactBits() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("f32", raw(RawFiles.concat(RawFiles.f32(1.5f, -0.0f, Float.POSITIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE),
        RawFiles.i32(0x7fc00001)), DType.F32, 2, 3));
    in.put("f64", Tensor.of(new double[] {Math.PI, -0.0, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.longBitsToDouble(0x7ff8000000000123L)}, 5));
    in.put("bf16", raw(RawFiles.i16(0x3f80, 0xbf80, 0x7f80, 0xff80, 0x7fc1, 0x0001, 0x8000, 0x7f7f), DType.BF16, 2, 2, 2));
    in.put("f16", raw(RawFiles.i16(0x3c00, 0xc000, 0x7c00, 0xfc00, 0x7e01, 0x0001, 0x8000, 0x7bff), DType.F16, 8));
    in.put("i32", Tensor.ofInts(new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE}, 5));
    in.put("i64", Tensor.ofLongs(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 53 | 1}, 3, 2));
    Path file = dir.resolve("all.safetensors");
    Safetensors.save(file, in, Map.of());

    Map<String, Tensor> out = Safetensors.load(file, Device.CPU);
    assertEquals(in.keySet(), out.keySet());
    for (var e : in.entrySet()) {
      Tensor got = out.get(e.getKey());
      assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
      assertArrayEquals(e.getValue().shape(), got.shape(), e.getKey());
      assertArrayEquals(e.getValue().toBytes(), got.toBytes(), e.getKey());
    }
    assertArrayEquals(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 53 | 1}, out.get("i64").toLongArray());
    assertEquals(0x7ff8000000000123L, Double.doubleToRawLongBits(out.get("f64").toDoubleArray()[4]));
  }

  @Test
  void scalarsEmptyTensorsAndMetadata() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("scalar", Tensor.scalar(3.25));
    in.put("empty", Tensor.zeros(DType.F32, Device.CPU, 0));
    in.put("empty3d", Tensor.zeros(DType.I64, Device.CPU, 2, 0, 3));
    in.put("after", Tensor.of(new float[] {7, 8}, 2));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put("note", "ünïcødé \"quoted\" \\ / \n tab\t");
    meta.put("empty", "");
    Path file = dir.resolve("edge.safetensors");
    Safetensors.save(file, in, meta);

    try (SafetensorsFile f = Safetensors.open(file)) {
      assertEquals(meta, f.metadata());
      TensorInfo s = f.info("scalar");
      assertEquals(0, s.rank());
      assertEquals(4, s.byteSize());
      Tensor scalar = f.tensor("scalar");
      assertEquals(0, scalar.rank());
      assertArrayEquals(new float[] {3.25f}, scalar.toFloatArray());
      Tensor empty = f.tensor("empty3d");
      assertArrayEquals(new int[] {2, 0, 3}, empty.shape());
      assertEquals(DType.I64, empty.dtype());
      assertEquals(0, f.info("empty").byteSize());
      assertArrayEquals(new float[] {7, 8}, f.tensor("after").toFloatArray());
    }
    String header = headerText(file);
    assertTrue(header.contains("\"scalar\":{\"dtype\":\"F32\",\"shape\":[],"), header);
    assertTrue(header.contains("\"empty3d\":{\"dtype\":\"I64\",\"shape\":[2,0,3],"), header);
  }

  @Test
  void noMetadataWritesNoMetadataEntry() throws IOException {
    Path file = dir.resolve("nometa.safetensors");
    Safetensors.save(file, Map.of("x", Tensor.of(new float[] {1}, 1)));
    assertTrue(!headerText(file).contains("__metadata__"));
    try (SafetensorsFile f = Safetensors.open(file)) {
      assertTrue(f.metadata().isEmpty());
    }
  }

  @Test
  void nonContiguousViewsAreWrittenRowMajor() throws IOException {
    Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Path file = dir.resolve("view.safetensors");
    Safetensors.save(file, Map.of("t", m.transpose(0, 1), "col", m.narrow(1, 1, 1)));
    Map<String, Tensor> out = Safetensors.load(file, Device.CPU);
    assertArrayEquals(new int[] {3, 2}, out.get("t").shape());
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out.get("t").toFloatArray());
    assertArrayEquals(new float[] {2, 5}, out.get("col").toFloatArray());
  }

  @Test
  void tensorsSpanningSeveralStagingChunksRoundTrip() throws IOException {
    int n = SafetensorsWriter.CHUNK_BYTES / 4 * 2 + 12345;
    float[] v = new float[n];
    Random r = new Random(7);
    for (int i = 0; i < n; i++) v[i] = r.nextFloat();
    Path file = dir.resolve("big.safetensors");
    Safetensors.save(file, Map.of("big", Tensor.of(v, n)));
    try (SafetensorsFile f = Safetensors.open(file)) {
      assertArrayEquals(v, f.tensor("big").toFloatArray());
    }
  }

  /** The exact bytes the reference writer (safetensors.torch.save_file) produces for this input. */
  @Test
  void layoutMatchesTheReferenceWriterByteForByte() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("b", Tensor.of(new float[] {1, 2}, 2));
    in.put("a", Tensor.ofLongs(new long[] {7}, 1));
    Path file = dir.resolve("golden.safetensors");
    Safetensors.save(file, in, Map.of("format", "pt"));
    String json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
    String padded = json + " ".repeat((8 - json.length() % 8) % 8);
    byte[] expected = RawFiles.bytes(padded, RawFiles.concat(RawFiles.i64(7), RawFiles.f32(1, 2)));
    assertArrayEquals(expected, Files.readAllBytes(file));
  }

  @Test
  void tensorsAreOrderedWidestDtypeFirstThenByNameAndStayAligned() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("z_f16", raw(RawFiles.i16(1), DType.F16, 1));
    in.put("y_bf16", raw(RawFiles.i16(1), DType.BF16, 1));
    in.put("b_i32", Tensor.ofInts(new int[] {1}, 1));
    in.put("a_f32", Tensor.of(new float[] {1}, 1));
    in.put("c_f64", Tensor.of(new double[] {1}, 1));
    in.put("d_i64", Tensor.ofLongs(new long[] {1}, 1));
    in.put("a_i64", Tensor.ofLongs(new long[] {1}, 1));
    Path file = dir.resolve("order.safetensors");
    Safetensors.save(file, in);
    try (SafetensorsFile f = Safetensors.open(file)) {
      assertEquals(List.of("a_i64", "d_i64", "c_f64", "a_f32", "b_i32", "y_bf16", "z_f16"), f.names());
      assertEquals(0, f.dataStart() % 8);
      for (TensorInfo t : f.infos().values()) assertEquals(0, t.begin() % t.dtype().byteSize(), t.toString());
    }
  }

  @Test
  void segmentIsAZeroCopyReadOnlySliceOfTheMappedFile() throws IOException {
    Path file = dir.resolve("seg.safetensors");
    Safetensors.save(file, Map.of("w", Tensor.of(new float[] {1, 2, 3}, 3), "i", Tensor.ofLongs(new long[] {5, 6}, 2)));
    byte[] all = Files.readAllBytes(file);
    Tensor loaded;
    MemorySegment seg;
    try (SafetensorsFile f = Safetensors.open(file)) {
      TensorInfo w = f.info("w");
      seg = f.segment("w");
      assertTrue(seg.isMapped(), "segment should be a slice of the file mapping");
      assertTrue(seg.isReadOnly());
      int from = (int) (f.dataStart() + w.begin());
      assertArrayEquals(Arrays.copyOfRange(all, from, from + (int) w.byteSize()), seg.toArray(ValueLayout.JAVA_BYTE));
      assertArrayEquals(RawFiles.f32(1, 2, 3), seg.toArray(ValueLayout.JAVA_BYTE));
      assertThrows(IllegalArgumentException.class, () -> seg.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
      loaded = f.tensor("w");
    }
    assertThrows(IllegalStateException.class, () -> seg.get(ValueLayout.JAVA_BYTE, 0));
    assertArrayEquals(new float[] {1, 2, 3}, loaded.toFloatArray(), "loaded tensors are copies and outlive the file");
  }

  @Test
  void closedFileRefusesAccessAndUnknownNamesAreListed() throws IOException {
    Path file = dir.resolve("names.safetensors");
    Safetensors.save(file, Map.of("alpha", Tensor.of(new float[] {1}, 1), "beta", Tensor.of(new float[] {2}, 1)));
    SafetensorsFile f = Safetensors.open(file);
    var e = assertThrows(IllegalArgumentException.class, () -> f.tensor("gamma"));
    assertTrue(e.getMessage().contains("names.safetensors") && e.getMessage().contains("'gamma'")
        && e.getMessage().contains("'alpha', 'beta'"), e.getMessage());
    f.close();
    f.close();
    var c = assertThrows(IllegalStateException.class, () -> f.segment("alpha"));
    assertTrue(c.getMessage().contains("closed"), c.getMessage());
  }

  @Test
  void readsHandBuiltFilesWithUnalignedOffsetsAndNarrowIntegers() throws IOException {
    String header = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]},"
        + "\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[3,5]},"
        + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[5,7]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[7,15]},"
        + "\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[15,19]},"
        + "\"u16\":{\"dtype\":\"U16\",\"shape\":[1],\"data_offsets\":[19,21]},"
        + "\"u32\":{\"dtype\":\"U32\",\"shape\":[1],\"data_offsets\":[21,25]},"
        + "\"f8\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[25,27]},"
        + "\"u64\":{\"dtype\":\"U64\",\"shape\":[],\"data_offsets\":[27,35]}}";
    byte[] data = RawFiles.concat(new byte[] {1, 0, 1}, new byte[] {(byte) 200, 7}, new byte[] {-128, 127}, RawFiles.f32(2.5f, -1f),
        RawFiles.i16(-2, 300), RawFiles.i16(0xffff), RawFiles.i32(0xffffffff), new byte[] {0x38, 0x40}, RawFiles.i64(-1));
    Path file = RawFiles.write(dir.resolve("hand.safetensors"), header, data);
    try (SafetensorsFile f = Safetensors.open(file)) {
      assertEquals(List.of("m", "u8", "i8", "w", "i16", "u16", "u32", "f8", "u64"), f.names());
      assertArrayEquals(new float[] {2.5f, -1f}, f.tensor("w").toFloatArray());
      assertEquals(DType.I32, f.tensor("m").dtype());
      assertArrayEquals(new long[] {1, 0, 1}, f.tensor("m").toLongArray());
      assertArrayEquals(new long[] {200, 7}, f.tensor("u8").toLongArray());
      assertArrayEquals(new long[] {-128, 127}, f.tensor("i8").toLongArray());
      assertArrayEquals(new long[] {-2, 300}, f.tensor("i16").toLongArray());
      assertArrayEquals(new long[] {65535}, f.tensor("u16").toLongArray());
      assertEquals(DType.I64, f.tensor("u32").dtype());
      assertArrayEquals(new long[] {4294967295L}, f.tensor("u32").toLongArray());
      assertArrayEquals(new byte[] {0x38, 0x40}, f.segment("f8").toArray(ValueLayout.JAVA_BYTE));
      var e = assertThrows(SafetensorsException.class, () -> f.tensor("u64"));
      assertTrue(e.getMessage().contains("hand.safetensors") && e.getMessage().contains("'u64'") && e.getMessage().contains("dtype U64")
          && e.getMessage().contains("segment()"), e.getMessage());
      assertEquals("u64", e.tensor());
    }
  }

  @Test
  void anEmptyCheckpointRoundTrips() throws IOException {
    Path file = dir.resolve("none.safetensors");
    Safetensors.save(file, Map.of(), Map.of("k", "v"));
    try (SafetensorsFile f = Safetensors.open(file)) {
      assertTrue(f.names().isEmpty());
      assertEquals(Map.of("k", "v"), f.metadata());
    }
  }

  private static String headerText(Path file) throws IOException {
    byte[] all = Files.readAllBytes(file);
    long n = java.nio.ByteBuffer.wrap(all, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(0, (8 + n) % 8, "header padded to a multiple of 8");
    return new String(all, 8, (int) n, StandardCharsets.UTF_8);
  }
}
