package jdistill.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, independently of the writer under test. */
final class RawFiles {

  private RawFiles() {}

  /** The 8-byte length prefix, the header bytes as given (no padding) and the data. */
  static byte[] bytes(String headerJson, byte[] data) {
    byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
    return bytes(header.length, header, data);
  }

  /** A file whose length prefix is {@code declaredLength}, whatever the header really holds. */
  static byte[] bytes(long declaredLength, byte[] header, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(declaredLength).put(header).put(data);
    return b.array();
  }

  static Path write(Path file, String headerJson, byte[] data) throws IOException {
    return Files.write(file, bytes(headerJson, data));
  }

  static Path write(Path file, byte[] content) throws IOException {
    return Files.write(file, content);
  }

  /** Little-endian bytes of the given floats. */
  static byte[] f32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) b.putFloat(x);
    return b.array();
  }

  /** Little-endian bytes of the given longs. */
  static byte[] i64(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) b.putLong(x);
    return b.array();
  }

  /** Little-endian bytes of the given shorts. */
  static byte[] i16(int... v) {
    ByteBuffer b = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) b.putShort((short) x);
    return b.array();
  }

  /** Little-endian bytes of the given ints. */
  static byte[] i32(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int x : v) b.putInt(x);
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) b.put(p);
    return b.array();
  }
}
