package jdistill.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Checks what the kernels module packs: with nvcc on the PATH, a non-empty fatbin holding every
 * kernel that ABI.md documents and build-info saying built=true; without nvcc, no fatbin and
 * build-info saying built=false with a reason the CUDA backend can show.
 */
class FatbinResourceTest {

  private static final String FATBIN = "/jdistill/kernels/jdistill.fatbin";
  private static final String INFO = "/jdistill/kernels/build-info.properties";
  private static final Path ABI = Path.of("src/main/cuda/ABI.md");
  private static final Pattern KERNEL_ROW = Pattern.compile("^\\| `([a-z0-9_]+)` \\|");

  /** Whether the build script would have found nvcc (NVCC variable or an executable on the PATH). */
  private static boolean nvccAvailable() {
    String explicit = System.getenv("NVCC");
    if (explicit != null && !explicit.isBlank()) return new File(explicit).canExecute();
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && new File(dir, "nvcc").canExecute()) return true;
    }
    return false;
  }

  private static Properties buildInfo() throws IOException {
    try (InputStream in = FatbinResourceTest.class.getResourceAsStream(INFO)) {
      assertNotNull(in, "build-info resource " + INFO + " is missing: build-fatbin.sh did not run");
      Properties p = new Properties();
      p.load(in);
      return p;
    }
  }

  private static byte[] fatbin() throws IOException {
    try (InputStream in = FatbinResourceTest.class.getResourceAsStream(FATBIN)) {
      return in == null ? null : in.readAllBytes();
    }
  }

  /** Kernel names listed in the table of ABI.md's "## Kernel index" section. */
  private static List<String> documentedKernels() throws IOException {
    List<String> names = new ArrayList<>();
    boolean inIndex = false;
    for (String line : Files.readAllLines(ABI, StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) inIndex = line.equals("## Kernel index");
      if (!inIndex) continue;
      Matcher m = KERNEL_ROW.matcher(line);
      if (m.find()) names.add(m.group(1));
    }
    return names;
  }

  @Test
  void buildInfoMatchesWhetherNvccIsPresent() throws IOException {
    Properties info = buildInfo();
    byte[] fatbin = fatbin();
    if (nvccAvailable()) {
      assertEquals("true", info.getProperty("built"), "nvcc is on the PATH but build-info says " + info);
      assertNotNull(fatbin, "nvcc is on the PATH but " + FATBIN + " is not on the classpath");
      assertTrue(fatbin.length > 1024, "fatbin is only " + fatbin.length + " bytes");
      assertTrue(info.getProperty("architectures", "").contains("sm_90"), "build-info architectures: " + info);
    } else {
      assertEquals("false", info.getProperty("built"), "nvcc is absent but build-info says " + info);
      String reason = info.getProperty("reason");
      assertTrue(reason != null && !reason.isBlank(), "build-info has no reason for the missing fatbin: " + info);
      assertNull(fatbin, "nvcc is absent but a stale fatbin is on the classpath");
    }
  }

  @Test
  void abiIndexListsKernelsWithoutDuplicates() throws IOException {
    List<String> names = documentedKernels();
    assertTrue(names.size() > 50, "ABI.md index lists only " + names.size() + " kernels");
    assertEquals(names.size(), names.stream().distinct().count(), "ABI.md index lists a kernel twice: " + names);
  }

  @Test
  void everyDocumentedKernelIsInTheFatbin() throws IOException {
    byte[] fatbin = fatbin();
    if (fatbin == null) return;  // no nvcc: covered by buildInfoMatchesWhetherNvccIsPresent
    // one char per byte, so indexOf finds byte sequences
    String bytes = new String(fatbin, StandardCharsets.ISO_8859_1);
    List<String> missing = new ArrayList<>();
    for (String name : documentedKernels()) {
      // entry names appear NUL-terminated in the ELF string tables of the embedded cubins
      if (!bytes.contains(name + "\0")) missing.add(name);
    }
    assertTrue(missing.isEmpty(), "kernels documented in ABI.md but absent from the fatbin: " + missing);
    assertFalse(documentedKernels().isEmpty());
  }
}
