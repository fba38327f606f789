/**
 * The CUDA backend: the {@link jdistill.engine.backend.Backend} op set on an NVIDIA GPU through the
 * JCuda driver API, running the project's own kernels (module {@code kernels}, packed as the
 * classpath resource {@code /jdistill/kernels/jdistill.fatbin}).
 *
 * <p>Layers, bottom up:
 *
 * <ul>
 *   <li>{@link jdistill.engine.cuda.CudaContext}: the device's primary context, a compute stream
 *       (every kernel, in order) and a copy stream (host transfers); clear errors when there is
 *       no driver or device.
 *   <li>{@link jdistill.engine.cuda.CachingAllocator} over {@link jdistill.engine.cuda.DeviceMemory}:
 *       size classes, reuse of freed blocks, statistics, retry after emptying the cache on OOM;
 *       {@link jdistill.engine.cuda.CudaStorage} holds one block.
 *   <li>{@link jdistill.engine.cuda.Transfers} and {@link jdistill.engine.cuda.PinnedBuffer}:
 *       host-device copies staged through pinned memory, ordered with the compute stream by events.
 *   <li>{@link jdistill.engine.cuda.KernelImage} and {@link jdistill.engine.cuda.KernelModule}: the
 *       fatbin and its functions by name.
 *   <li>{@link jdistill.engine.cuda.KernelArgs} and {@link jdistill.engine.cuda.Grid}: one launch's
 *       parameters (typed, so tests can check them against the kernels' signatures) and shape.
 *   <li>The op families ({@code CudaPointwise}, {@code CudaReduce}, {@code CudaMatmul}, {@code
 *       CudaNn}, {@code CudaIndexing}, {@code CudaLosses}, {@code CudaAdamW}), written against
 *       {@link jdistill.engine.cuda.CudaExec} so that they run without a GPU in tests.
 *   <li>{@link jdistill.engine.cuda.CudaBackend}: ties them together.
 * </ul>
 *
 * <p>System properties: {@code jdistill.cuda.sync=true} synchronises after every launch and names
 * the failing kernel; {@code jdistill.cuda.f32gemm=tf32|fp32} picks the F32 GEMM path.
 *
 * <p>Tests: the ones without a GPU run everywhere (the launch checks read the kernel sources from
 * {@code ../kernels/src/main/cuda} or {@code -Djdistill.kernels.src}); the parity tests are tagged
 * {@code gpu} and skip themselves without a device ({@code -Djdistill.test.gpuDryRun=true} runs
 * them against the CPU to check the tests themselves).
 */
package jdistill.engine.cuda;
