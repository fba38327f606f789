package jdistill.engine.cuda;

/**
 * Finds out, without a compile-time dependency, whether JCublas (org.jcuda:jcublas) is on the
 * classpath and its native library loads (it needs libcublas.so.12, which CUDA 13 machines lack).
 * The backend logs the answer next to the GEMM path it uses; its products always run on the
 * project's own kernels, so a missing or broken cuBLAS never stops it.
 */
final class CublasProbe {

  private CublasProbe() {}

  /** "cuBLAS available (JCublas2 loaded)" or why not, in one line. */
  static String probe() {
    Class<?> c;
    try {
      c = Class.forName("jcuda.jcublas.JCublas2", false, CublasProbe.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return "cuBLAS not probed further: org.jcuda:jcublas is not on the classpath";
    }
    try {
      // class initialisation loads the native library (and libcublas with it)
      Class.forName(c.getName(), true, c.getClassLoader());
      c.getMethod("initialize").invoke(null);
      return "cuBLAS available (JCublas2 loaded), not used: GEMMs run on the project's kernels";
    } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
      return "cuBLAS unavailable: JCublas2 is on the classpath but cannot load (" + CudaContext.rootMessage(e) + ")";
    }
  }
}
