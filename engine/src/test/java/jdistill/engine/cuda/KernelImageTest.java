package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class KernelImageTest {

  private static Function<String, InputStream> resources(Map<String, byte[]> files) {
    return name -> files.containsKey(name) ? new ByteArrayInputStream(files.get(name)) : null;
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void notBuiltSaysWhyAndHowToBuild() {
    Map<String, byte[]> files = new HashMap<>();
    files.put(KernelImage.BUILD_INFO, text("built=false\nreason=nvcc was not on the PATH when the project was built\n"));
    CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> KernelImage.load(resources(files)));
    assertEquals("CUDA kernels were not built: nvcc was not on the PATH when the project was built; "
        + "install the CUDA toolkit (nvcc on PATH) and rebuild with ./mvnw -pl kernels,engine package", e.getMessage());
  }

  @Test
  void notBuiltWithoutReason() {
    Map<String, byte[]> files = Map.of(KernelImage.BUILD_INFO, text("nvcc=none\n"));
    CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> KernelImage.load(resources(files)));
    assertTrue(e.getMessage().startsWith("CUDA kernels were not built: build-info.properties says built=<missing>;"), e.getMessage());
  }

  @Test
  void missingBuildInfoNamesTheResource() {
    CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> KernelImage.load(resources(Map.of())));
    assertTrue(e.getMessage().contains("/jdistill/kernels/build-info.properties not found"), e.getMessage());
    assertTrue(e.getMessage().contains("./mvnw -pl kernels,engine package"), e.getMessage());
  }

  @Test
  void builtButFatbinMissing() {
    Map<String, byte[]> files = Map.of(KernelImage.BUILD_INFO, text("built=true\n"));
    CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> KernelImage.load(resources(files)));
    assertTrue(e.getMessage().contains("says built=true but /jdistill/kernels/jdistill.fatbin is missing"), e.getMessage());
  }

  @Test
  void builtImageIsRead() {
    byte[] fatbin = {0x50, (byte) 0xed, 0x55, (byte) 0xba, 1, 2, 3};
    Map<String, byte[]> files = Map.of(
        KernelImage.BUILD_INFO, text("built=true\nnvcc=Build cuda_13.0\narchitectures=sm_80,sm_90,compute_90\nsources=a.cu b.cu \n"),
        KernelImage.FATBIN, fatbin);
    KernelImage image = KernelImage.load(resources(files));
    assertArrayEquals(fatbin, image.fatbin());
    assertEquals("fatbin of 7 bytes built by Build cuda_13.0 for sm_80,sm_90,compute_90 from a.cu b.cu", image.describe());
  }

  @Test
  void classpathImageMatchesItsBuildInfo() {
    // whatever this build produced (with or without nvcc), load() must agree with build-info
    try (InputStream in = KernelImage.class.getResourceAsStream(KernelImage.BUILD_INFO)) {
      if (in == null) return; // kernels jar not on the test classpath: covered by the fake tests
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      if ("true".equals(p.getProperty("built"))) {
        assertTrue(KernelImage.load().fatbin().length > 0);
      } else {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, KernelImage::load);
        assertTrue(e.getMessage().startsWith("CUDA kernels were not built: "), e.getMessage());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
