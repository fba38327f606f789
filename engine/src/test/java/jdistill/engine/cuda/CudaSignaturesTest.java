package jdistill.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CudaSignaturesTest {

  @Test
  void preprocessorExpandsPastedMacroEntries() {
    String src = """
        // comment with extern "C" __global__ void fake(int x)
        #define PARAMS const void* a, i64 n, \\
            float alpha
        #define ENTRY(SUFFIX, T) \\
          extern "C" __global__ void k_##SUFFIX(int op, const T* x, Dims8 s) { } \\
          extern "C" __global__ void __launch_bounds__(256, 2) g_##SUFFIX(PARAMS) { }
        ENTRY(f32, float)
        ENTRY(bf16, __nv_bfloat16)
        #undef ENTRY
        extern "C" __global__ void plain(u64 seed,
                                         double p, int* err) {}
        """;
    String out = CudaSignatures.preprocess(src);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("void\\s+(?:__launch_bounds__\\([^)]*\\)\\s*)?(\\w+)\\s*\\(([^)]*)\\)").matcher(out);
    StringBuilder found = new StringBuilder();
    while (m.find()) {
      found.append(m.group(1)).append(CudaSignatures.kinds(m.group(1), m.group(2), Path.of("x.cu"))).append(';');
    }
    assertEquals("k_f32[I32, PTR, DIMS8];g_f32[PTR, I64, F32];k_bf16[I32, PTR, DIMS8];g_bf16[PTR, I64, F32];plain[I64, F64, PTR];", found.toString());
  }

  @Test
  void realSourcesParse() {
    Path dir = CudaSignatures.sourceDir();
    assumeTrue(dir != null, "kernel sources not found (set -Djdistill.kernels.src)");
    Map<String, List<KernelArgs.Kind>> sigs = CudaSignatures.read(dir);
    assertEquals(List.of(KernelArgs.Kind.I32, KernelArgs.Kind.I64, KernelArgs.Kind.PTR, KernelArgs.Kind.PTR), sigs.get("unary_f32"));
    assertEquals(List.of(KernelArgs.Kind.I64, KernelArgs.Kind.PTR, KernelArgs.Kind.I32, KernelArgs.Kind.F64), sigs.get("fill"));
    assertEquals(22, sigs.get("gemm_tf32_nt").size());
  }
}
