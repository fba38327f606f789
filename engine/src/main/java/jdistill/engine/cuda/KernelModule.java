package jdistill.engine.cuda;

import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;

/**
 * The kernels loaded into one context: the fatbin of {@link KernelImage} as one module, and a
 * cache of its functions by name (each looked up once).
 */
final class KernelModule implements AutoCloseable {

  /** CUDA_ERROR_NO_BINARY_FOR_GPU. */
  private static final int NO_BINARY_FOR_GPU = 209;
  /** CUDA_ERROR_NOT_FOUND. */
  private static final int NOT_FOUND = 500;
  /** Dynamic shared memory a kernel may use without opting in. */
  static final int DEFAULT_SHARED_LIMIT = 48 * 1024;

  private final CudaContext ctx;
  private final KernelImage image;
  private final CUmodule module;
  private final ConcurrentHashMap<String, CUfunction> functions = new ConcurrentHashMap<>();
  private final Set<String> sharedRaised = ConcurrentHashMap.newKeySet();

  private KernelModule(CudaContext ctx, KernelImage image, CUmodule module) {
    this.ctx = ctx;
    this.image = image;
    this.module = module;
  }

  /** Loads {@code image} into {@code ctx}. */
  static KernelModule load(CudaContext ctx, KernelImage image) {
    ctx.makeCurrent();
    CUmodule module = new CUmodule();
    int r = cuModuleLoadData(module, image.fatbin());
    if (r == NO_BINARY_FOR_GPU) {
      throw new CudaUnavailableException("the CUDA kernels have no code for " + ctx.describe() + ": the " + image.describe()
          + "; rebuild the kernels with an nvcc that targets this GPU (./mvnw -pl kernels,engine package)");
    }
    Driver.check(r, "cuModuleLoadData(jdistill.fatbin, " + image.fatbin().length + " bytes) on " + ctx.describe());
    return new KernelModule(ctx, image, module);
  }

  /** The kernel {@code name}, looked up once. */
  CUfunction function(String name) {
    CUfunction f = functions.get(name);
    if (f != null) return f;
    return functions.computeIfAbsent(name, n -> {
      ctx.makeCurrent();
      CUfunction fn = new CUfunction();
      int r = cuModuleGetFunction(fn, module, n);
      if (r == NOT_FOUND) {
        throw new CudaException(r, "kernel '" + n + "' is not in jdistill.fatbin (" + image.describe()
            + "): the engine and the kernels are out of step; rebuild both with ./mvnw -pl kernels,engine package");
      }
      Driver.check(r, "cuModuleGetFunction(" + n + ")");
      return fn;
    });
  }

  /** Lets {@code name} use {@code bytes} of dynamic shared memory (needed above 48 KB). */
  void allowShared(String name, CUfunction f, int bytes) {
    if (bytes <= DEFAULT_SHARED_LIMIT || !sharedRaised.add(name + "@" + bytes)) return;
    Driver.check(cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
        "cuFuncSetAttribute(" + name + ", max dynamic shared memory " + bytes + ")");
  }

  /** What was loaded, for logs. */
  String describe() {
    return image.describe();
  }

  @Override
  public void close() {
    ctx.makeCurrent();
    cuModuleUnload(module);
  }
}
