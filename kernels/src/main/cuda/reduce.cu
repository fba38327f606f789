// Reductions along one dimension of a contiguous tensor viewed as [outer, n, inner]:
// SUM, MAX, MIN (values in the input dtype, fp32 accumulation) and ARGMAX, ARGMIN (I64 indices of
// the first extremum). NaN propagates through MAX/MIN and wins ARGMAX/ARGMIN (first NaN), as in
// torch. The order of every floating-point sum is fixed by the launch shape, so a launch with the
// same shape gives the same bits every run.
//
// Long reductions may be split: with `splits` > 1, each of the `splits` slices of n writes an fp32
// partial (value, index) into a workspace and reduce_finish combines them in slice order.
#include "common.cuh"

namespace jd {

enum ReduceCode { R_SUM, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN };

struct Acc {
  float v;
  i64 i;
};

template <int OP> __device__ __forceinline__ Acc acc_identity() {
  if constexpr (OP == R_SUM) return {0.f, 0};
  else if constexpr (OP == R_MAX || OP == R_ARGMAX) return {-INFINITY, 0x7fffffffffffffffLL};
  else return {INFINITY, 0x7fffffffffffffffLL};
}

// Combines two partial results; for the arg ops the result does not depend on the order.
template <int OP> __device__ __forceinline__ Acc acc_combine(Acc a, Acc b) {
  if constexpr (OP == R_SUM) {
    return {a.v + b.v, 0};
  } else {
    const bool an = a.v != a.v, bn = b.v != b.v;
    if (an || bn) {
      if (an && bn) return a.i <= b.i ? a : b;
      return an ? a : b;
    }
    bool b_better;
    if constexpr (OP == R_MAX || OP == R_ARGMAX) b_better = b.v > a.v || (b.v == a.v && b.i < a.i);
    else b_better = b.v < a.v || (b.v == a.v && b.i < a.i);
    return b_better ? b : a;
  }
}

template <int OP> __device__ __forceinline__ Acc warp_acc(Acc a) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    Acc b;
    b.v = __shfl_xor_sync(0xffffffffu, a.v, o);
    b.i = __shfl_xor_sync(0xffffffffu, a.i, o);
    // Combine in a fixed lane order (lower lane first) so SUM is bitwise reproducible.
    a = (threadIdx.x & o) ? acc_combine<OP>(b, a) : acc_combine<OP>(a, b);
  }
  return a;
}

// Writes a finished result: value (in the input dtype T) or index (I64).
template <int OP, typename T> __device__ __forceinline__ void acc_store(void* out, i64 at, Acc a) {
  if constexpr (OP == R_ARGMAX || OP == R_ARGMIN) ((i64*)out)[at] = a.i == 0x7fffffffffffffffLL ? 0 : a.i;
  else ((T*)out)[at] = from_f<T>(a.v);
}

// inner == 1: block (any multiple of 32 threads) per row and slice.
template <int OP, typename T>
__device__ void reduce_rows_body(i64 outer, i64 n, const T* x, void* out, i64 splits, float* ws_val, i64* ws_idx,
                                 Acc* scratch /* 32 */) {
  const i64 chunk = (n + splits - 1) / splits;
  const i64 split = blockIdx.y;
  const i64 k0 = split * chunk, k1 = min(n, k0 + chunk);
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  for (i64 row = blockIdx.x; row < outer; row += gridDim.x) {
    const T* xr = x + row * n;
    Acc a = acc_identity<OP>();
    for (i64 k = k0 + threadIdx.x; k < k1; k += blockDim.x) a = acc_combine<OP>(a, Acc{to_f(xr[k]), k});
    a = warp_acc<OP>(a);
    if (lane == 0) scratch[warp] = a;
    __syncthreads();
    if (warp == 0) {
      a = lane < nwarps ? scratch[lane] : acc_identity<OP>();
      a = warp_acc<OP>(a);
      if (lane == 0) {
        if (splits == 1) {
          acc_store<OP, T>(out, row, a);
        } else {
          ws_val[row * splits + split] = a.v;
          ws_idx[row * splits + split] = a.i;
        }
      }
    }
    __syncthreads();
  }
}

// inner > 1: block (32, 8); threadIdx.x walks inner (coalesced), threadIdx.y strides through n.
template <int OP, typename T>
__device__ void reduce_cols_body(i64 outer, i64 n, i64 inner, const T* x, void* out, i64 splits, float* ws_val,
                                 i64* ws_idx, Acc (*scratch)[33] /* [8][33] */) {
  const i64 chunk = (n + splits - 1) / splits;
  const i64 split = blockIdx.z;
  const i64 k0 = split * chunk, k1 = min(n, k0 + chunk);
  const i64 col = (i64)blockIdx.x * 32 + threadIdx.x;
  for (i64 o = blockIdx.y; o < outer; o += gridDim.y) {
    Acc a = acc_identity<OP>();
    if (col < inner) {
      const T* base = x + o * n * inner + col;
      for (i64 k = k0 + threadIdx.y; k < k1; k += 8) a = acc_combine<OP>(a, Acc{to_f(base[k * inner]), k});
    }
    scratch[threadIdx.y][threadIdx.x] = a;
    __syncthreads();
    if (threadIdx.y == 0 && col < inner) {
      Acc r = scratch[0][threadIdx.x];
#pragma unroll
      for (int y = 1; y < 8; ++y) r = acc_combine<OP>(r, scratch[y][threadIdx.x]);
      const i64 at = o * inner + col;
      if (splits == 1) {
        acc_store<OP, T>(out, at, r);
      } else {
        ws_val[at * splits + split] = r.v;
        ws_idx[at * splits + split] = r.i;
      }
    }
    __syncthreads();
  }
}

template <int OP, typename T>
__device__ void reduce_finish_body(i64 rows, i64 splits, const float* ws_val, const i64* ws_idx, void* out) {
  for (i64 r = global_tid(); r < rows; r += global_threads()) {
    Acc a = acc_identity<OP>();
    for (i64 s = 0; s < splits; ++s) a = acc_combine<OP>(a, Acc{ws_val[r * splits + s], ws_idx[r * splits + s]});
    acc_store<OP, T>(out, r, a);
  }
}

#define JD_REDUCE_SWITCH(CALL)            \
  switch (op) {                           \
    case R_SUM: CALL(R_SUM); break;       \
    case R_MAX: CALL(R_MAX); break;       \
    case R_MIN: CALL(R_MIN); break;       \
    case R_ARGMAX: CALL(R_ARGMAX); break; \
    default: CALL(R_ARGMIN); break;       \
  }

template <typename T>
__device__ void reduce_rows_any(int op, i64 outer, i64 n, const T* x, void* out, i64 splits, float* ws_val, i64* ws_idx) {
  __shared__ Acc scratch[32];
#define JD_CALL(OPC) reduce_rows_body<OPC, T>(outer, n, x, out, splits, ws_val, ws_idx, scratch)
  JD_REDUCE_SWITCH(JD_CALL)
#undef JD_CALL
}
template <typename T>
__device__ void reduce_cols_any(int op, i64 outer, i64 n, i64 inner, const T* x, void* out, i64 splits, float* ws_val,
                                i64* ws_idx) {
  __shared__ Acc scratch[8][33];
#define JD_CALL(OPC) reduce_cols_body<OPC, T>(outer, n, inner, x, out, splits, ws_val, ws_idx, scratch)
  JD_REDUCE_SWITCH(JD_CALL)
#undef JD_CALL
}
template <typename T>
__device__ void reduce_finish_any(int op, i64 rows, i64 splits, const float* ws_val, const i64* ws_idx, void* out) {
#define JD_CALL(OPC) reduce_finish_body<OPC, T>(rows, splits, ws_val, ws_idx, out)
  JD_REDUCE_SWITCH(JD_CALL)
#undef JD_CALL
}
#undef JD_REDUCE_SWITCH

}  // namespace jd

using namespace jd;

#define JD_REDUCE_ENTRIES(SUFFIX, T)                                                                              \
  extern "C" __global__ void reduce_rows_##SUFFIX(int op, i64 outer, i64 n, const T* x, void* out, i64 splits,   \
                                                  float* ws_val, i64* ws_idx) {                                   \
    reduce_rows_any<T>(op, outer, n, x, out, splits, ws_val, ws_idx);                                             \
  }                                                                                                               \
  extern "C" __global__ void reduce_cols_##SUFFIX(int op, i64 outer, i64 n, i64 inner, const T* x, void* out,    \
                                                  i64 splits, float* ws_val, i64* ws_idx) {                       \
    reduce_cols_any<T>(op, outer, n, inner, x, out, splits, ws_val, ws_idx);                                      \
  }                                                                                                               \
  extern "C" __global__ void reduce_finish_##SUFFIX(int op, i64 rows, i64 splits, const float* ws_val,           \
                                                    const i64* ws_idx, void* out) {                               \
    reduce_finish_any<T>(op, rows, splits, ws_val, ws_idx, out);                                                  \
  }

JD_REDUCE_ENTRIES(f32, float)
JD_REDUCE_ENTRIES(bf16, __nv_bfloat16)
#undef JD_REDUCE_ENTRIES
