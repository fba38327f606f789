// Dropout mask from the counter-based RNG: element i is 1/(1-p) when
// CounterRng.uniform(seed, offset + i) >= p, else 0, so the CPU and every launch shape draw the
// same mask.
#include "common.cuh"

namespace jd {

template <typename T> __device__ void dropout_mask_body(i64 n, u64 seed, u64 offset, double p, T* mask) {
  const T keep = from_f<T>((float)(1.0 / (1.0 - p)));
  const T drop = from_f<T>(0.f);
  for (i64 i = global_tid(); i < n; i += global_threads())
    mask[i] = (double)rng_uniform(seed, offset + (u64)i) >= p ? keep : drop;
}

}  // namespace jd

using namespace jd;

extern "C" __global__ void dropout_mask_f32(i64 n, u64 seed, u64 offset, double p, float* mask) {
  dropout_mask_body<float>(n, seed, offset, p, mask);
}
extern "C" __global__ void dropout_mask_bf16(i64 n, u64 seed, u64 offset, double p, __nv_bfloat16* mask) {
  dropout_mask_body<__nv_bfloat16>(n, seed, offset, p, mask);
}
