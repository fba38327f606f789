// Embedding rows: index_select (out[i, :] = table[ids[i], :]) and a deterministic index_add
// (table[ids[i], :] += src[i, :]).
//
// index_add without float atomics: the ids are turned into unique 64-bit keys (id << 32 | i) and
// sorted with a bitonic network (unique keys, so the sorted order is the same every run whatever
// the thread timing), which groups equal ids into runs ordered by position. Then, per run, the
// thread that owns table column c adds src[i, c] for the run's positions in increasing i, starting
// from table[id, c], and stores once: each table element is written by exactly one thread and its
// sum always has the same order (the order of a sequential CPU loop over i).
//
// Host sequence for index_add (keys: u64 workspace of `padded` = max(2048, next power of two >= n)):
//   index_add_keys; bitonic_sort_local;
//   for (k = 4096; k <= padded; k *= 2) { for (j = k/2; j >= 2048; j /= 2) bitonic_merge_global(k, j);
//                                         bitonic_merge_local(k); }
//   index_add_apply_<dt>.
#include "common.cuh"

namespace jd {

#define JD_SORT_TILE 2048

template <typename T>
__device__ void index_select_body(i64 nids, i64 d, const T* table, i64 vocab, const void* ids, int ids_i64, T* out,
                                  int* err) {
  constexpr int VN = Vec16<T>::N;
  const bool vec = aligned16(table) && aligned16(out) && d % VN == 0;
  for (i64 r = blockIdx.x; r < nids; r += gridDim.x) {
    const i64 id = load_index(ids, ids_i64, r);
    T* o = out + r * d;
    if (id < 0 || id >= vocab) {
      if (err && threadIdx.x == 0) *err = 1;
      for (i64 c = threadIdx.x; c < d; c += blockDim.x) o[c] = from_f<T>(0.f);
      continue;
    }
    const T* src = table + id * d;
    if (vec) {
      for (i64 c = threadIdx.x; c < d / VN; c += blockDim.x) store16(o + c * VN, load16(src + c * VN));
    } else {
      for (i64 c = threadIdx.x; c < d; c += blockDim.x) o[c] = src[c];
    }
  }
}

__device__ __forceinline__ void bitonic_step_shared(u64* s, int t, int j, i64 base, i64 k) {
  const int i = 2 * t - (t & (j - 1));
  const int partner = i + j;
  const bool ascending = ((base + i) & k) == 0;
  const u64 a = s[i], b = s[partner];
  if ((a > b) == ascending) {
    s[i] = b;
    s[partner] = a;
  }
}

}  // namespace jd

using namespace jd;

#define JD_EMBEDDING_ENTRIES(SUFFIX, T)                                                                           \
  extern "C" __global__ void index_select_##SUFFIX(i64 nids, i64 d, const T* table, i64 vocab, const void* ids,  \
                                                   int ids_i64, T* out, int* err) {                               \
    index_select_body<T>(nids, d, table, vocab, ids, ids_i64, out, err);                                          \
  }                                                                                                               \
  extern "C" __global__ void index_add_apply_##SUFFIX(i64 n, i64 d, const u64* keys, const T* src, T* table,     \
                                                      i64 vocab) {                                                \
    const i64 c = (i64)blockIdx.y * blockDim.x + threadIdx.x;                                                     \
    for (i64 s = blockIdx.x; s < n; s += gridDim.x) {                                                             \
      const u64 key = keys[s];                                                                                    \
      const u64 id = key >> 32;                                                                                   \
      if (id >= (u64)vocab || (s > 0 && (keys[s - 1] >> 32) == id)) continue; /* not the start of a run */       \
      if (c >= d) continue;                                                                                       \
      float acc = to_f(table[(i64)id * d + c]);                                                                   \
      i64 t = s;                                                                                                  \
      for (; t + 4 <= n; t += 4) {                                                                                \
        const u64 k0 = keys[t], k1 = keys[t + 1], k2 = keys[t + 2], k3 = keys[t + 3];                             \
        if ((k3 >> 32) != id) break;                                                                              \
        const float v0 = to_f(src[(i64)(k0 & 0xffffffffu) * d + c]);                                              \
        const float v1 = to_f(src[(i64)(k1 & 0xffffffffu) * d + c]);                                              \
        const float v2 = to_f(src[(i64)(k2 & 0xffffffffu) * d + c]);                                              \
        const float v3 = to_f(src[(i64)(k3 & 0xffffffffu) * d + c]);                                              \
        acc += v0;                                                                                                \
        acc += v1;                                                                                                \
        acc += v2;                                                                                                \
        acc += v3;                                                                                                \
      }                                                                                                           \
      for (; t < n; ++t) {                                                                                        \
        const u64 k = keys[t];                                                                                    \
        if ((k >> 32) != id) break;                                                                               \
        acc += to_f(src[(i64)(k & 0xffffffffu) * d + c]);                                                         \
      }                                                                                                           \
      table[(i64)id * d + c] = from_f<T>(acc);                                                                    \
    }                                                                                                             \
  }

JD_EMBEDDING_ENTRIES(f32, float)
JD_EMBEDDING_ENTRIES(bf16, __nv_bfloat16)
#undef JD_EMBEDDING_ENTRIES

// keys[i] = ids[i] << 32 | i for i < n; UINT64_MAX for n <= i < padded (sorts last). An
// out-of-range id gets the key (vocab << 32 | i), which sorts after every valid id and which
// index_add_apply skips; *err (nullable) is then set to 1. Needs n < 2^32 and vocab < 2^32 - 1.
extern "C" __global__ void index_add_keys(i64 n, const void* ids, int ids_i64, i64 vocab, u64* keys, i64 padded,
                                          int* err) {
  for (i64 i = global_tid(); i < padded; i += global_threads()) {
    if (i < n) {
      i64 id = load_index(ids, ids_i64, i);
      if (id < 0 || id >= vocab) {
        if (err) *err = 1;
        id = vocab;
      }
      keys[i] = ((u64)id << 32) | (u64)i;
    } else {
      keys[i] = ~0ULL;
    }
  }
}

// Sorts each tile of 2048 keys in shared memory as the first 11 stages of the global bitonic
// network (tile direction alternates with the tile index). Block 1024 threads, grid padded/2048.
extern "C" __global__ void __launch_bounds__(1024) bitonic_sort_local(u64* keys, i64 padded) {
  __shared__ u64 s[JD_SORT_TILE];
  const i64 base = (i64)blockIdx.x * JD_SORT_TILE;
  const int t = threadIdx.x;
  s[t] = keys[base + t];
  s[t + 1024] = keys[base + t + 1024];
  for (int k = 2; k <= JD_SORT_TILE; k <<= 1) {
    for (int j = k >> 1; j > 0; j >>= 1) {
      __syncthreads();
      bitonic_step_shared(s, t, j, base, k);
    }
  }
  __syncthreads();
  keys[base + t] = s[t];
  keys[base + t + 1024] = s[t + 1024];
}

// One global compare-exchange step (stage k, distance j >= 2048). padded/2 threads in all.
extern "C" __global__ void bitonic_merge_global(u64* keys, i64 padded, i64 k, i64 j) {
  for (i64 t = global_tid(); t < padded / 2; t += global_threads()) {
    const i64 i = 2 * t - (t & (j - 1));
    const i64 partner = i + j;
    const bool ascending = (i & k) == 0;
    const u64 a = keys[i], b = keys[partner];
    if ((a > b) == ascending) {
      keys[i] = b;
      keys[partner] = a;
    }
  }
}

// The steps j = 1024 .. 1 of stage k inside each 2048-key tile. Block 1024, grid padded/2048.
extern "C" __global__ void __launch_bounds__(1024) bitonic_merge_local(u64* keys, i64 padded, i64 k) {
  __shared__ u64 s[JD_SORT_TILE];
  const i64 base = (i64)blockIdx.x * JD_SORT_TILE;
  const int t = threadIdx.x;
  s[t] = keys[base + t];
  s[t + 1024] = keys[base + t + 1024];
  for (int j = JD_SORT_TILE >> 1; j > 0; j >>= 1) {
    __syncthreads();
    bitonic_step_shared(s, t, j, base, k);
  }
  __syncthreads();
  keys[base + t] = s[t];
  keys[base + t + 1024] = s[t + 1024];
}
