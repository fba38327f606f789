package jdistill.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of malformed file is refused by {@link SafetensorsFile#open} with a message naming
 * the file, the tensor concerned and what was expected; no file object (and so no tensor) is
 * handed out.
 */
class SafetensorsMalformedTest {

  @TempDir Path dir;

  private static final String GOOD_W = "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

  private SafetensorsException rejected(String fileName, byte[] content, String tensor, String... fragments) throws IOException {
    Path file = RawFiles.write(dir.resolve(fileName), content);
    SafetensorsException e = assertThrows(SafetensorsException.class, () -> {
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        throw new AssertionError("opened a malformed file exposing " + f.names());
      }
    });
    String m = e.getMessage();
    assertTrue(m.contains(fileName), "message should name the file: " + m);
    assertEquals(file, e.file());
    assertEquals(tensor, e.tensor(), m);
    if (tensor != null) assertTrue(m.contains("tensor '" + tensor + "'"), "message should name the tensor: " + m);
    for (String f : fragments) assertTrue(m.contains(f), "message should contain \"" + f + "\": " + m);
    return e;
  }

  private SafetensorsException rejected(String fileName, String header, byte[] data, String tensor, String... fragments) throws IOException {
    return rejected(fileName, RawFiles.bytes(header, data), tensor, fragments);
  }

  @Test
  void aValidFileOpens() throws IOException {
    Path file = RawFiles.write(dir.resolve("ok.safetensors"), "{" + GOOD_W + "}", RawFiles.f32(1, 2));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(1, f.size());
    }
  }

  @Test
  void filesShorterThanTheLengthPrefix() throws IOException {
    rejected("empty.safetensors", new byte[0], null, "0 bytes long", "expected at least 8");
    rejected("five.safetensors", new byte[5], null, "5 bytes long", "expected at least 8");
  }

  @Test
  void headerCutShort() throws IOException {
    byte[] full = RawFiles.bytes("{" + GOOD_W + "}", RawFiles.f32(1, 2));
    byte[] cut = java.util.Arrays.copyOf(full, 30);
    rejected("cut.safetensors", cut, null, "header length prefix says " + (full.length - 16) + " bytes", "only 22 bytes follow", "truncated");
  }

  @Test
  void lyingHeaderLengths() throws IOException {
    byte[] h = ("{" + GOOD_W + "}").getBytes(StandardCharsets.UTF_8);
    rejected("huge.safetensors", RawFiles.bytes(-1L, h, RawFiles.f32(1, 2)), null, "18446744073709551615 bytes", "at most 100000000");
    rejected("over.safetensors", RawFiles.bytes(100_000_001L, h, RawFiles.f32(1, 2)), null, "100000001 bytes", "at most 100000000");
    rejected("long.safetensors", RawFiles.bytes(h.length + 9L, h, RawFiles.f32(1, 2)), null,
        "says " + (h.length + 9) + " bytes but only " + (h.length + 8) + " bytes follow");
  }

  @Test
  void offsetsOutsideTheDataBuffer() throws IOException {
    rejected("range.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", RawFiles.f32(1, 2), "w",
        "[4, 12]", "beyond the data buffer", "holds 8 bytes");
    rejected("backwards.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,0]}}", RawFiles.f32(1, 2), "w",
        "[8, 0]", "begin <= end");
    rejected("hugeoffset.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,99999999999999999999]}}",
        RawFiles.f32(1, 2), "w", "data_offsets must be an array of 2 non-negative integers");
  }

  @Test
  void overlappingGappedAndUncoveredBuffers() throws IOException {
    rejected("overlap.safetensors", "{" + GOOD_W + ",\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
        RawFiles.f32(1, 2), "v", "[4, 8) overlap tensor 'w' at [0, 8)");
    rejected("gap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", RawFiles.f32(1, 2, 3), "b",
        "bytes [4, 8)", "belong to no tensor");
    rejected("trailing.safetensors", "{" + GOOD_W + "}", RawFiles.f32(1, 2, 3), null,
        "last 4 bytes of the 12-byte data buffer", "from offset 8", "cover the data buffer exactly");
  }

  @Test
  void byteSizeThatDisagreesWithShapeAndDtype() throws IOException {
    rejected("size.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", RawFiles.f32(1, 2), "w",
        "span 8 bytes", "dtype F32 and shape [3] need 12 bytes");
    rejected("overflow.safetensors", "{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
        RawFiles.f32(1, 2), "w", "more than 2^63 bytes");
  }

  @Test
  void unknownAndUnsupportedDtypes() throws IOException {
    rejected("dtype.safetensors", "{\"w\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}", RawFiles.f32(1, 2), "w",
        "unknown dtype \"F31\"", "expected one of BOOL", "F32");
    rejected("f4.safetensors", "{\"w\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}", new byte[1], "w",
        "dtype F4", "not supported");
    rejected("dtypetype.safetensors", "{\"w\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", RawFiles.f32(1, 2), "w",
        "dtype must be a string", "NUMBER");
  }

  @Test
  void headersThatAreNotJsonObjects() throws IOException {
    rejected("text.safetensors", "{not json", new byte[0], null, "not valid JSON", "line 1");
    rejected("array.safetensors", "[1,2]", new byte[0], null, "JSON object", "found '[1,2]'");
    rejected("blank.safetensors", "", new byte[0], null, "JSON object", "found ''");
    rejected("twice.safetensors", "{} {}", new byte[0], null, "not valid JSON");
    rejected("dup.safetensors", "{" + GOOD_W + "," + GOOD_W + "}", RawFiles.f32(1, 2), null, "not valid JSON", "Duplicate field 'w'");
    byte[] badUtf8 = RawFiles.bytes(8, new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}', ' '}, new byte[0]);
    rejected("utf8.safetensors", badUtf8, null, "not valid UTF-8");
  }

  @Test
  void entriesWithMissingExtraOrMistypedFields() throws IOException {
    rejected("missing.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", RawFiles.f32(1, 2), "w",
        "exactly the fields dtype, shape and data_offsets", "missing [data_offsets]");
    rejected("extra.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"stride\":[1]}}",
        RawFiles.f32(1, 2), "w", "unexpected [stride]");
    rejected("notobject.safetensors", "{\"w\":[1,2]}", new byte[0], "w", "must be a JSON object", "ARRAY");
    rejected("offsets3.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4,8]}}", RawFiles.f32(1, 2), "w",
        "data_offsets must be an array of 2 non-negative integers", "found 3 values");
    rejected("shapestring.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", RawFiles.f32(1, 2), "w",
        "shape must be an array of non-negative integers", "STRING");
  }

  @Test
  void negativeOrFractionalShapes() throws IOException {
    rejected("negative.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", RawFiles.f32(1, 2), "w",
        "shape must be an array of non-negative integers", "element 0 is -2");
    rejected("fraction.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", RawFiles.f32(1, 2), "w",
        "shape must be an array of non-negative integers", "element 0 is 2.0");
    rejected("negoffset.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", RawFiles.f32(1, 2), "w",
        "data_offsets must be an array of 2 non-negative integers", "element 0 is -8");
  }

  @Test
  void metadataMustMapStringsToStrings() throws IOException {
    rejected("metanum.safetensors", "{\"__metadata__\":{\"epoch\":3}," + GOOD_W + "}", RawFiles.f32(1, 2), null,
        "metadata entry 'epoch' must be a string", "NUMBER");
    rejected("metaarray.safetensors", "{\"__metadata__\":[\"a\"]," + GOOD_W + "}", RawFiles.f32(1, 2), null,
        "\"__metadata__\" must be a JSON object", "ARRAY");
  }

  @Test
  void aMissingFileIsAnIoErrorNamingIt() {
    Path file = dir.resolve("absent.safetensors");
    var e = assertThrows(IOException.class, () -> SafetensorsFile.open(file));
    assertTrue(e.getMessage().contains("absent.safetensors"), e.getMessage());
  }

  @Test
  void paddingAndWhitespaceInTheHeaderAreAccepted() throws IOException {
    String header = "{ \"w\" : {\"dtype\":\"F32\", \"shape\":[2], \"data_offsets\":[0,8]} }\n    ";
    Path file = RawFiles.write(dir.resolve("spaces.safetensors"), header, RawFiles.f32(1, 2));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(header.getBytes(StandardCharsets.UTF_8).length, f.headerLength());
      assertEquals(8 + f.headerLength(), f.dataStart());
      assertEquals(Files.size(file) - 8, f.dataStart() + f.info("w").byteSize() - 8);
    }
  }
}
