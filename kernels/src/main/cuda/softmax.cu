// Softmax and log-softmax over contiguous rows [rows, n], forward and backward.
//
// Forward makes two passes over a row: an online (max, sum of exp) pass, then the write pass, so
// the row is read twice and written once whatever its length. Two launch shapes: one block per
// row (`softmax_*`, long rows such as a vocabulary) and one warp per row (`softmax_warp_*`, rows up
// to a few thousand, e.g. attention scores); both are correct for any n.
#include "common.cuh"

namespace jd {

template <bool WARP, typename T>
__device__ void softmax_rows(i64 rows, i64 n, const T* x, T* out, int log_softmax) {
  typedef Group<WARP> G;
  __shared__ float scratch[64];
  const int rank = G::rank(), gsize = G::size();
  const i64 groups_per_block = WARP ? (blockDim.x >> 5) : 1;
  const i64 first = (i64)blockIdx.x * groups_per_block + (WARP ? (threadIdx.x >> 5) : 0);
  const i64 stride = (i64)gridDim.x * groups_per_block;
  for (i64 r = first; r < rows; r += stride) {
    const T* xr = x + r * n;
    T* orow = out + r * n;
    MaxSum ms = maxsum_init();
    row_for_each(xr, n, rank, gsize, [&](i64, float v) { maxsum_add(ms, v); });
    ms = G::maxsum(ms, scratch);
    if (log_softmax) {
      const float lse = ms.m + logf(ms.s);
      row_map(xr, orow, n, rank, gsize, [&](i64, float v) { return v - lse; });
    } else {
      const float m = ms.m, inv = 1.f / ms.s;
      row_map(xr, orow, n, rank, gsize, [&](i64, float v) { return expf(v - m) * inv; });
    }
  }
}

// softmax: dx = y * (dy - sum(dy * y));  log-softmax: dx = dy - exp(y) * sum(dy).
template <bool WARP, typename T>
__device__ void softmax_backward_rows(i64 rows, i64 n, const T* y, const T* dy, T* dx, int log_softmax) {
  typedef Group<WARP> G;
  __shared__ float scratch[64];
  const int rank = G::rank(), gsize = G::size();
  const i64 groups_per_block = WARP ? (blockDim.x >> 5) : 1;
  const i64 first = (i64)blockIdx.x * groups_per_block + (WARP ? (threadIdx.x >> 5) : 0);
  const i64 stride = (i64)gridDim.x * groups_per_block;
  for (i64 r = first; r < rows; r += stride) {
    const T* yr = y + r * n;
    const T* dyr = dy + r * n;
    T* dxr = dx + r * n;
    float acc = 0.f;
    if (log_softmax) row_for_each(dyr, n, rank, gsize, [&](i64, float g) { acc += g; });
    else row_for_each2(yr, dyr, n, rank, gsize, [&](i64, float v, float g) { acc += v * g; });
    const float s = G::sum(acc, scratch);
    if (log_softmax) row_map2(yr, dyr, dxr, n, rank, gsize, [&](i64, float v, float g) { return g - expf(v) * s; });
    else row_map2(yr, dyr, dxr, n, rank, gsize, [&](i64, float v, float g) { return v * (g - s); });
  }
}

}  // namespace jd

using namespace jd;

#define JD_SOFTMAX_ENTRIES(SUFFIX, T)                                                                             \
  extern "C" __global__ void softmax_##SUFFIX(i64 rows, i64 n, const T* x, T* out, int log_softmax) {            \
    softmax_rows<false, T>(rows, n, x, out, log_softmax);                                                         \
  }                                                                                                               \
  extern "C" __global__ void softmax_warp_##SUFFIX(i64 rows, i64 n, const T* x, T* out, int log_softmax) {       \
    softmax_rows<true, T>(rows, n, x, out, log_softmax);                                                          \
  }                                                                                                               \
  extern "C" __global__ void softmax_backward_##SUFFIX(i64 rows, i64 n, const T* y, const T* dy, T* dx,          \
                                                       int log_softmax) {                                         \
    softmax_backward_rows<false, T>(rows, n, y, dy, dx, log_softmax);                                             \
  }                                                                                                               \
  extern "C" __global__ void softmax_backward_warp_##SUFFIX(i64 rows, i64 n, const T* y, const T* dy, T* dx,     \
                                                            int log_softmax) {                                    \
    softmax_backward_rows<true, T>(rows, n, y, dy, dx, log_softmax);                                              \
  }

JD_SOFTMAX_ENTRIES(f32, float)
JD_SOFTMAX_ENTRIES(bf16, __nv_bfloat16)
#undef JD_SOFTMAX_ENTRIES
