package jdistill.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import jdistill.engine.Tensor;
import jdistill.engine.autograd.GradMode;

/**
 * Writes engine tensors as a safetensors file that the reference implementation (and so Hugging
 * Face transformers) loads unchanged.
 *
 * <p>Layout choices, made to match what the reference writer ({@code safetensors.torch.save_file})
 * produces: tensors are ordered by dtype, widest first (the reference {@code Dtype} order, see
 * {@link SafetensorsDType}), then by name (UTF-8 byte order), so that every tensor starts at an
 * offset aligned to its element size; the header lists {@code __metadata__} first (omitted when
 * empty, its keys sorted) and then the tensors in data order, in compact JSON, padded with spaces
 * to a multiple of 8 bytes. Readers recover the names in that order, not the caller's.
 *
 * <p>The file is written to a temporary file in the target's directory, streamed tensor by tensor
 * through a small staging buffer (nothing close to the file's size is held in memory), forced to
 * disk, then renamed over the target atomically (falling back to a plain replacing move where the
 * file system cannot rename atomically). A failure at any point deletes the temporary file and
 * leaves an existing target untouched.
 */
public final class SafetensorsWriter {

  /** Staging buffer size for copying tensor data out of its storage. */
  static final int CHUNK_BYTES = 8 << 20;

  private static final JsonFactory JSON = new JsonFactory();

  /** Called after each tensor's bytes are written to the temporary file (for progress and tests). */
  interface Listener {
    void written(String tensor, Path temporaryFile);
  }

  private SafetensorsWriter() {}

  /** Writes {@code tensors} (any device, any layout) and {@code metadata} to {@code file}. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    write(file, tensors, metadata, (name, tmp) -> {});
  }

  static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, Listener listener) throws IOException {
    Path target = file.toAbsolutePath();
    List<Entry> entries = plan(target, tensors);
    byte[] header = header(target, entries, metadata == null ? Map.of() : metadata);
    long total = 8L + header.length + (entries.isEmpty() ? 0 : entries.getLast().end);

    Path tmp = createTemporary(target);
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
        ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(header.length).put(header).flip();
        writeFully(ch, prefix);
        MemorySegment staging = arena.allocate(CHUNK_BYTES, 8);
        for (Entry e : entries) {
          writeTensor(ch, e, staging);
          listener.written(e.name, tmp);
        }
        if (ch.position() != total) {
          throw new IllegalStateException("wrote " + ch.position() + " bytes to " + tmp + ", expected " + total);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) deleteQuietly(tmp);
    }
  }

  /** One tensor to write: its name, its dtype in the file, and its byte range in the data buffer. */
  private record Entry(String name, Tensor tensor, SafetensorsDType dtype, long begin, long end) {}

  private static List<Entry> plan(Path target, Map<String, Tensor> tensors) throws SafetensorsException {
    if (tensors == null) throw new SafetensorsException(target, null, "the tensor map is null, expected a map of name to tensor");
    List<Map.Entry<String, Tensor>> sorted = new ArrayList<>();
    for (var e : tensors.entrySet()) {
      if (e.getKey() == null) throw new SafetensorsException(target, null, "a tensor has a null name");
      if (e.getKey().equals(HeaderParser.METADATA_KEY)) {
        throw new SafetensorsException(target, e.getKey(), "the name " + HeaderParser.METADATA_KEY + " is reserved for the metadata map");
      }
      if (e.getValue() == null) throw new SafetensorsException(target, e.getKey(), "the tensor is null");
      sorted.add(e);
    }
    Comparator<Map.Entry<String, Tensor>> byDtype = Comparator.comparing(e -> SafetensorsDType.of(e.getValue().dtype()));
    sorted.sort(byDtype.reversed().thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
    List<Entry> out = new ArrayList<>(sorted.size());
    long offset = 0;
    for (var e : sorted) {
      Tensor t = e.getValue();
      long bytes;
      try {
        bytes = Math.multiplyExact(t.numel(), (long) t.dtype().byteSize());
      } catch (ArithmeticException ex) {
        throw new SafetensorsException(target, e.getKey(), "the tensor has more than 2^63 bytes");
      }
      out.add(new Entry(e.getKey(), t, SafetensorsDType.of(t.dtype()), offset, offset + bytes));
      offset += bytes;
    }
    return out;
  }

  private static byte[] header(Path target, List<Entry> entries, Map<String, String> metadata) throws IOException {
    var buf = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartObject();
      if (!metadata.isEmpty()) {
        g.writeObjectFieldStart(HeaderParser.METADATA_KEY);
        Map<String, String> sorted = new TreeMap<>();
        for (var m : metadata.entrySet()) {
          if (m.getKey() == null || m.getValue() == null) {
            throw new SafetensorsException(target, null, "metadata entry " + m.getKey() + " = " + m.getValue() + " has a null key or value; expected strings");
          }
          sorted.put(m.getKey(), m.getValue());
        }
        for (var m : sorted.entrySet()) g.writeStringField(m.getKey(), m.getValue());
        g.writeEndObject();
      }
      for (Entry e : entries) {
        g.writeObjectFieldStart(e.name);
        g.writeStringField("dtype", e.dtype.name());
        g.writeArrayFieldStart("shape");
        for (int d : e.tensor.shape()) g.writeNumber(d);
        g.writeEndArray();
        g.writeArrayFieldStart("data_offsets");
        g.writeNumber(e.begin);
        g.writeNumber(e.end);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    int padding = (8 - buf.size() % 8) % 8;
    for (int i = 0; i < padding; i++) buf.write(' ');
    if (buf.size() > HeaderParser.MAX_HEADER_BYTES) {
      throw new SafetensorsException(target, null, "the header would be " + buf.size() + " bytes, over the " + HeaderParser.MAX_HEADER_BYTES
          + "-byte limit readers enforce (too many tensors or too much metadata)");
    }
    return buf.toByteArray();
  }

  /** Streams the tensor's elements, row-major, through {@code staging} into the channel. */
  private static void writeTensor(FileChannel ch, Entry e, MemorySegment staging) throws IOException {
    if (e.tensor.numel() == 0) return; // no bytes (and no layout to normalise)
    Tensor c;
    try (var g = GradMode.noGrad()) {
      c = e.tensor.contiguous();
    }
    try {
      int elementSize = c.dtype().byteSize();
      long perChunk = staging.byteSize() / elementSize;
      long n = c.numel();
      for (long done = 0; done < n; ) {
        long count = Math.min(perChunk, n - done);
        MemorySegment chunk = staging.asSlice(0, count * elementSize);
        c.backend().copyToHost(c.storage(), c.offset() + done, count, chunk);
        writeFully(ch, chunk.asByteBuffer());
        done += count;
      }
    } finally {
      if (c.storage() != e.tensor.storage()) c.storage().release();
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) ch.write(buf);
  }

  private static Path createTemporary(Path target) throws IOException {
    Path dir = target.getParent();
    String base = "." + target.getFileName() + ".";
    for (int attempt = 0; ; attempt++) {
      Path tmp = dir.resolve(base + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
      try {
        // CREATE_NEW with default permissions (unlike Files.createTempFile, which makes it owner-only).
        Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        return tmp;
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) throw e;
      }
    }
  }

  private static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // the original failure is what the caller needs to see
    }
  }
}
