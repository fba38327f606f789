// Shared device code for every jdistill kernel: dtype codes and conversions, strided index math,
// warp and block reductions, the online (max, sum) pair of softmax-like reductions, and the
// counter-based RNG that must match jdistill.engine.CounterRng bit for bit.
//
// All sources are included into one translation unit by build-fatbin.sh, so this header is
// guarded and everything in it is static/inline (no symbol clashes, no separate compilation).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

namespace jd {

typedef long long i64;
typedef unsigned long long u64;

// ---- dtype codes: the ordinals of jdistill.engine.DType -----------------------------------------
enum DTypeCode : int { DT_F32 = 0, DT_F64 = 1, DT_BF16 = 2, DT_F16 = 3, DT_I32 = 4, DT_I64 = 5 };

__host__ __device__ inline int dtype_size(int dt) {
  return dt == DT_F64 || dt == DT_I64 ? 8 : (dt == DT_BF16 || dt == DT_F16) ? 2 : 4;
}

// ---- float <-> storage conversions (fp32 is the compute type) -----------------------------------
__device__ __forceinline__ float to_f(float v) { return v; }
__device__ __forceinline__ float to_f(__nv_bfloat16 v) { return __bfloat162float(v); }

template <typename T> __device__ __forceinline__ T from_f(float v);
template <> __device__ __forceinline__ float from_f<float>(float v) { return v; }
template <> __device__ __forceinline__ __nv_bfloat16 from_f<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

// Loads element i of a buffer of runtime dtype dt as float (masks, conditions, optional inputs).
__device__ __forceinline__ float load_as_float(const void* p, int dt, i64 i) {
  switch (dt) {
    case DT_F32: return ((const float*)p)[i];
    case DT_F64: return (float)((const double*)p)[i];
    case DT_BF16: return __bfloat162float(((const __nv_bfloat16*)p)[i]);
    case DT_F16: return __half2float(((const __half*)p)[i]);
    case DT_I32: return (float)((const int*)p)[i];
    default: return (float)((const i64*)p)[i];
  }
}

// Stores a float into element i of a buffer of runtime dtype dt (float -> integer truncates
// toward zero and saturates, NaN -> 0, like a Java cast).
__device__ __forceinline__ i64 f64_to_i64_java(double d) {
  if (d != d) return 0;
  if (d >= 9.2233720368547758e18) return 0x7fffffffffffffffLL;
  if (d <= -9.2233720368547758e18) return (i64)0x8000000000000000ULL;
  return (i64)d;
}
__device__ __forceinline__ int f64_to_i32_java(double d) {
  if (d != d) return 0;
  if (d >= 2147483647.0) return 2147483647;
  if (d <= -2147483648.0) return (int)0x80000000;
  return (int)d;
}
__device__ __forceinline__ void store_from_float(void* p, int dt, i64 i, float v) {
  switch (dt) {
    case DT_F32: ((float*)p)[i] = v; break;
    case DT_F64: ((double*)p)[i] = (double)v; break;
    case DT_BF16: ((__nv_bfloat16*)p)[i] = __float2bfloat16_rn(v); break;
    case DT_F16: ((__half*)p)[i] = __float2half_rn(v); break;
    case DT_I32: ((int*)p)[i] = f64_to_i32_java((double)v); break;
    default: ((i64*)p)[i] = f64_to_i64_java((double)v); break;
  }
}

// Integer index loads (I32 or I64 index tensors).
__device__ __forceinline__ i64 load_index(const void* p, int is_i64, i64 i) {
  return is_i64 ? ((const i64*)p)[i] : (i64)((const int*)p)[i];
}

// ---- strided index math -----------------------------------------------------------------------
// Shapes and strides travel as kernel parameters by value: 8 int64 each (64 bytes, no padding),
// dims outermost first; only the first ndim entries are read.
#define JD_MAX_DIMS 8
struct Dims8 {
  i64 v[JD_MAX_DIMS];
};

// Offset (in elements) of the element with row-major flat index `flat` of `shape` in a view
// with `stride`. IndexT is uint32 when every flat index fits (cheaper division) or int64.
template <typename IndexT>
__device__ __forceinline__ i64 strided_offset(IndexT flat, int ndim, const Dims8& shape, const Dims8& stride) {
  i64 off = 0;
#pragma unroll
  for (int d = JD_MAX_DIMS - 1; d >= 0; --d) {
    if (d < ndim) {
      IndexT size = (IndexT)shape.v[d];
      IndexT q = flat / size;
      IndexT r = flat - q * size;
      off += (i64)r * stride.v[d];
      flat = q;
    }
  }
  return off;
}

// ---- dynamic shared memory ---------------------------------------------------------------------
// The launch's dynamic shared memory as an array `name` of `type`, aligned to `align` bytes.
#ifdef JD_HOST_EMULATION
#define JD_DYNAMIC_SHARED(type, name, align) type* name = static_cast<type*>(::jdemu::dynamic_shared())
#else
#define JD_DYNAMIC_SHARED(type, name, align) extern __shared__ __align__(align) type name[]
#endif

// ---- misc -------------------------------------------------------------------------------------
__device__ __forceinline__ bool aligned16(const void* p) { return ((uintptr_t)p & 15u) == 0; }

// Grid-stride loop bounds in int64.
__device__ __forceinline__ i64 global_tid() { return (i64)blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ i64 global_threads() { return (i64)gridDim.x * blockDim.x; }

// 16-byte vector of storage elements (aligned so it moves as one 128-bit access).
template <typename T> struct alignas(16) Vec16 {
  static constexpr int N = 16 / sizeof(T);
  T e[N];
};
template <typename T> __device__ __forceinline__ Vec16<T> load16(const T* p) {
  Vec16<T> v;
  *reinterpret_cast<uint4*>(&v) = *reinterpret_cast<const uint4*>(p);
  return v;
}
template <typename T> __device__ __forceinline__ void store16(T* p, const Vec16<T>& v) {
  *reinterpret_cast<uint4*>(p) = *reinterpret_cast<const uint4*>(&v);
}

// ---- reductions -------------------------------------------------------------------------------
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ double warp_sum_d(double v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}
__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, at most 1024). Every thread gets the
// result. `scratch` holds 32 floats; the function synchronises before returning so scratch may
// be reused by the next call.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  float r = lane < nwarps ? scratch[lane] : 0.f;
  r = warp_sum(r);
  __syncthreads();
  return r;
}
__device__ __forceinline__ double block_sum_d(double v, double* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  v = warp_sum_d(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  double r = lane < nwarps ? scratch[lane] : 0.0;
  r = warp_sum_d(r);
  __syncthreads();
  return r;
}

// Online softmax state: running max m and sum s of exp(x - m). m starts at -FLT_MAX (not -inf)
// so that -inf inputs add exp(-inf) = 0 instead of NaN; an all -inf row ends with s = 0.
struct MaxSum {
  float m, s;
};
#define JD_NEG_BIG (-3.402823466e38f)
__device__ __forceinline__ MaxSum maxsum_init() { return {JD_NEG_BIG, 0.f}; }
__device__ __forceinline__ void maxsum_add(MaxSum& a, float x) {
  if (x > a.m) {
    a.s = a.s * expf(a.m - x) + 1.f;
    a.m = x;
  } else {
    a.s += expf(x - a.m);
  }
}
__device__ __forceinline__ MaxSum maxsum_combine(MaxSum a, MaxSum b) {
  float m = fmaxf(a.m, b.m);
  return {m, a.s * expf(a.m - m) + b.s * expf(b.m - m)};
}
__device__ __forceinline__ MaxSum warp_maxsum(MaxSum v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    MaxSum w = {__shfl_xor_sync(0xffffffffu, v.m, o), __shfl_xor_sync(0xffffffffu, v.s, o)};
    v = maxsum_combine(v, w);
  }
  return v;
}
// Block-wide MaxSum; scratch holds 64 floats. Synchronises before returning.
__device__ __forceinline__ MaxSum block_maxsum(MaxSum v, float* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
  v = warp_maxsum(v);
  if (lane == 0) {
    scratch[warp] = v.m;
    scratch[32 + warp] = v.s;
  }
  __syncthreads();
  MaxSum r = lane < nwarps ? MaxSum{scratch[lane], scratch[32 + lane]} : maxsum_init();
  r = warp_maxsum(r);
  __syncthreads();
  return r;
}
// log(sum exp(x)) from a finished MaxSum (-inf when the row was empty or all -inf).
__device__ __forceinline__ float maxsum_lse(MaxSum a) { return a.s > 0.f ? a.m + logf(a.s) : -INFINITY; }


// ---- row helpers: one row walked by a group of threads (a warp or the whole block) ------------
// GROUP_WARP selects the group: true = the calling warp (32 lanes), false = the whole block.
template <bool GROUP_WARP> struct Group {
  __device__ __forceinline__ static int rank() { return GROUP_WARP ? (threadIdx.x & 31) : threadIdx.x; }
  __device__ __forceinline__ static int size() { return GROUP_WARP ? 32 : blockDim.x; }
  // scratch: 64 floats of shared memory (unused for a warp group).
  __device__ __forceinline__ static float sum(float v, float* scratch) {
    return GROUP_WARP ? warp_sum(v) : block_sum(v, scratch);
  }
  __device__ __forceinline__ static MaxSum maxsum(MaxSum v, float* scratch) {
    return GROUP_WARP ? warp_maxsum(v) : block_maxsum(v, scratch);
  }
  // Sync after the group wrote shared memory another member reads.
  __device__ __forceinline__ static void sync() {
    if (GROUP_WARP) __syncwarp(); else __syncthreads();
  }
};

// Calls f(index, value) for every element of row p[0..n) owned by this thread, with 16-byte loads
// when the row is aligned.
template <typename T, typename F>
__device__ __forceinline__ void row_for_each(const T* p, i64 n, int rank, int nthreads, F f) {
  constexpr int VN = Vec16<T>::N;
  if (aligned16(p) && n % VN == 0) {
    const i64 nv = n / VN;
    for (i64 i = rank; i < nv; i += nthreads) {
      Vec16<T> v = load16(p + i * VN);
#pragma unroll
      for (int j = 0; j < VN; ++j) f(i * VN + j, to_f(v.e[j]));
    }
  } else {
    for (i64 i = rank; i < n; i += nthreads) f(i, to_f(p[i]));
  }
}
// Same over two rows of equal length (a[i], b[i]).
template <typename TA, typename TB, typename F>
__device__ __forceinline__ void row_for_each2(const TA* a, const TB* b, i64 n, int rank, int nthreads, F f) {
  constexpr int VN = Vec16<TA>::N < Vec16<TB>::N ? Vec16<TA>::N : Vec16<TB>::N;
  if (aligned16(a) && aligned16(b) && n % VN == 0 && n % Vec16<TA>::N == 0 && n % Vec16<TB>::N == 0) {
    const i64 nv = n / VN;
    for (i64 i = rank; i < nv; i += nthreads) {
      float va[VN], vb[VN];
      if constexpr (Vec16<TA>::N == VN) {
        Vec16<TA> v = load16(a + i * VN);
#pragma unroll
        for (int j = 0; j < VN; ++j) va[j] = to_f(v.e[j]);
      } else {
#pragma unroll
        for (int j = 0; j < VN; ++j) va[j] = to_f(a[i * VN + j]);
      }
      if constexpr (Vec16<TB>::N == VN) {
        Vec16<TB> v = load16(b + i * VN);
#pragma unroll
        for (int j = 0; j < VN; ++j) vb[j] = to_f(v.e[j]);
      } else {
#pragma unroll
        for (int j = 0; j < VN; ++j) vb[j] = to_f(b[i * VN + j]);
      }
#pragma unroll
      for (int j = 0; j < VN; ++j) f(i * VN + j, va[j], vb[j]);
    }
  } else {
    for (i64 i = rank; i < n; i += nthreads) f(i, to_f(a[i]), to_f(b[i]));
  }
}
// out[i] = f(i, in[i]) over one row, vectorised when both rows are aligned.
template <typename T, typename TO, typename F>
__device__ __forceinline__ void row_map(const T* in, TO* out, i64 n, int rank, int nthreads, F f) {
  constexpr int VN = Vec16<T>::N;
  if constexpr (sizeof(T) == sizeof(TO)) {
    if (aligned16(in) && aligned16(out) && n % VN == 0) {
      const i64 nv = n / VN;
      for (i64 i = rank; i < nv; i += nthreads) {
        Vec16<T> v = load16(in + i * VN);
        Vec16<TO> o;
#pragma unroll
        for (int j = 0; j < VN; ++j) o.e[j] = from_f<TO>(f(i * VN + j, to_f(v.e[j])));
        store16(out + i * VN, o);
      }
      return;
    }
  }
  for (i64 i = rank; i < n; i += nthreads) out[i] = from_f<TO>(f(i, to_f(in[i])));
}
// out[i] = f(i, a[i], b[i]) over one row (a, b, out of dtype T), vectorised when aligned.
template <typename T, typename F>
__device__ __forceinline__ void row_map2(const T* a, const T* b, T* out, i64 n, int rank, int nthreads, F f) {
  constexpr int VN = Vec16<T>::N;
  if (aligned16(a) && aligned16(b) && aligned16(out) && n % VN == 0) {
    const i64 nv = n / VN;
    for (i64 i = rank; i < nv; i += nthreads) {
      Vec16<T> va = load16(a + i * VN), vb = load16(b + i * VN);
#pragma unroll
      for (int j = 0; j < VN; ++j) va.e[j] = from_f<T>(f(i * VN + j, to_f(va.e[j]), to_f(vb.e[j])));
      store16(out + i * VN, va);
    }
  } else {
    for (i64 i = rank; i < n; i += nthreads) out[i] = from_f<T>(f(i, to_f(a[i]), to_f(b[i])));
  }
}

// ---- counter-based RNG: jdistill.engine.CounterRng (SplitMix64 finaliser) ---------------------
__device__ __forceinline__ u64 rng_bits(u64 seed, u64 counter) {
  u64 z = seed + (counter + 1ULL) * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
// A float uniform in [0, 1) with 24 random bits, exactly CounterRng.uniform.
__device__ __forceinline__ float rng_uniform(u64 seed, u64 counter) {
  return (float)(unsigned)(rng_bits(seed, counter) >> 40) * 5.9604644775390625e-8f;  // 2^-24
}

}  // namespace jd
