// Layer norm over the last dim of contiguous rows [rows, D]: forward (writing per-row mean and
// rstd in fp32) and backward. Variance is the biased one (divide by D), computed as the mean of
// squared deviations (a second pass over the row, which stays in L1/L2) rather than E[x^2]-mean^2.
//
// Backward is deterministic without float atomics: dx per row; dweight/dbias first as per-slice
// column partials [P, D] (slice p = a fixed range of rows, summed in a fixed order), then a finish
// kernel that adds the P partials of each column in order into dweight/dbias.
#include "common.cuh"

namespace jd {

template <bool WARP, typename T>
__device__ void layernorm_rows(i64 rows, i64 d, const T* x, const T* w, const T* b, float eps, T* out, float* mean_out,
                               float* rstd_out) {
  typedef Group<WARP> G;
  __shared__ float scratch[64];
  const int rank = G::rank(), gsize = G::size();
  const i64 groups_per_block = WARP ? (blockDim.x >> 5) : 1;
  const i64 first = (i64)blockIdx.x * groups_per_block + (WARP ? (threadIdx.x >> 5) : 0);
  const i64 stride = (i64)gridDim.x * groups_per_block;
  const float inv_d = 1.f / (float)d;
  for (i64 r = first; r < rows; r += stride) {
    const T* xr = x + r * d;
    float s = 0.f;
    row_for_each(xr, d, rank, gsize, [&](i64, float v) { s += v; });
    const float mean = G::sum(s, scratch) * inv_d;
    float q = 0.f;
    row_for_each(xr, d, rank, gsize, [&](i64, float v) { float c = v - mean; q += c * c; });
    const float rstd = rsqrtf(G::sum(q, scratch) * inv_d + eps);
    if (rank == 0) {
      if (mean_out) mean_out[r] = mean;
      if (rstd_out) rstd_out[r] = rstd;
    }
    row_map(xr, out + r * d, d, rank, gsize, [&](i64 i, float v) {
      float y = (v - mean) * rstd;
      if (w) y *= to_f(w[i]);
      if (b) y += to_f(b[i]);
      return y;
    });
  }
}

// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * w, xhat = (x - mean) * rstd.
template <bool WARP, typename T>
__device__ void layernorm_backward_dx_rows(i64 rows, i64 d, const T* dy, const T* x, const T* w, const float* mean,
                                           const float* rstd, T* dx) {
  typedef Group<WARP> G;
  __shared__ float scratch[64];
  const int rank = G::rank(), gsize = G::size();
  const i64 groups_per_block = WARP ? (blockDim.x >> 5) : 1;
  const i64 first = (i64)blockIdx.x * groups_per_block + (WARP ? (threadIdx.x >> 5) : 0);
  const i64 stride = (i64)gridDim.x * groups_per_block;
  const float inv_d = 1.f / (float)d;
  for (i64 r = first; r < rows; r += stride) {
    const T* dyr = dy + r * d;
    const T* xr = x + r * d;
    const float mu = mean[r], rs = rstd[r];
    float sg = 0.f, sgx = 0.f;
    row_for_each2(dyr, xr, d, rank, gsize, [&](i64 i, float g, float v) {
      if (w) g *= to_f(w[i]);
      sg += g;
      sgx += g * (v - mu) * rs;
    });
    const float mg = G::sum(sg, scratch) * inv_d;
    const float mgx = G::sum(sgx, scratch) * inv_d;
    row_map2(dyr, xr, dx + r * d, d, rank, gsize, [&](i64 i, float g, float v) {
      if (w) g *= to_f(w[i]);
      return rs * (g - mg - (v - mu) * rs * mgx);
    });
  }
}

// Block (32, 8), grid (ceil(D/32), P): partial_w[p, c] = sum over slice p of dy * xhat,
// partial_b[p, c] = sum of dy. Slice p = rows [p*chunk, (p+1)*chunk), chunk = ceil(rows/P).
template <typename T>
__device__ void layernorm_backward_wb_partial_body(i64 rows, i64 d, const T* dy, const T* x, const float* mean,
                                                   const float* rstd, float* partial_w, float* partial_b) {
  __shared__ float sw[8][33], sb[8][33];
  const i64 p = blockIdx.y, nparts = gridDim.y;
  const i64 chunk = (rows + nparts - 1) / nparts;
  const i64 r0 = p * chunk, r1 = min(rows, r0 + chunk);
  const i64 col = (i64)blockIdx.x * 32 + threadIdx.x;
  float aw = 0.f, ab = 0.f;
  if (col < d) {
    for (i64 r = r0 + threadIdx.y; r < r1; r += 8) {
      const float g = to_f(dy[r * d + col]);
      aw += g * (to_f(x[r * d + col]) - mean[r]) * rstd[r];
      ab += g;
    }
  }
  sw[threadIdx.y][threadIdx.x] = aw;
  sb[threadIdx.y][threadIdx.x] = ab;
  __syncthreads();
  if (threadIdx.y == 0 && col < d) {
    float tw = 0.f, tb = 0.f;
#pragma unroll
    for (int y = 0; y < 8; ++y) {
      tw += sw[y][threadIdx.x];
      tb += sb[y][threadIdx.x];
    }
    partial_w[p * d + col] = tw;
    partial_b[p * d + col] = tb;
  }
}

template <typename T>
__device__ void layernorm_backward_wb_finish_body(i64 d, i64 nparts, const float* partial_w, const float* partial_b,
                                                  T* dweight, T* dbias) {
  for (i64 c = global_tid(); c < d; c += global_threads()) {
    float tw = 0.f, tb = 0.f;
    for (i64 p = 0; p < nparts; ++p) {
      tw += partial_w[p * d + c];
      tb += partial_b[p * d + c];
    }
    if (dweight) dweight[c] = from_f<T>(to_f(dweight[c]) + tw);
    if (dbias) dbias[c] = from_f<T>(to_f(dbias[c]) + tb);
  }
}

}  // namespace jd

using namespace jd;

#define JD_LAYERNORM_ENTRIES(SUFFIX, T)                                                                           \
  extern "C" __global__ void layernorm_##SUFFIX(i64 rows, i64 d, const T* x, const T* w, const T* b, double eps, \
                                                T* out, float* mean, float* rstd) {                               \
    layernorm_rows<false, T>(rows, d, x, w, b, (float)eps, out, mean, rstd);                                      \
  }                                                                                                               \
  extern "C" __global__ void layernorm_warp_##SUFFIX(i64 rows, i64 d, const T* x, const T* w, const T* b,        \
                                                     double eps, T* out, float* mean, float* rstd) {              \
    layernorm_rows<true, T>(rows, d, x, w, b, (float)eps, out, mean, rstd);                                       \
  }                                                                                                               \
  extern "C" __global__ void layernorm_backward_dx_##SUFFIX(i64 rows, i64 d, const T* dy, const T* x,            \
                                                            const T* w, const float* mean, const float* rstd,     \
                                                            T* dx) {                                              \
    layernorm_backward_dx_rows<false, T>(rows, d, dy, x, w, mean, rstd, dx);                                      \
  }                                                                                                               \
  extern "C" __global__ void layernorm_backward_dx_warp_##SUFFIX(i64 rows, i64 d, const T* dy, const T* x,       \
                                                                 const T* w, const float* mean,                   \
                                                                 const float* rstd, T* dx) {                      \
    layernorm_backward_dx_rows<true, T>(rows, d, dy, x, w, mean, rstd, dx);                                       \
  }                                                                                                               \
  extern "C" __global__ void layernorm_backward_wb_partial_##SUFFIX(i64 rows, i64 d, const T* dy, const T* x,    \
                                                                    const float* mean, const float* rstd,         \
                                                                    float* partial_w, float* partial_b) {         \
    layernorm_backward_wb_partial_body<T>(rows, d, dy, x, mean, rstd, partial_w, partial_b);                      \
  }                                                                                                               \
  extern "C" __global__ void layernorm_backward_wb_finish_##SUFFIX(i64 d, i64 nparts, const float* partial_w,     \
                                                                   const float* partial_b, T* dweight,            \
                                                                   T* dbias) {                                    \
    layernorm_backward_wb_finish_body<T>(d, nparts, partial_w, partial_b, dweight, dbias);                        \
  }

JD_LAYERNORM_ENTRIES(f32, float)
JD_LAYERNORM_ENTRIES(bf16, __nv_bfloat16)
#undef JD_LAYERNORM_ENTRIES
