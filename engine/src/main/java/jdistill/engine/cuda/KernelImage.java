package jdistill.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.function.Function;

/**
 * The compiled kernels as the build packed them: {@code /jdistill/kernels/jdistill.fatbin} and
 * {@code /jdistill/kernels/build-info.properties} (built=true|false, reason=..., nvcc=...,
 * architectures=..., sources=...) on the classpath. Reading it needs no GPU; it fails with a
 * message that says how to build the kernels when they are missing.
 *
 * @param fatbin the fatbin bytes, as cuModuleLoadData takes them
 * @param info the build-info properties
 */
public record KernelImage(byte[] fatbin, Properties info) {

  /** Classpath resource of the fatbin. */
  public static final String FATBIN = "/jdistill/kernels/jdistill.fatbin";
  /** Classpath resource of the build information. */
  public static final String BUILD_INFO = "/jdistill/kernels/build-info.properties";

  static final String REBUILD = "install the CUDA toolkit (nvcc on PATH) and rebuild with ./mvnw -pl kernels,engine package";

  /** Reads the image from this class's class loader. */
  public static KernelImage load() {
    return load(KernelImage.class::getResourceAsStream);
  }

  /**
   * Reads the image through {@code resources} (resource name to stream, null when absent).
   *
   * @throws CudaUnavailableException when the kernels were not built or are not on the classpath
   */
  public static KernelImage load(Function<String, InputStream> resources) {
    Properties info = new Properties();
    try (InputStream in = resources.apply(BUILD_INFO)) {
      if (in == null) {
        throw new CudaUnavailableException("CUDA kernels are not on the classpath: resource " + BUILD_INFO
            + " not found (is the jdistill-kernels jar on the classpath?); " + REBUILD);
      }
      info.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BUILD_INFO, e);
    }
    String built = info.getProperty("built", "").trim();
    if (!built.equals("true")) {
      String reason = info.getProperty("reason", "build-info.properties says built=" + (built.isEmpty() ? "<missing>" : built)).trim();
      throw new CudaUnavailableException("CUDA kernels were not built: " + reason + "; " + REBUILD);
    }
    byte[] bytes;
    try (InputStream in = resources.apply(FATBIN)) {
      if (in == null) {
        throw new CudaUnavailableException("CUDA kernels are incomplete: " + BUILD_INFO + " says built=true but " + FATBIN + " is missing; " + REBUILD);
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + FATBIN, e);
    }
    if (bytes.length == 0) {
      throw new CudaUnavailableException("CUDA kernels are incomplete: " + FATBIN + " is empty; " + REBUILD);
    }
    return new KernelImage(bytes, info);
  }

  /** What the build recorded, for messages: "nvcc ..., architectures ..., sources ...". */
  public String describe() {
    return "fatbin of " + fatbin.length + " bytes built by " + info.getProperty("nvcc", "an unknown nvcc") + " for "
        + info.getProperty("architectures", "unknown architectures") + " from " + info.getProperty("sources", "unknown sources").trim();
  }
}
