// Fused AdamW step, in place, on contiguous tensors of n elements:
//   g = grad * grad_scale; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
//   w -= lr * (m / (1-b1^step) / (sqrt(v / (1-b2^step)) + eps) + weight_decay * w)
// w is the fp32 master copy when `master` is non-null (param then receives w rounded to its
// dtype), else param itself. Dtypes are runtime codes (DType ordinals): param F32/BF16/F16,
// grad any floating, m and v F32 or BF16 (both the same). Arithmetic in fp32.
#include "common.cuh"

namespace jd {

__device__ void adamw_body(i64 n, void* param, int param_dt, const void* grad, int grad_dt, void* m, void* v,
                           int state_dt, float* master, double lr, double beta1, double beta2, double eps, double wd,
                           i64 step, double grad_scale) {
  const float flr = (float)lr, b1 = (float)beta1, b2 = (float)beta2, feps = (float)eps, fwd = (float)wd;
  const float gs = (float)grad_scale;
  // 1 - beta in double: (1.f - (float)0.999) is off by 1.3e-5 relative, which biases v.
  const float omb1 = (float)(1.0 - beta1), omb2 = (float)(1.0 - beta2);
  const float bc1 = (float)(1.0 - pow(beta1, (double)step));
  const float bc2 = (float)(1.0 - pow(beta2, (double)step));
  for (i64 i = global_tid(); i < n; i += global_threads()) {
    const float g = load_as_float(grad, grad_dt, i) * gs;
    float mi = load_as_float(m, state_dt, i), vi = load_as_float(v, state_dt, i);
    mi = b1 * mi + omb1 * g;
    vi = b2 * vi + omb2 * g * g;
    float w = master ? master[i] : load_as_float(param, param_dt, i);
    w -= flr * ((mi / bc1) / (sqrtf(vi / bc2) + feps) + fwd * w);
    store_from_float(m, state_dt, i, mi);
    store_from_float(v, state_dt, i, vi);
    if (master) master[i] = w;
    store_from_float(param, param_dt, i, w);
  }
}

}  // namespace jd

using namespace jd;

extern "C" __global__ void adamw(i64 n, void* param, int param_dtype, const void* grad, int grad_dtype, void* m,
                                 void* v, int state_dtype, float* master, double lr, double beta1, double beta2,
                                 double eps, double weight_decay, i64 step, double grad_scale) {
  adamw_body(n, param, param_dtype, grad, grad_dtype, m, v, state_dtype, master, lr, beta1, beta2, eps, weight_decay,
             step, grad_scale);
}
