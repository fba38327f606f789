// Fused softmax + cross-entropy over contiguous logit rows [rows, V] with label smoothing and an
// ignore index, forward and gradient, never materialising the probabilities.
//
// Per row (one block): pass 1 streams the row once for the online (max, sum exp) and the plain sum
// of logits; then loss = lse - (1-eps) x_t - (eps/V) sum_j x_j. Pass 2 (only with grad) streams it
// again and writes grad_j = scale * (exp(x_j - lse) - (1-eps)[j == t] - eps/V), where scale =
// grad_scale * dloss[row] (dloss nullable = 1). Ignored rows: loss 0 and a zero gradient row.
// A target outside [0, V) that is not the ignore index gives NaN loss and NaN gradient.
#include "common.cuh"

namespace jd {

template <typename T>
__device__ void cross_entropy_body(i64 rows, i64 V, const T* logits, const void* targets, int targets_i64,
                                   i64 ignore_index, float eps, void* loss, int loss_dtype, T* grad, float grad_scale,
                                   const void* dloss, int dloss_dtype) {
  __shared__ float scratch[64];
  __shared__ float target_logit;
  const int rank = threadIdx.x, nthreads = blockDim.x;
  for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
    const i64 t = load_index(targets, targets_i64, r);
    T* g = grad ? grad + r * V : nullptr;
    if (t == ignore_index) {
      if (rank == 0) store_from_float(loss, loss_dtype, r, 0.f);
      if (g) row_map(g, g, V, rank, nthreads, [](i64, float) { return 0.f; });
      continue;
    }
    const bool valid = t >= 0 && t < V;
    const T* x = logits + r * V;
    if (rank == 0) target_logit = valid ? to_f(x[t]) : NAN;
    MaxSum ms = maxsum_init();
    float sx = 0.f;
    row_for_each(x, V, rank, nthreads, [&](i64, float v) {
      maxsum_add(ms, v);
      sx += v;
    });
    ms = block_maxsum(ms, scratch);  // synchronises: target_logit is visible below
    sx = block_sum(sx, scratch);
    const float lse = maxsum_lse(ms);
    const float xt = target_logit;
    // (the smoothing term is left out when eps == 0, so -inf logits do not turn 0 * -inf into NaN)
    const float smooth = eps > 0.f ? eps / (float)V * sx : 0.f;
    if (rank == 0) store_from_float(loss, loss_dtype, r, lse - (1.f - eps) * xt - smooth);
    if (g) {
      float scale = grad_scale * (dloss ? load_as_float(dloss, dloss_dtype, r) : 1.f);
      if (!valid) scale = NAN;
      const float off = eps / (float)V;
      row_map(x, g, V, rank, nthreads, [&](i64 j, float v) {
        float p = expf(v - lse) - off;
        if (j == t) p -= 1.f - eps;
        return p * scale;
      });
    }
    __syncthreads();  // target_logit is rewritten by the next row
  }
}

}  // namespace jd

using namespace jd;

#define JD_CE_ENTRIES(SUFFIX, T)                                                                                  \
  extern "C" __global__ void cross_entropy_##SUFFIX(i64 rows, i64 V, const T* logits, const void* targets,       \
                                                    int targets_i64, i64 ignore_index, double label_smoothing,    \
                                                    void* loss, int loss_dtype, T* grad, double grad_scale,       \
                                                    const void* dloss, int dloss_dtype) {                         \
    cross_entropy_body<T>(rows, V, logits, targets, targets_i64, ignore_index, (float)label_smoothing, loss,       \
                          loss_dtype, grad, (float)grad_scale, dloss, dloss_dtype);                               \
  }

JD_CE_ENTRIES(f32, float)
JD_CE_ENTRIES(bf16, __nv_bfloat16)
#undef JD_CE_ENTRIES
