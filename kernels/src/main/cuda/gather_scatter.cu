// gather and deterministic scatter_add along one dim of contiguous tensors viewed as
// [outer, n, inner] (torch.gather / torch.scatter_add_ with index of the same shape as out/src).
//
// scatter_add is owner-computes: one thread per dst element (o, j, c) scans the n_idx entries of
// its fibre index[o, :, c] in order and adds the matching src values, starting from dst's value,
// then stores once. No atomics, the same order as a sequential loop, so bitwise deterministic.
// Cost is outer * n_dst * inner * n_idx compares: meant for few entries per fibre (the backward of
// gathering target or top-k logits), not for scattering a long dim into another long dim.
#include "common.cuh"

namespace jd {

template <typename T>
__device__ void gather_body(i64 outer, i64 nx, i64 nidx, i64 inner, const T* x, const void* index, int idx_i64, T* out,
                            int* err) {
  const i64 total = outer * nidx * inner;
  for (i64 e = global_tid(); e < total; e += global_threads()) {
    const i64 c = e % inner;
    const i64 o = e / (nidx * inner);
    const i64 j = load_index(index, idx_i64, e);
    if (j < 0 || j >= nx) {
      if (err) *err = 1;
      out[e] = from_f<T>(0.f);
    } else {
      out[e] = x[(o * nx + j) * inner + c];
    }
  }
}

template <typename T>
__device__ void scatter_add_body(i64 outer, i64 ndst, i64 nidx, i64 inner, T* dst, const void* index, int idx_i64,
                                 const T* src, int* err) {
  const i64 total = outer * ndst * inner;
  for (i64 e = global_tid(); e < total; e += global_threads()) {
    const i64 c = e % inner;
    const i64 j = (e / inner) % ndst;
    const i64 o = e / (ndst * inner);
    float acc = to_f(dst[e]);
    bool hit = false;
    const i64 fibre = o * nidx * inner + c;
    for (i64 i = 0; i < nidx; ++i) {
      const i64 at = fibre + i * inner;
      const i64 k = load_index(index, idx_i64, at);
      if (k == j) {
        acc += to_f(src[at]);
        hit = true;
      } else if (err && (k < 0 || k >= ndst) && j == 0) {
        *err = 1;  // reported once per fibre (by its j == 0 owner)
      }
    }
    if (hit) dst[e] = from_f<T>(acc);
  }
}

}  // namespace jd

using namespace jd;

#define JD_GS_ENTRIES(SUFFIX, T)                                                                                  \
  extern "C" __global__ void gather_##SUFFIX(i64 outer, i64 nx, i64 nidx, i64 inner, const T* x,                 \
                                             const void* index, int idx_i64, T* out, int* err) {                  \
    gather_body<T>(outer, nx, nidx, inner, x, index, idx_i64, out, err);                                          \
  }                                                                                                               \
  extern "C" __global__ void scatter_add_##SUFFIX(i64 outer, i64 ndst, i64 nidx, i64 inner, T* dst,              \
                                                  const void* index, int idx_i64, const T* src, int* err) {       \
    scatter_add_body<T>(outer, ndst, nidx, inner, dst, index, idx_i64, src, err);                                 \
  }

JD_GS_ENTRIES(f32, float)
JD_GS_ENTRIES(bf16, __nv_bfloat16)
#undef JD_GS_ENTRIES
