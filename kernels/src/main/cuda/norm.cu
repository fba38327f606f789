// Sum of squares of buffers, for the global gradient norm, in two deterministic passes:
// sumsq_partial writes one fp32 partial per block (grid-stride, fixed block tree); sumsq_finish
// adds a run of partials in a fixed order (in double) into out[0]. For many tensors, give each
// tensor's partial launch its own slice of one partials buffer and finish once over all of them.
#include "common.cuh"

namespace jd {

template <typename T> __device__ void sumsq_partial_body(i64 n, const T* x, float* partials) {
  __shared__ float scratch[64];
  float acc = 0.f;
  constexpr int VN = Vec16<T>::N;
  const i64 tid = global_tid(), nt = global_threads();
  i64 start = 0;
  if (aligned16(x)) {
    const i64 nv = n / VN;
    for (i64 i = tid; i < nv; i += nt) {
      Vec16<T> v = load16(x + i * VN);
#pragma unroll
      for (int j = 0; j < VN; ++j) {
        const float f = to_f(v.e[j]);
        acc += f * f;
      }
    }
    start = nv * VN;
  }
  for (i64 i = start + tid; i < n; i += nt) {
    const float f = to_f(x[i]);
    acc += f * f;
  }
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

}  // namespace jd

using namespace jd;

extern "C" __global__ void sumsq_partial_f32(i64 n, const float* x, float* partials) { sumsq_partial_body<float>(n, x, partials); }
extern "C" __global__ void sumsq_partial_bf16(i64 n, const __nv_bfloat16* x, float* partials) {
  sumsq_partial_body<__nv_bfloat16>(n, x, partials);
}

// out[0] = (accumulate ? out[0] : 0) + sum(partials[0..nparts)). One block (any multiple of 32 up to 1024).
extern "C" __global__ void sumsq_finish(i64 nparts, const float* partials, float* out, int accumulate) {
  __shared__ double scratch[32];
  double acc = 0.0;
  for (i64 i = threadIdx.x; i < nparts; i += blockDim.x) acc += (double)partials[i];
  acc = block_sum_d(acc, scratch);
  if (threadIdx.x == 0) out[0] = (float)((accumulate ? (double)out[0] : 0.0) + acc);
}
