package jdistill.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses and fully validates a safetensors header, the way the reference implementation does,
 * before anything in the file is used: length prefix, size limit, UTF-8, JSON shape, every entry's
 * fields and types, dtypes, shapes, offsets, byte sizes, and that the tensors tile the data buffer
 * exactly (no overlap, no gap, no trailing bytes).
 */
final class HeaderParser {

  /** Largest header accepted, as in the reference implementation (100 MB). */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  static final String METADATA_KEY = "__metadata__";

  private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");

  private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private static final JsonMapper JSON = JsonMapper.builder(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxStringLength((int) MAX_HEADER_BYTES).build())
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** A validated header: its length, where the data buffer starts, the tensors in file order, and the metadata. */
  record Header(long headerLength, long dataStart, long dataLength, List<TensorInfo> tensors, Map<String, String> metadata) {}

  private final Path file;

  private HeaderParser(Path file) {
    this.file = file;
  }

  /** Parses the header of {@code file}, whose whole content is {@code whole}. */
  static Header parse(Path file, MemorySegment whole) throws SafetensorsException {
    return new HeaderParser(file).parse(whole);
  }

  private Header parse(MemorySegment whole) throws SafetensorsException {
    long size = whole.byteSize();
    if (size < 8) {
      throw fail(null, "the file is " + size + " bytes long, expected at least 8 (the little-endian header length that starts every safetensors file)");
    }
    long n = whole.get(U64_LE, 0);
    if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
      throw fail(null, "the header length prefix says " + Long.toUnsignedString(n) + " bytes, expected at most " + MAX_HEADER_BYTES
          + " (the file is corrupt or not a safetensors file)");
    }
    if (n > size - 8) {
      throw fail(null, "the header length prefix says " + n + " bytes but only " + (size - 8)
          + " bytes follow it (the file is truncated or not a safetensors file)");
    }
    long dataStart = 8 + n;
    long dataLength = size - dataStart;
    String text = decodeUtf8(whole.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE));
    if (!text.startsWith("{")) {
      throw fail(null, "the header must be a JSON object starting with '{', found " + preview(text));
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw fail(null, "the header is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw fail(null, "the header must be a JSON object, found " + (root == null ? "nothing" : root.getNodeType()));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> tensors = new ArrayList<>();
    for (var field : root.properties()) {
      String name = field.getKey();
      if (name.equals(METADATA_KEY)) {
        readMetadata(field.getValue(), metadata);
      } else {
        tensors.add(readTensor(name, field.getValue(), dataLength));
      }
    }
    checkTiling(tensors, dataLength);
    return new Header(n, dataStart, dataLength, List.copyOf(tensors), metadata);
  }

  private String decodeUtf8(byte[] bytes) throws SafetensorsException {
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw fail(null, "the header is not valid UTF-8 (bad byte sequence near header byte " + in.position() + ")", e);
    }
  }

  private void readMetadata(JsonNode node, Map<String, String> out) throws SafetensorsException {
    if (!node.isObject()) {
      throw fail(null, "\"" + METADATA_KEY + "\" must be a JSON object of string values, found " + node.getNodeType());
    }
    for (var e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw fail(null, "metadata entry '" + e.getKey() + "' must be a string, found " + e.getValue().getNodeType() + " " + preview(e.getValue().toString()));
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
  }

  private TensorInfo readTensor(String name, JsonNode node, long dataLength) throws SafetensorsException {
    if (!node.isObject()) {
      throw fail(name, "the entry must be a JSON object with dtype, shape and data_offsets, found " + node.getNodeType());
    }
    Set<String> present = new TreeSet<>();
    node.fieldNames().forEachRemaining(present::add);
    if (!present.equals(FIELDS)) {
      Set<String> missing = new TreeSet<>(FIELDS);
      missing.removeAll(present);
      Set<String> extra = new TreeSet<>(present);
      extra.removeAll(FIELDS);
      throw fail(name, "the entry must have exactly the fields dtype, shape and data_offsets"
          + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; unexpected " + extra));
    }
    JsonNode dtypeNode = node.get("dtype");
    if (!dtypeNode.isTextual()) {
      throw fail(name, "dtype must be a string such as \"F32\", found " + dtypeNode.getNodeType() + " " + preview(dtypeNode.toString()));
    }
    String dtypeName = dtypeNode.textValue();
    SafetensorsDType dtype = SafetensorsDType.fromHeaderName(dtypeName).orElseThrow(() ->
        fail(name, "unknown dtype \"" + dtypeName + "\", expected one of " + SafetensorsDType.allNames()));
    if (dtype.isSubByte()) {
      throw fail(name, "dtype " + dtype + " packs elements in less than a byte and is not supported by this reader");
    }
    long[] shape = readLongs(name, "shape", node.get("shape"), -1);
    long[] offsets = readLongs(name, "data_offsets", node.get("data_offsets"), 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw fail(name, "data_offsets [" + begin + ", " + end + "] end before they begin, expected begin <= end");
    }
    if (end > dataLength) {
      throw fail(name, "data_offsets [" + begin + ", " + end + "] reach beyond the data buffer, which holds " + dataLength
          + " bytes (offsets are relative to the end of the header)");
    }
    long expected;
    try {
      long numel = 1;
      for (long d : shape) numel = Math.multiplyExact(numel, d);
      expected = Math.multiplyExact(numel, dtype.byteSize());
    } catch (ArithmeticException e) {
      throw fail(name, "shape " + Arrays.toString(shape) + " of dtype " + dtype + " needs more than 2^63 bytes");
    }
    if (end - begin != expected) {
      throw fail(name, "data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes but dtype " + dtype + " and shape "
          + Arrays.toString(shape) + " need " + expected + " bytes");
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** An array of non-negative integers; {@code length} -1 means any length. */
  private long[] readLongs(String name, String field, JsonNode node, int length) throws SafetensorsException {
    String what = length < 0 ? "an array of non-negative integers" : "an array of " + length + " non-negative integers";
    if (!node.isArray()) {
      throw fail(name, field + " must be " + what + ", found " + node.getNodeType() + " " + preview(node.toString()));
    }
    if (length >= 0 && node.size() != length) {
      throw fail(name, field + " must be " + what + ", found " + node.size() + " values " + preview(node.toString()));
    }
    long[] out = new long[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw fail(name, field + " must be " + what + ", found " + preview(node.toString()) + " (element " + i + " is " + v + ")");
      }
      out[i] = v.longValue();
    }
    return out;
  }

  /** The tensors must cover the data buffer exactly once, as the reference implementation requires. */
  private void checkTiling(List<TensorInfo> tensors, long dataLength) throws SafetensorsException {
    List<TensorInfo> byOffset = new ArrayList<>(tensors);
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long covered = 0;
    TensorInfo previous = null;
    for (TensorInfo t : byOffset) {
      if (t.begin() < covered) {
        throw fail(t.name(), "data bytes [" + t.begin() + ", " + t.end() + ") overlap tensor '" + previous.name() + "' at ["
            + previous.begin() + ", " + previous.end() + "); expected every tensor to have its own bytes");
      }
      if (t.begin() > covered) {
        throw fail(t.name(), "data bytes [" + covered + ", " + t.begin() + ") before this tensor belong to no tensor; expected the tensors"
            + " to cover the data buffer without gaps (as the reference implementation requires)");
      }
      covered = t.end();
      previous = t;
    }
    if (covered != dataLength) {
      throw fail(null, "the last " + (dataLength - covered) + " bytes of the " + dataLength + "-byte data buffer (from offset " + covered
          + ") belong to no tensor; expected the tensors to cover the data buffer exactly");
    }
  }

  private SafetensorsException fail(String tensor, String problem) {
    return new SafetensorsException(file, tensor, problem);
  }

  private SafetensorsException fail(String tensor, String problem, Throwable cause) {
    return new SafetensorsException(file, tensor, problem, cause);
  }

  private static String preview(String s) {
    String oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() <= 60 ? "'" + oneLine + "'" : "'" + oneLine.substring(0, 57) + "...'";
  }
}
