// Fused soft-target (distillation) loss between student and teacher logit rows [rows, V] at
// temperature T, with the student gradient, in two streaming passes over V per row (one block):
//
// pass 1, online over a = teacher/T and b = student/T: teacher (m_t, S_t = sum e^(a-m_t),
//   W = sum e^(a-m_t) (a-b), U = sum e^(a-m_t) b) and student (m_s, S_s), all rescaled together
//   whenever m_t grows, so that  KL(p_t || p_s) = W/S_t - lse_t + lse_s  and
//   soft CE = -sum p_t log p_s = lse_s - U/S_t.
//   KL loss = T^2 * KL; SOFT_CROSS_ENTROPY loss = soft CE (no T^2).
// pass 2 (only with grad): g_j = c * (p_s,j - p_t,j) with c = T for KL and 1/T for soft CE, times
//   grad_scale * dloss[row] (dloss nullable = 1).
// Rows whose row_mask (nullable, any dtype) is 0 get loss 0 and a zero gradient row.
#include "common.cuh"

namespace jd {

struct KdState {
  float mt, st, w, u, ms, ss;
};

__device__ __forceinline__ KdState kd_init() { return {JD_NEG_BIG, 0.f, 0.f, 0.f, JD_NEG_BIG, 0.f}; }

__device__ __forceinline__ void kd_add(KdState& k, float a, float b) {
  if (a > k.mt) {
    const float f = expf(k.mt - a);
    k.st = k.st * f + 1.f;
    k.w = (f > 0.f ? k.w * f : 0.f) + (a - b);
    k.u = (f > 0.f ? k.u * f : 0.f) + b;
    k.mt = a;
  } else {
    const float e = expf(a - k.mt);
    if (e > 0.f) {
      k.st += e;
      k.w += e * (a - b);
      k.u += e * b;
    }
  }
  if (b > k.ms) {
    k.ss = k.ss * expf(k.ms - b) + 1.f;
    k.ms = b;
  } else {
    k.ss += expf(b - k.ms);
  }
}

__device__ __forceinline__ KdState kd_combine(const KdState& x, const KdState& y) {
  KdState r;
  r.mt = fmaxf(x.mt, y.mt);
  const float fx = expf(x.mt - r.mt), fy = expf(y.mt - r.mt);
  r.st = x.st * fx + y.st * fy;
  r.w = (fx > 0.f ? x.w * fx : 0.f) + (fy > 0.f ? y.w * fy : 0.f);
  r.u = (fx > 0.f ? x.u * fx : 0.f) + (fy > 0.f ? y.u * fy : 0.f);
  r.ms = fmaxf(x.ms, y.ms);
  r.ss = x.ss * expf(x.ms - r.ms) + y.ss * expf(y.ms - r.ms);
  return r;
}

__device__ __forceinline__ KdState kd_shfl(const KdState& k, int o) {
  return {__shfl_xor_sync(0xffffffffu, k.mt, o), __shfl_xor_sync(0xffffffffu, k.st, o),
          __shfl_xor_sync(0xffffffffu, k.w, o),  __shfl_xor_sync(0xffffffffu, k.u, o),
          __shfl_xor_sync(0xffffffffu, k.ms, o), __shfl_xor_sync(0xffffffffu, k.ss, o)};
}

// Block-wide combine; every thread gets the result. scratch: 32 KdStates.
__device__ KdState kd_block(KdState k, KdState* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) k = kd_combine(k, kd_shfl(k, o));
  if (lane == 0) scratch[warp] = k;
  __syncthreads();
  k = lane < nwarps ? scratch[lane] : kd_init();
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) k = kd_combine(k, kd_shfl(k, o));
  __syncthreads();
  return k;
}

template <typename TS, typename TT>
__device__ void kd_loss_body(int kind, i64 rows, i64 V, const TS* student, const TT* teacher, float temperature,
                             const void* row_mask, int mask_dtype, void* loss, int loss_dtype, TS* grad,
                             float grad_scale, const void* dloss, int dloss_dtype) {
  __shared__ KdState scratch[32];
  const int rank = threadIdx.x, nthreads = blockDim.x;
  const float inv_t = 1.f / temperature;
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    TS* g = grad ? grad + r * V : nullptr;
    if (row_mask && load_as_float(row_mask, mask_dtype, r) == 0.f) {
      if (rank == 0) store_from_float(loss, loss_dtype, r, 0.f);
      if (g) row_map(g, g, V, rank, nthreads, [](i64, float) { return 0.f; });
      continue;
    }
    const TS* s = student + r * V;
    const TT* t = teacher + r * V;
    KdState k = kd_init();
    row_for_each2(t, s, V, rank, nthreads, [&](i64, float tv, float sv) { kd_add(k, tv * inv_t, sv * inv_t); });
    k = kd_block(k, scratch);
    const float lse_t = maxsum_lse(MaxSum{k.mt, k.st});
    const float lse_s = maxsum_lse(MaxSum{k.ms, k.ss});
    if (rank == 0) {
      const float value = kind == 0 ? temperature * temperature * (k.w / k.st - lse_t + lse_s) : lse_s - k.u / k.st;
      store_from_float(loss, loss_dtype, r, value);
    }
    if (g) {
      const float c = (kind == 0 ? temperature : inv_t) * grad_scale *
                      (dloss ? load_as_float(dloss, dloss_dtype, r) : 1.f);
      // g_j = c * (exp(b_j - lse_s) - exp(a_j - lse_t)); the teacher value is read beside the student's.
      row_map(s, g, V, rank, nthreads, [&](i64 j, float sv) {
        const float tv = to_f(t[j]);
        return c * (expf(sv * inv_t - lse_s) - expf(tv * inv_t - lse_t));
      });
    }
  }
}

}  // namespace jd

using namespace jd;

#define JD_KD_ENTRY(SUFFIX, TS, TT)                                                                               \
  extern "C" __global__ void kd_loss_##SUFFIX(int kind, i64 rows, i64 V, const TS* student, const TT* teacher,   \
                                              double temperature, const void* row_mask, int mask_dtype,           \
                                              void* loss, int loss_dtype, TS* grad, double grad_scale,            \
                                              const void* dloss, int dloss_dtype) {                               \
    kd_loss_body<TS, TT>(kind, rows, V, student, teacher, (float)temperature, row_mask, mask_dtype, loss,         \
                         loss_dtype, grad, (float)grad_scale, dloss, dloss_dtype);                                \
  }

// Suffix: student dtype, then teacher dtype.
JD_KD_ENTRY(f32_f32, float, float)
JD_KD_ENTRY(bf16_bf16, __nv_bfloat16, __nv_bfloat16)
JD_KD_ENTRY(f32_bf16, float, __nv_bfloat16)
JD_KD_ENTRY(bf16_f32, __nv_bfloat16, float)
#undef JD_KD_ENTRY
