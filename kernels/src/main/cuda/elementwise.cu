// Elementwise kernels: unary (incl. GELU and its derivatives), binary with broadcasting through
// strides, binary with a scalar, where, strided copy / dtype cast, fill.
//
// Every kernel is a grid-stride loop: any grid and any block size (multiple of 32) is correct;
// ABI.md gives the recommended launch. The op code is the ordinal of the Java enum (UnaryOp,
// BinaryOp); it is dispatched once per launch, outside the element loop.
#include "common.cuh"

namespace jd {

// ---- the functions ----------------------------------------------------------------------------
enum UnaryCode {
  U_NEG, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_TANH, U_SIGMOID, U_RELU, U_GELU_TANH, U_GELU_ERF, U_ABS,
  U_SIGN, U_RECIPROCAL, U_SQUARE, U_GELU_TANH_GRAD, U_GELU_ERF_GRAD, U_STEP, U_COUNT
};
enum BinaryCode { B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN, B_EQ, B_GT, B_GE, B_LT, B_LE, B_COUNT };

#define JD_GELU_K 0.7978845608028654f  // sqrt(2/pi)
#define JD_GELU_C 0.044715f
#define JD_INV_SQRT2 0.7071067811865476f
#define JD_INV_SQRT_2PI 0.3989422804014327f

template <int OP> __device__ __forceinline__ float unary_fn(float x) {
  if constexpr (OP == U_NEG) return -x;
  else if constexpr (OP == U_EXP) return expf(x);
  else if constexpr (OP == U_LOG) return logf(x);
  else if constexpr (OP == U_SQRT) return sqrtf(x);
  else if constexpr (OP == U_RSQRT) return rsqrtf(x);
  else if constexpr (OP == U_TANH) return tanhf(x);
  else if constexpr (OP == U_SIGMOID) return 1.f / (1.f + expf(-x));
  else if constexpr (OP == U_RELU) return x < 0.f ? 0.f : x;  // NaN stays NaN
  else if constexpr (OP == U_GELU_TANH) return 0.5f * x * (1.f + tanhf(JD_GELU_K * (x + JD_GELU_C * x * x * x)));
  else if constexpr (OP == U_GELU_ERF) return 0.5f * x * (1.f + erff(x * JD_INV_SQRT2));
  else if constexpr (OP == U_ABS) return fabsf(x);
  else if constexpr (OP == U_SIGN) return x > 0.f ? 1.f : (x < 0.f ? -1.f : x);  // like Math.signum
  else if constexpr (OP == U_RECIPROCAL) return 1.f / x;
  else if constexpr (OP == U_SQUARE) return x * x;
  else if constexpr (OP == U_GELU_TANH_GRAD) {
    float x2 = x * x;
    float t = tanhf(JD_GELU_K * (x + JD_GELU_C * x2 * x));
    return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * JD_GELU_K * (1.f + 3.f * JD_GELU_C * x2);
  } else if constexpr (OP == U_GELU_ERF_GRAD) {
    return 0.5f * (1.f + erff(x * JD_INV_SQRT2)) + x * JD_INV_SQRT_2PI * expf(-0.5f * x * x);
  } else {
    return x > 0.f ? 1.f : 0.f;  // U_STEP
  }
}

template <int OP> __device__ __forceinline__ float binary_fn(float a, float b) {
  if constexpr (OP == B_ADD) return a + b;
  else if constexpr (OP == B_SUB) return a - b;
  else if constexpr (OP == B_MUL) return a * b;
  else if constexpr (OP == B_DIV) return a / b;
  else if constexpr (OP == B_POW) return powf(a, b);
  else if constexpr (OP == B_MAX) return (a != a || b != b) ? a + b : fmaxf(a, b);  // NaN propagates
  else if constexpr (OP == B_MIN) return (a != a || b != b) ? a + b : fminf(a, b);
  else if constexpr (OP == B_EQ) return a == b ? 1.f : 0.f;
  else if constexpr (OP == B_GT) return a > b ? 1.f : 0.f;
  else if constexpr (OP == B_GE) return a >= b ? 1.f : 0.f;
  else if constexpr (OP == B_LT) return a < b ? 1.f : 0.f;
  else return a <= b ? 1.f : 0.f;  // B_LE
}

// Calls F::template run<OP>() for the runtime op code (one switch per launch).
#define JD_CASE(k) \
  case k: f.template run<k>(); break;
template <typename F> __device__ __forceinline__ void dispatch_unary(int op, F& f) {
  switch (op) {
    JD_CASE(0) JD_CASE(1) JD_CASE(2) JD_CASE(3) JD_CASE(4) JD_CASE(5) JD_CASE(6) JD_CASE(7) JD_CASE(8)
    JD_CASE(9) JD_CASE(10) JD_CASE(11) JD_CASE(12) JD_CASE(13) JD_CASE(14) JD_CASE(15) JD_CASE(16)
    default: break;
  }
}
template <typename F> __device__ __forceinline__ void dispatch_binary(int op, F& f) {
  switch (op) {
    JD_CASE(0) JD_CASE(1) JD_CASE(2) JD_CASE(3) JD_CASE(4) JD_CASE(5) JD_CASE(6) JD_CASE(7) JD_CASE(8)
    JD_CASE(9) JD_CASE(10) JD_CASE(11)
    default: break;
  }
}
#undef JD_CASE

// ---- unary ------------------------------------------------------------------------------------
template <typename T> struct UnaryContig {
  i64 n;
  const T* x;
  T* out;
  template <int OP> __device__ void run() {
    constexpr int V = Vec16<T>::N;
    const i64 tid = global_tid(), nt = global_threads();
    i64 start = 0;
    if (aligned16(x) && aligned16(out)) {
      const i64 nv = n / V;
      for (i64 i = tid; i < nv; i += nt) {
        Vec16<T> v = load16(x + i * V);
#pragma unroll
        for (int j = 0; j < V; ++j) v.e[j] = from_f<T>(unary_fn<OP>(to_f(v.e[j])));
        store16(out + i * V, v);
      }
      start = nv * V;
    }
    for (i64 i = start + tid; i < n; i += nt) out[i] = from_f<T>(unary_fn<OP>(to_f(x[i])));
  }
};

template <typename T> struct UnaryStrided {
  i64 n;
  int ndim;
  Dims8 shape, xs;
  const T* x;
  T* out;
  template <int OP, typename IndexT> __device__ void loop() {
    for (i64 i = global_tid(); i < n; i += global_threads())
      out[i] = from_f<T>(unary_fn<OP>(to_f(x[strided_offset<IndexT>((IndexT)i, ndim, shape, xs)])));
  }
  template <int OP> __device__ void run() {
    if (n <= 0xffffffffLL) loop<OP, unsigned>(); else loop<OP, i64>();
  }
};

// ---- binary -----------------------------------------------------------------------------------
template <typename T> struct BinaryContig {
  i64 n;
  const T* a;
  const T* b;
  T* out;
  template <int OP> __device__ void run() {
    constexpr int V = Vec16<T>::N;
    const i64 tid = global_tid(), nt = global_threads();
    i64 start = 0;
    if (aligned16(a) && aligned16(b) && aligned16(out)) {
      const i64 nv = n / V;
      for (i64 i = tid; i < nv; i += nt) {
        Vec16<T> va = load16(a + i * V), vb = load16(b + i * V);
#pragma unroll
        for (int j = 0; j < V; ++j) va.e[j] = from_f<T>(binary_fn<OP>(to_f(va.e[j]), to_f(vb.e[j])));
        store16(out + i * V, va);
      }
      start = nv * V;
    }
    for (i64 i = start + tid; i < n; i += nt) out[i] = from_f<T>(binary_fn<OP>(to_f(a[i]), to_f(b[i])));
  }
};

template <typename T> struct BinaryStrided {
  i64 n;
  int ndim;
  Dims8 shape, as, bs;
  const T* a;
  const T* b;
  T* out;
  template <int OP, typename IndexT> __device__ void loop() {
    for (i64 i = global_tid(); i < n; i += global_threads()) {
      float va = to_f(a[strided_offset<IndexT>((IndexT)i, ndim, shape, as)]);
      float vb = to_f(b[strided_offset<IndexT>((IndexT)i, ndim, shape, bs)]);
      out[i] = from_f<T>(binary_fn<OP>(va, vb));
    }
  }
  template <int OP> __device__ void run() {
    if (n <= 0xffffffffLL) loop<OP, unsigned>(); else loop<OP, i64>();
  }
};

template <typename T> struct BinaryScalarStrided {
  i64 n;
  int ndim;
  Dims8 shape, as;
  const T* a;
  float s;
  int scalar_first;
  T* out;
  template <int OP, typename IndexT> __device__ void loop() {
    for (i64 i = global_tid(); i < n; i += global_threads()) {
      float va = to_f(a[strided_offset<IndexT>((IndexT)i, ndim, shape, as)]);
      out[i] = from_f<T>(scalar_first ? binary_fn<OP>(s, va) : binary_fn<OP>(va, s));
    }
  }
  template <int OP> __device__ void run() {
    if (n <= 0xffffffffLL) loop<OP, unsigned>(); else loop<OP, i64>();
  }
};

template <typename T> struct BinaryScalarContig {
  i64 n;
  const T* a;
  float s;
  int scalar_first;
  T* out;
  template <int OP> __device__ void run() {
    constexpr int V = Vec16<T>::N;
    const i64 tid = global_tid(), nt = global_threads();
    i64 start = 0;
    if (aligned16(a) && aligned16(out)) {
      const i64 nv = n / V;
      for (i64 i = tid; i < nv; i += nt) {
        Vec16<T> va = load16(a + i * V);
#pragma unroll
        for (int j = 0; j < V; ++j) {
          float x = to_f(va.e[j]);
          va.e[j] = from_f<T>(scalar_first ? binary_fn<OP>(s, x) : binary_fn<OP>(x, s));
        }
        store16(out + i * V, va);
      }
      start = nv * V;
    }
    for (i64 i = start + tid; i < n; i += nt) {
      float x = to_f(a[i]);
      out[i] = from_f<T>(scalar_first ? binary_fn<OP>(s, x) : binary_fn<OP>(x, s));
    }
  }
};

// ---- where ------------------------------------------------------------------------------------
template <typename T, typename IndexT>
__device__ void where_loop(i64 n, int ndim, const Dims8& shape, const void* cond, int cond_dt, const Dims8& cs,
                           const T* a, const Dims8& as, const T* b, const Dims8& bs, T* out) {
  for (i64 i = global_tid(); i < n; i += global_threads()) {
    IndexT fi = (IndexT)i;
    bool c = load_as_float(cond, cond_dt, strided_offset<IndexT>(fi, ndim, shape, cs)) != 0.f;
    out[i] = c ? a[strided_offset<IndexT>(fi, ndim, shape, as)] : b[strided_offset<IndexT>(fi, ndim, shape, bs)];
  }
}

// ---- copy / cast ------------------------------------------------------------------------------
// A value in transit between dtypes: floats travel as double, integers as int64, so that
// I64 -> I64 and F64 -> F64 are exact and every cast matches Java's.
struct Num {
  double d;
  i64 i;
  bool is_int;
};
__device__ __forceinline__ Num load_num(const void* p, int dt, i64 off) {
  switch (dt) {
    case DT_F32: return {(double)((const float*)p)[off], 0, false};
    case DT_F64: return {((const double*)p)[off], 0, false};
    case DT_BF16: return {(double)__bfloat162float(((const __nv_bfloat16*)p)[off]), 0, false};
    case DT_F16: return {(double)__half2float(((const __half*)p)[off]), 0, false};
    case DT_I32: return {0.0, (i64)((const int*)p)[off], true};
    default: return {0.0, ((const i64*)p)[off], true};
  }
}
__device__ __forceinline__ void store_num(void* p, int dt, i64 off, Num v) {
  double d = v.is_int ? (double)v.i : v.d;
  switch (dt) {
    case DT_F32: ((float*)p)[off] = (float)d; break;
    case DT_F64: ((double*)p)[off] = d; break;
    case DT_BF16: ((__nv_bfloat16*)p)[off] = __double2bfloat16(d); break;
    case DT_F16: ((__half*)p)[off] = __double2half(d); break;
    case DT_I32: ((int*)p)[off] = v.is_int ? (int)v.i : f64_to_i32_java(v.d); break;  // (int) long keeps the low bits
    default: ((i64*)p)[off] = v.is_int ? v.i : f64_to_i64_java(v.d); break;
  }
}

template <typename W, typename IndexT>
__device__ void copy_same_loop(i64 n, int ndim, const Dims8& shape, const W* src, const Dims8& ss, W* dst, const Dims8& ds) {
  for (i64 i = global_tid(); i < n; i += global_threads()) {
    IndexT fi = (IndexT)i;
    dst[strided_offset<IndexT>(fi, ndim, shape, ds)] = src[strided_offset<IndexT>(fi, ndim, shape, ss)];
  }
}
template <typename S, typename D, typename IndexT>
__device__ void copy_float_loop(i64 n, int ndim, const Dims8& shape, const S* src, const Dims8& ss, D* dst, const Dims8& ds) {
  for (i64 i = global_tid(); i < n; i += global_threads()) {
    IndexT fi = (IndexT)i;
    dst[strided_offset<IndexT>(fi, ndim, shape, ds)] = from_f<D>(to_f(src[strided_offset<IndexT>(fi, ndim, shape, ss)]));
  }
}
template <typename IndexT>
__device__ void copy_any_loop(i64 n, int ndim, const Dims8& shape, const void* src, int sdt, const Dims8& ss, void* dst,
                              int ddt, const Dims8& ds) {
  for (i64 i = global_tid(); i < n; i += global_threads()) {
    IndexT fi = (IndexT)i;
    store_num(dst, ddt, strided_offset<IndexT>(fi, ndim, shape, ds), load_num(src, sdt, strided_offset<IndexT>(fi, ndim, shape, ss)));
  }
}
template <typename IndexT>
__device__ void copy_dispatch(i64 n, int ndim, const Dims8& shape, const void* src, int sdt, const Dims8& ss, void* dst,
                              int ddt, const Dims8& ds) {
  if (sdt == ddt) {
    int size = dtype_size(sdt);
    if (size == 2) copy_same_loop<unsigned short, IndexT>(n, ndim, shape, (const unsigned short*)src, ss, (unsigned short*)dst, ds);
    else if (size == 4) copy_same_loop<unsigned, IndexT>(n, ndim, shape, (const unsigned*)src, ss, (unsigned*)dst, ds);
    else copy_same_loop<u64, IndexT>(n, ndim, shape, (const u64*)src, ss, (u64*)dst, ds);
  } else if (sdt == DT_F32 && ddt == DT_BF16) {
    copy_float_loop<float, __nv_bfloat16, IndexT>(n, ndim, shape, (const float*)src, ss, (__nv_bfloat16*)dst, ds);
  } else if (sdt == DT_BF16 && ddt == DT_F32) {
    copy_float_loop<__nv_bfloat16, float, IndexT>(n, ndim, shape, (const __nv_bfloat16*)src, ss, (float*)dst, ds);
  } else {
    copy_any_loop<IndexT>(n, ndim, shape, src, sdt, ss, dst, ddt, ds);
  }
}

template <typename W> __device__ void fill_loop(i64 n, W* dst, W value) {
  const i64 tid = global_tid(), nt = global_threads();
  i64 start = 0;
  if (aligned16(dst)) {
    constexpr int V = 16 / sizeof(W);
    Vec16<W> v;
#pragma unroll
    for (int j = 0; j < V; ++j) v.e[j] = value;
    const i64 nv = n / V;
    for (i64 i = tid; i < nv; i += nt) store16(dst + i * V, v);
    start = nv * V;
  }
  for (i64 i = start + tid; i < n; i += nt) dst[i] = value;
}

}  // namespace jd

using namespace jd;

// ================================ entry points ===================================================
#define JD_ELEMENTWISE_ENTRIES(SUFFIX, T)                                                                          \
  extern "C" __global__ void unary_##SUFFIX(int op, i64 n, const T* x, T* out) {                                  \
    UnaryContig<T> f{n, x, out};                                                                                   \
    dispatch_unary(op, f);                                                                                         \
  }                                                                                                                \
  extern "C" __global__ void unary_strided_##SUFFIX(int op, i64 n, int ndim, Dims8 shape, const T* x, Dims8 xs,   \
                                                    T* out) {                                                      \
    UnaryStrided<T> f{n, ndim, shape, xs, x, out};                                                                 \
    dispatch_unary(op, f);                                                                                         \
  }                                                                                                                \
  extern "C" __global__ void binary_##SUFFIX(int op, i64 n, const T* a, const T* b, T* out) {                     \
    BinaryContig<T> f{n, a, b, out};                                                                               \
    dispatch_binary(op, f);                                                                                        \
  }                                                                                                                \
  extern "C" __global__ void binary_strided_##SUFFIX(int op, i64 n, int ndim, Dims8 shape, const T* a, Dims8 as,  \
                                                     const T* b, Dims8 bs, T* out) {                               \
    BinaryStrided<T> f{n, ndim, shape, as, bs, a, b, out};                                                         \
    dispatch_binary(op, f);                                                                                        \
  }                                                                                                                \
  extern "C" __global__ void binary_scalar_##SUFFIX(int op, i64 n, const T* a, double s, int scalar_first,        \
                                                    T* out) {                                                      \
    BinaryScalarContig<T> f{n, a, (float)s, scalar_first, out};                                                    \
    dispatch_binary(op, f);                                                                                        \
  }                                                                                                                \
  extern "C" __global__ void binary_scalar_strided_##SUFFIX(int op, i64 n, int ndim, Dims8 shape, const T* a,     \
                                                            Dims8 as, double s, int scalar_first, T* out) {        \
    BinaryScalarStrided<T> f{n, ndim, shape, as, a, (float)s, scalar_first, out};                                  \
    dispatch_binary(op, f);                                                                                        \
  }                                                                                                                \
  extern "C" __global__ void where_##SUFFIX(i64 n, int ndim, Dims8 shape, const void* cond, int cond_dtype,       \
                                            Dims8 cs, const T* a, Dims8 as, const T* b, Dims8 bs, T* out) {        \
    if (n <= 0xffffffffLL) where_loop<T, unsigned>(n, ndim, shape, cond, cond_dtype, cs, a, as, b, bs, out);       \
    else where_loop<T, i64>(n, ndim, shape, cond, cond_dtype, cs, a, as, b, bs, out);                              \
  }

JD_ELEMENTWISE_ENTRIES(f32, float)
JD_ELEMENTWISE_ENTRIES(bf16, __nv_bfloat16)
#undef JD_ELEMENTWISE_ENTRIES

// dst = src elementwise over `shape`, any strides on both sides, any dtype pair (codes = DType ordinals).
extern "C" __global__ void copy_strided(i64 n, int ndim, Dims8 shape, const void* src, int src_dtype, Dims8 ss,
                                        void* dst, int dst_dtype, Dims8 ds) {
  if (n <= 0xffffffffLL) copy_dispatch<unsigned>(n, ndim, shape, src, src_dtype, ss, dst, dst_dtype, ds);
  else copy_dispatch<i64>(n, ndim, shape, src, src_dtype, ss, dst, dst_dtype, ds);
}

// Sets n contiguous elements of dtype `dtype` to `value` (converted as a Java cast would).
extern "C" __global__ void fill(i64 n, void* dst, int dtype, double value) {
  switch (dtype) {
    case DT_F32: fill_loop<float>(n, (float*)dst, (float)value); break;
    case DT_F64: fill_loop<double>(n, (double*)dst, value); break;
    case DT_BF16: fill_loop<unsigned short>(n, (unsigned short*)dst, __bfloat16_as_ushort(__double2bfloat16(value))); break;
    case DT_F16: fill_loop<unsigned short>(n, (unsigned short*)dst, __half_as_ushort(__double2half(value))); break;
    case DT_I32: fill_loop<int>(n, (int*)dst, f64_to_i32_java(value)); break;
    default: fill_loop<i64>(n, (i64*)dst, f64_to_i64_java(value)); break;
  }
}
