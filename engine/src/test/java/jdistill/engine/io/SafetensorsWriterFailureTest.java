package jdistill.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer replaces a file atomically: an existing file is untouched until the final rename, and a failure leaves nothing behind. */
class SafetensorsWriterFailureTest {

  @TempDir Path dir;
  Path target;
  byte[] original;

  @BeforeEach
  void writeOriginal() throws IOException {
    target = dir.resolve("model.safetensors");
    Safetensors.save(target, Map.of("old", Tensor.of(new float[] {9, 9}, 2)), Map.of("version", "1"));
    original = Files.readAllBytes(target);
  }

  private List<Path> dirListing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void theTargetIsUntouchedUntilTheRename() throws IOException {
    Map<String, Tensor> next = new LinkedHashMap<>();
    next.put("a", Tensor.ofLongs(new long[] {1, 2}, 2));
    next.put("b", Tensor.of(new float[] {3, 4, 5}, 3));
    List<String> seen = new ArrayList<>();
    SafetensorsWriter.write(target, next, Map.of("version", "2"), (name, tmp) -> {
      seen.add(name);
      try {
        assertArrayEquals(original, Files.readAllBytes(target), "target changed before the rename (after " + name + ")");
        assertEquals(dir, tmp.getParent(), "temporary file should live beside the target");
        assertTrue(Files.exists(tmp));
        assertEquals(List.of(tmp, target), dirListing());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    assertEquals(List.of("a", "b"), seen);
    assertEquals(List.of(target), dirListing(), "no temporary file left behind");
    try (SafetensorsFile f = Safetensors.open(target)) {
      assertEquals(Map.of("version", "2"), f.metadata());
      assertArrayEquals(new float[] {3, 4, 5}, f.tensor("b").toFloatArray());
    }
  }

  @Test
  void aTensorFailingMidwayLeavesNoPartialFileAndTheOldOneIntact() throws IOException {
    Map<String, Tensor> next = new LinkedHashMap<>();
    next.put("first", Tensor.ofLongs(new long[] {1, 2, 3}, 3)); // I64: written before the F32 below
    Tensor released = Tensor.of(new float[] {1, 2}, 2);
    released.storage().release();
    next.put("second", released);
    List<String> written = new ArrayList<>();
    var e = assertThrows(IllegalStateException.class,
        () -> SafetensorsWriter.write(target, next, Map.of(), (name, tmp) -> written.add(name)));
    assertTrue(e.getMessage().contains("released"), e.getMessage());
    assertEquals(List.of("first"), written, "the failure should come after some data was written");
    assertArrayEquals(original, Files.readAllBytes(target));
    assertEquals(List.of(target), dirListing());
  }

  @Test
  void aFailingRenameLeavesNoTemporaryFile() throws IOException {
    Path blocked = Files.createDirectory(dir.resolve("blocked.safetensors"));
    Files.writeString(blocked.resolve("inside"), "x");
    assertThrows(IOException.class, () -> Safetensors.save(blocked, Map.of("x", Tensor.of(new float[] {1}, 1))));
    assertEquals(List.of(blocked, target), dirListing());
  }

  @Test
  void invalidInputsAreRefusedBeforeAnythingIsWritten() throws IOException {
    var reserved = assertThrows(SafetensorsException.class,
        () -> Safetensors.save(target, Map.of("__metadata__", Tensor.of(new float[] {1}, 1))));
    assertTrue(reserved.getMessage().contains("model.safetensors") && reserved.getMessage().contains("reserved"), reserved.getMessage());
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("k", null);
    var nullMeta = assertThrows(SafetensorsException.class, () -> Safetensors.save(target, Map.of("x", Tensor.of(new float[] {1}, 1)), meta));
    assertTrue(nullMeta.getMessage().contains("metadata entry k"), nullMeta.getMessage());
    Map<String, Tensor> nullTensor = new LinkedHashMap<>();
    nullTensor.put("x", null);
    var nt = assertThrows(SafetensorsException.class, () -> Safetensors.save(target, nullTensor));
    assertEquals("x", nt.tensor());
    assertArrayEquals(original, Files.readAllBytes(target));
    assertEquals(List.of(target), dirListing());
  }

  @Test
  void overwritingAnOpenFileKeepsTheOpenMappingReadable() throws IOException {
    try (SafetensorsFile open = Safetensors.open(target)) {
      Safetensors.save(target, Map.of("new", Tensor.of(new float[] {1}, 1)));
      assertArrayEquals(new float[] {9, 9}, open.tensor("old").toFloatArray());
    }
    assertEquals(List.of("new"), List.copyOf(Safetensors.load(target, Device.CPU).keySet()));
  }
}
