// Force-included before the kernel sources when they are compiled for the host emulator: the CUDA
// built-ins (thread indices, __syncthreads, warp shuffles, the few device math functions the
// host lacks) and, for mma.cuh, the warp-collective PTX operations (cp.async, ldmatrix, mma.sync)
// modelled as the PTX ISA documents their fragment layouts.
#pragma once

#define JD_HOST_EMULATION 1

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <vector_types.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "scheduler.h"

#undef __global__
#undef __device__
#undef __host__
#undef __forceinline__
#undef __launch_bounds__
#undef __shared__
#define __global__ __attribute__((used))
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
// One block runs at a time, so a function-local static is exactly a block's shared variable.
#define __shared__ static

#define threadIdx (::jdemu::current->idx)
#define blockIdx (::jdemu::block_idx)
#define blockDim (::jdemu::block_dim)
#define gridDim (::jdemu::grid_dim)

inline void __syncthreads() { jdemu::block_barrier(); }

namespace jdemu {

constexpr unsigned kFullMask = 0xffffffffu;

inline void require_full_warp(unsigned mask, const char* what) {
  if (mask != kFullMask) kernel_error(std::string(what) + " with a partial lane mask is not emulated");
}

// Every lane publishes v; lane l receives the value of lane source(l).
template <typename T, typename Source>
inline T warp_exchange(unsigned mask, T v, Source source, const char* what) {
  static_assert(sizeof(T) <= sizeof(LaneSlot), "value too large for a lane slot");
  require_full_warp(mask, what);
  const int lane = current->lane;
  std::memcpy(warp_slots()[lane].bytes, &v, sizeof(T));
  LaneSlot* all = warp_barrier();
  T r;
  std::memcpy(&r, all[source(lane)].bytes, sizeof(T));
  return r;
}

}  // namespace jdemu

inline void __syncwarp(unsigned mask = 0xffffffffu) {
  jdemu::require_full_warp(mask, "__syncwarp");
  jdemu::warp_barrier();
}
template <typename T> inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = 32) {
  return jdemu::warp_exchange(mask, v, [=](int l) { return (l & ~(width - 1)) | ((l ^ lane_mask) & (width - 1)); }, "__shfl_xor_sync");
}
template <typename T> inline T __shfl_sync(unsigned mask, T v, int src, int width = 32) {
  return jdemu::warp_exchange(mask, v, [=](int l) { return (l & ~(width - 1)) | (src & (width - 1)); }, "__shfl_sync");
}
template <typename T> inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  return jdemu::warp_exchange(mask, v, [=](int l) { return (l & (width - 1)) + (int)delta < width ? l + (int)delta : l; }, "__shfl_down_sync");
}

// CUDA's global integer and floating min/max overloads (mixed argument types widen).
template <typename A, typename B> inline std::common_type_t<A, B> min(A a, B b) {
  return b < a ? static_cast<std::common_type_t<A, B>>(b) : static_cast<std::common_type_t<A, B>>(a);
}
template <typename A, typename B> inline std::common_type_t<A, B> max(A a, B b) {
  return a < b ? static_cast<std::common_type_t<A, B>>(b) : static_cast<std::common_type_t<A, B>>(a);
}

inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline float __uint_as_float(unsigned u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline unsigned __float_as_uint(float f) {
  unsigned u;
  std::memcpy(&u, &f, 4);
  return u;
}

// ---- the tensor-core PTX of mma.cuh ------------------------------------------------------------
namespace jdemu {

inline unsigned char* shared_at(unsigned addr, unsigned bytes, const char* what) {
  if (static_cast<size_t>(addr) + bytes > dynamic_shared_bytes) {
    kernel_error(std::string(what) + ": shared address " + std::to_string(addr) + " + " + std::to_string(bytes) +
                 " is past the launch's " + std::to_string(dynamic_shared_bytes) + " bytes of dynamic shared memory");
  }
  return dynamic_shared_base + addr;
}

inline unsigned smem_u32(const void* p) {
  const unsigned char* c = static_cast<const unsigned char*>(p);
  if (c < dynamic_shared_base || c >= dynamic_shared_base + dynamic_shared_bytes) {
    kernel_error("a shared-window address was taken of memory outside the dynamic shared memory");
  }
  return static_cast<unsigned>(c - dynamic_shared_base);
}

// cp.async.cg 16 bytes: src_bytes (0..16) copied, the rest zero-filled, both ends 16-byte aligned.
// The copy lands only when the thread waits for its group (cp.async.wait_group), so a pipeline
// that reads a stage before waiting for it reads the NaN bytes shared memory starts with.
inline void cp_async16(unsigned dst, const void* src, int src_bytes) {
  if (dst % 16 != 0) kernel_error("cp.async: shared destination not 16-byte aligned");
  if (src_bytes < 0 || src_bytes > 16) kernel_error("cp.async: src-size outside 0..16");
  if (reinterpret_cast<uintptr_t>(src) % 16 != 0) kernel_error("cp.async: global source not 16-byte aligned");
  current->copies.push_back(PendingCopy{shared_at(dst, 16, "cp.async"), src, src_bytes, current->committed_groups});
}
inline void cp_async_commit() { current->committed_groups++; }
// cp.async.wait_group N: every committed group but the N most recent has landed.
template <int N> inline void cp_async_wait() {
  std::vector<PendingCopy>& copies = current->copies;
  const unsigned committed = current->committed_groups;
  size_t kept = 0;
  for (const PendingCopy& c : copies) {
    if (c.group + N < committed) {
      std::memcpy(c.dst, c.src, c.bytes);
      std::memset(c.dst + c.bytes, 0, 16 - c.bytes);
    } else {
      copies[kept++] = c;
    }
  }
  copies.resize(kept);
}

// ldmatrix.m8n8.x4(.trans).b16: lanes 8i..8i+7 give the row addresses of matrix i.
inline void ldmatrix(unsigned addr, bool trans, unsigned* r) {
  if (addr % 16 != 0) kernel_error("ldmatrix: row address not 16-byte aligned");
  shared_at(addr, 16, "ldmatrix");
  const int lane = current->lane;
  std::memcpy(warp_slots()[lane].bytes, &addr, 4);
  LaneSlot* all = warp_barrier();
  auto row_addr = [&](int l) {
    unsigned a;
    std::memcpy(&a, all[l].bytes, 4);
    return a;
  };
  auto b16 = [&](int row_lane, int col) {
    uint16_t v;
    std::memcpy(&v, dynamic_shared_base + row_addr(row_lane) + 2 * col, 2);
    return static_cast<unsigned>(v);
  };
  for (int i = 0; i < 4; ++i) {
    if (!trans) {
      const int row = lane / 4, col = 2 * (lane % 4);
      r[i] = b16(8 * i + row, col) | (b16(8 * i + row, col + 1) << 16);
    } else {
      const int row = 2 * (lane % 4), col = lane / 4;
      r[i] = b16(8 * i + row, col) | (b16(8 * i + row + 1, col) << 16);
    }
  }
}
inline void ldmatrix_x4(unsigned addr, unsigned& r0, unsigned& r1, unsigned& r2, unsigned& r3) {
  unsigned r[4];
  ldmatrix(addr, false, r);
  r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
}
inline void ldmatrix_x4_trans(unsigned addr, unsigned& r0, unsigned& r1, unsigned& r2, unsigned& r3) {
  unsigned r[4];
  ldmatrix(addr, true, r);
  r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
}

struct MmaFragments {
  unsigned a[4], b[2];
  float c[4];
};

inline float bf16_bits_to_float(unsigned bits16) { return __uint_as_float(bits16 << 16); }
inline float tf32_bits_to_float(unsigned bits) { return __uint_as_float(bits & 0xffffe000u); }

// mma.sync.aligned.m16n8k{K}.row.col.f32: A is 16xK, B is Kx8, C/D 16x8; g = lane/4, t = lane%4.
template <int K, typename LoadA, typename LoadB>
inline void mma(float* d, const unsigned* a, const unsigned* b, LoadA load_a, LoadB load_b) {
  const int lane = current->lane;
  MmaFragments mine{{a[0], a[1], a[2], a[3]}, {b[0], b[1]}, {d[0], d[1], d[2], d[3]}};
  std::memcpy(warp_slots()[lane].bytes, &mine, sizeof mine);
  LaneSlot* all = warp_barrier();
  float A[16][K], B[K][8], C[16][8];
  for (int l = 0; l < 32; ++l) {
    MmaFragments f;
    std::memcpy(&f, all[l].bytes, sizeof f);
    const int g = l / 4, t = l % 4;
    load_a(A, f.a, g, t);
    load_b(B, f.b, g, t);
    C[g][2 * t] = f.c[0], C[g][2 * t + 1] = f.c[1], C[g + 8][2 * t] = f.c[2], C[g + 8][2 * t + 1] = f.c[3];
  }
  const int g = lane / 4, t = lane % 4;
  const int rows[4] = {g, g, g + 8, g + 8}, cols[4] = {2 * t, 2 * t + 1, 2 * t, 2 * t + 1};
  float out[4];
  for (int e = 0; e < 4; ++e) {
    float acc = C[rows[e]][cols[e]];
    for (int k = 0; k < K; ++k) acc = std::fma(A[rows[e]][k], B[k][cols[e]], acc);
    out[e] = acc;
  }
  for (int e = 0; e < 4; ++e) d[e] = out[e];
}

inline void mma_bf16_16816(float* d, const unsigned* a, const unsigned* b) {
  auto lo = [](unsigned r) { return bf16_bits_to_float(r & 0xffffu); };
  auto hi = [](unsigned r) { return bf16_bits_to_float(r >> 16); };
  mma<16>(
      d, a, b,
      [&](float (*A)[16], const unsigned* fa, int g, int t) {
        A[g][2 * t] = lo(fa[0]), A[g][2 * t + 1] = hi(fa[0]);
        A[g + 8][2 * t] = lo(fa[1]), A[g + 8][2 * t + 1] = hi(fa[1]);
        A[g][2 * t + 8] = lo(fa[2]), A[g][2 * t + 9] = hi(fa[2]);
        A[g + 8][2 * t + 8] = lo(fa[3]), A[g + 8][2 * t + 9] = hi(fa[3]);
      },
      [&](float (*B)[8], const unsigned* fb, int g, int t) {
        B[2 * t][g] = lo(fb[0]), B[2 * t + 1][g] = hi(fb[0]);
        B[2 * t + 8][g] = lo(fb[1]), B[2 * t + 9][g] = hi(fb[1]);
      });
}

inline void mma_tf32_1688(float* d, const unsigned* a, const unsigned* b) {
  mma<8>(
      d, a, b,
      [&](float (*A)[8], const unsigned* fa, int g, int t) {
        A[g][t] = tf32_bits_to_float(fa[0]), A[g + 8][t] = tf32_bits_to_float(fa[1]);
        A[g][t + 4] = tf32_bits_to_float(fa[2]), A[g + 8][t + 4] = tf32_bits_to_float(fa[3]);
      },
      [&](float (*B)[8], const unsigned* fb, int g, int t) {
        B[t][g] = tf32_bits_to_float(fb[0]), B[t + 4][g] = tf32_bits_to_float(fb[1]);
      });
}

// cvt.rna.tf32.f32: round to the nearest 10-bit mantissa, ties away from zero; low 13 bits zero.
inline unsigned to_tf32(unsigned bits) {
  if ((bits & 0x7f800000u) == 0x7f800000u) return (bits & 0xffffe000u) | ((bits & 0x1fffu) ? 0x00400000u : 0u);
  return (bits + 0x1000u) & 0xffffe000u;
}

inline void* dynamic_shared() { return dynamic_shared_base; }

}  // namespace jdemu
