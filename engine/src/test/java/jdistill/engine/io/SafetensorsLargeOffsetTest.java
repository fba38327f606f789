package jdistill.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offsets beyond 2^31 are read exactly: a sparse file (a hole of more than 2 GiB, costing no disk
 * space) holds a huge tensor followed by small ones at its very end. Skipped where the file system
 * is not known to support sparse files.
 */
class SafetensorsLargeOffsetTest {

  private static final Set<String> SPARSE_FILE_SYSTEMS =
      Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs", "overlay", "f2fs", "bcachefs", "apfs", "ntfs", "jfs", "reiserfs");

  @TempDir Path dir;

  @Test
  void tensorsBeyondTwoGibibytesAreReadFromTheRightPlace() throws IOException {
    String fs = Files.getFileStore(dir).type().toLowerCase(Locale.ROOT);
    assumeTrue(SPARSE_FILE_SYSTEMS.contains(fs), "file system " + fs + " is not known to support sparse files");

    long rows = 65536;
    long cols = 32769;
    long big = rows * cols; // U8 elements: 2^31 + 65536 bytes
    String header = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + rows + "," + cols + "],\"data_offsets\":[0," + big + "]},"
        + "\"tail\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + big + "," + (big + 12) + "]},"
        + "\"last\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[" + (big + 12) + "," + (big + 20) + "]}}";
    byte[] prefix = RawFiles.bytes(header, new byte[0]);
    byte[] tail = RawFiles.concat(RawFiles.f32(1.25f, -2f, 3e9f), RawFiles.i64(Long.MIN_VALUE + 7));
    long dataStart = prefix.length;

    Path file = dir.resolve("sparse.safetensors");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
      ch.write(ByteBuffer.wrap(prefix), 0);
      ch.write(ByteBuffer.wrap(tail), dataStart + big);
    }
    try {
      assertEquals(dataStart + big + 20, Files.size(file));
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        assertEquals(List.of("big", "tail", "last"), f.names());
        assertEquals(big, f.info("tail").begin());
        assertEquals(big, f.info("big").byteSize());
        assertArrayEquals(new float[] {1.25f, -2f, 3e9f}, f.tensor("tail").toFloatArray());
        assertArrayEquals(new long[] {Long.MIN_VALUE + 7}, f.tensor("last").toLongArray());
        MemorySegment seg = f.segment("big");
        assertEquals(big, seg.byteSize());
        assertEquals(0, seg.get(ValueLayout.JAVA_BYTE, big - 1));
        MemorySegment tailSeg = f.segment("tail");
        assertEquals(1.25f, tailSeg.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
