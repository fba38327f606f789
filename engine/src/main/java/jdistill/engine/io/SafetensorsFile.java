package jdistill.engine.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdistill.engine.DType;
import jdistill.engine.Device;
import jdistill.engine.Tensor;

/**
 * A safetensors file opened for reading: the whole file is memory-mapped read-only through
 * {@code java.lang.foreign} (so files and offsets beyond 2 GiB work) and its header is parsed and
 * validated completely before {@link #open} returns; a malformed file never yields a tensor.
 * Tensors can be taken as zero-copy read-only {@link MemorySegment} slices of the mapping or loaded
 * into engine {@link Tensor}s on any device.
 *
 * <p>The mapping is released by {@link #close()}; segments obtained from {@link #segment} are
 * invalid afterwards (using them throws {@link IllegalStateException}), while loaded tensors are
 * copies and stay valid. The file must not be truncated or rewritten in place while open. An open
 * file may be read from several threads at once.
 */
public final class SafetensorsFile implements AutoCloseable {

  private static final int MAX_LISTED_NAMES = 10;

  private final Path file;
  private final Arena arena;
  private final MemorySegment data;
  private final HeaderParser.Header header;
  private final Map<String, TensorInfo> tensors;
  private volatile boolean closed;

  private SafetensorsFile(Path file, Arena arena, MemorySegment whole, HeaderParser.Header header) {
    this.file = file;
    this.arena = arena;
    this.data = whole.asSlice(header.dataStart());
    this.header = header;
    Map<String, TensorInfo> byName = new LinkedHashMap<>();
    for (TensorInfo t : header.tensors()) byName.put(t.name(), t);
    this.tensors = Collections.unmodifiableMap(byName);
  }

  /** Maps {@code file} and validates its header; every problem is a {@link SafetensorsException}. */
  public static SafetensorsFile open(Path file) throws IOException {
    Arena arena = Arena.ofShared();
    try {
      MemorySegment whole;
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = ch.size();
        // Files shorter than the length prefix are reported by the parser; there is nothing to map.
        whole = size < 8 ? MemorySegment.ofArray(readSmall(ch, (int) size)) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      }
      HeaderParser.Header header = HeaderParser.parse(file, whole);
      return new SafetensorsFile(file, arena, whole, header);
    } catch (IOException | RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  private static byte[] readSmall(FileChannel ch, int size) throws IOException {
    var buf = java.nio.ByteBuffer.allocate(size);
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // keep reading until full or end of file
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  /** The file this was opened from. */
  public Path file() {
    return file;
  }

  /** Tensor names in the order the header lists them. */
  public List<String> names() {
    checkOpen();
    return List.copyOf(tensors.keySet());
  }

  /** Number of tensors. */
  public int size() {
    return tensors.size();
  }

  /** True when the file holds a tensor called {@code name}. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /** Every tensor's header entry, by name, in file order. */
  public Map<String, TensorInfo> infos() {
    return tensors;
  }

  /** The header entry of tensor {@code name}. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      String listed = tensors.keySet().stream().limit(MAX_LISTED_NAMES).map(s -> "'" + s + "'").collect(Collectors.joining(", "));
      String more = tensors.size() > MAX_LISTED_NAMES ? ", ... (" + tensors.size() + " in all)" : "";
      throw new IllegalArgumentException("safetensors file " + file + " has no tensor '" + name + "'; it holds " + (tensors.isEmpty() ? "no tensors" : listed + more));
    }
    return t;
  }

  /** The {@code __metadata__} string map (empty when the header has none), in header order. */
  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(header.metadata());
  }

  /** Bytes of the header JSON, padding included (the data buffer starts 8 bytes later). */
  public long headerLength() {
    return header.headerLength();
  }

  /** Absolute file offset of the data buffer. */
  public long dataStart() {
    return header.dataStart();
  }

  /**
   * The raw little-endian bytes of tensor {@code name}: a zero-copy, read-only slice of the
   * mapping, valid until {@link #close()}. Works for every dtype, including those that cannot be
   * loaded as tensors. Byte alignment is whatever the file gives (use unaligned layouts).
   */
  public MemorySegment segment(String name) {
    checkOpen();
    TensorInfo t = info(name);
    return data.asSlice(t.begin(), t.byteSize()).asReadOnly();
  }

  /** Tensor {@code name} loaded onto the CPU. */
  public Tensor tensor(String name) throws SafetensorsException {
    return tensor(name, Device.CPU);
  }

  /**
   * Tensor {@code name} copied onto {@code device} as a contiguous tensor of its
   * {@link SafetensorsDType#engineType() engine type} (narrow integer types are widened).
   */
  public Tensor tensor(String name, Device device) throws SafetensorsException {
    TensorInfo t = info(name);
    DType engine = t.dtype().engineType().orElseThrow(() -> new SafetensorsException(file, name,
        "dtype " + t.dtype() + " cannot be loaded as an engine tensor (the engine holds F32, F64, BF16, F16, I32 and I64, and widens"
            + " BOOL, U8, I8, I16, U16, U32); read its raw bytes with segment() instead"));
    int[] shape = new int[t.rank()];
    long[] dims = t.shape();
    for (int i = 0; i < shape.length; i++) {
      if (dims[i] > Integer.MAX_VALUE) {
        throw new SafetensorsException(file, name, "dimension " + i + " of shape " + Arrays.toString(dims) + " exceeds " + Integer.MAX_VALUE
            + ", the largest dimension an engine tensor can have");
      }
      shape[i] = (int) dims[i];
    }
    MemorySegment raw = segment(name);
    if (!t.dtype().isWidened()) return Tensor.fromSegment(raw, engine, device, shape);
    try (Arena staging = Arena.ofConfined()) {
      return Tensor.fromSegment(widen(raw, t.dtype(), engine, t.numel(), staging), engine, device, shape);
    }
  }

  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** Converts narrow integers to I32 (or U32 to I64), little-endian. */
  private static MemorySegment widen(MemorySegment raw, SafetensorsDType from, DType to, long n, Arena arena) {
    MemorySegment out = arena.allocate(n * to.byteSize(), to.byteSize());
    for (long i = 0; i < n; i++) {
      switch (from) {
        case BOOL -> out.setAtIndex(I32, i, raw.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1 : 0);
        case U8 -> out.setAtIndex(I32, i, Byte.toUnsignedInt(raw.get(ValueLayout.JAVA_BYTE, i)));
        case I8 -> out.setAtIndex(I32, i, raw.get(ValueLayout.JAVA_BYTE, i));
        case I16 -> out.setAtIndex(I32, i, raw.getAtIndex(I16, i));
        case U16 -> out.setAtIndex(I32, i, Short.toUnsignedInt(raw.getAtIndex(I16, i)));
        case U32 -> out.setAtIndex(I64, i, Integer.toUnsignedLong(raw.getAtIndex(I32, i)));
        default -> throw new IllegalStateException("no widening from " + from + " to " + to);
      }
    }
    return out;
  }

  /** Every tensor loaded onto {@code device}, in file order. */
  public Map<String, Tensor> loadAll(Device device) throws SafetensorsException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (String name : tensors.keySet()) out.put(name, tensor(name, device));
    return out;
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("safetensors file " + file + " was closed");
  }

  /** Releases the mapping; idempotent. */
  @Override
  public void close() {
    if (closed) return;
    synchronized (this) {
      if (closed) return;
      closed = true;
      arena.close();
    }
  }

  @Override
  public String toString() {
    return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors, " + data.byteSize() + " data bytes]";
  }
}
