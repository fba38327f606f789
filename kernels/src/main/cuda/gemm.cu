// Matrix products C[z] = alpha * A[z] @ B[z] + beta * C[z] over a (two-level) batch z.
//
// Tensor-core kernels (gemm_bf16_XY, gemm_tf32_XY): mma.sync on 128x128 block tiles, 8 warps of
// 64x32, a 3-stage cp.async pipeline through 48 KB of shared memory (64 bytes of K per stage:
// 32 bf16 or 16 fp32), ldmatrix fragment loads from XOR-swizzled tiles (no bank conflicts, no
// padding). bf16 runs m16n8k16 bf16 -> fp32; fp32 runs m16n8k8 tf32 (inputs rounded to tf32 with
// cvt.rna, fp32 accumulation). X, Y name the operand layouts: for A, n = row-major [M,K] (stride 1
// along K), t = transposed (stride 1 along M); for B, n = row-major [K,N] (stride 1 along N), t =
// transposed (stride 1 along K). Any M, N, K (edges zero-filled); 16-byte cp.async when the
// operand's base and leading stride allow it, element loads otherwise (same kernel, chosen per batch).
//
// SIMT kernels (gemm_simt_f32, gemm_simt_bf16): plain fp32 FMA, 64x64 tiles, any strides on every
// operand (no layout or alignment requirement). Exact fp32 products for parity checks.
//
// Every kernel takes the same parameters (see ABI.md); C is written with any strides.
#include "common.cuh"
#include "mma.cuh"

namespace jd {

// ---- tile geometry (dynamic shared memory per block: GEMM_STAGES * 2 * 8192 = 49152 bytes) ------------------------------------------------------------------------------
constexpr int GEMM_BM = 128, GEMM_BN = 128, GEMM_THREADS = 256, GEMM_STAGES = 3;
constexpr int GEMM_TILE_BYTES = 8192;                       // one operand, one stage
constexpr int GEMM_STAGE_BYTES = 2 * GEMM_TILE_BYTES;       // A + B

// A 128 x (64 bytes of K) tile stored K-contiguous: row r (an m or n index) holds four 16-byte
// chunks; chunk c sits at position c ^ ((r >> 1) & 3) so the 8 rows an ldmatrix reads hit 8
// different bank groups.
__device__ __forceinline__ int kmajor_off(int row, int chunk) { return row * 64 + ((chunk ^ ((row >> 1) & 3)) << 4); }

// A (64 bytes of K) x 128 tile stored MN-contiguous: row k holds 128 elements (256 B for bf16,
// 512 B for fp32). bf16: chunk c at c ^ (k & 7) (ldmatrix.trans reads 8 consecutive k rows);
// fp32: chunk c at c ^ ((k & 3) << 1) (scalar fragment loads read k = t, n = g patterns).
template <typename T> __device__ __forceinline__ int mnmajor_off(int k, int chunk) {
  if constexpr (sizeof(T) == 2) return k * 256 + ((chunk ^ (k & 7)) << 4);
  else return k * 512 + ((chunk ^ ((k & 3) << 1)) << 4);
}

// Per-thread state for streaming one operand's tiles into shared memory: each thread moves two
// 16-byte chunks per stage. KMAJOR: element (mn, k) at base[mn * ld + k]; else at base[k * ld + mn].
// Stages must be loaded in order (kt = 0, 1, 2, ...): the pointers advance by one stage per call.
template <typename T, bool KMAJOR> struct TileLoader {
  static constexpr int EPC = 16 / sizeof(T);  // elements per 16-byte chunk
  static constexpr int BK = 64 / sizeof(T);   // K per stage
  const T* ptr[2];  // chunk address at the current stage (valid only when the chunk is in range)
  const T* base;    // a valid address for zero-byte copies
  i64 step;         // elements to advance per stage
  int soff[2];      // shared-memory byte offset inside the tile
  int kpos[2];      // k of the chunk relative to the stage's k0
  int mnvalid[2];   // KMAJOR: 1 when mn is in range; else number of valid elements along mn (0..EPC)
  int k_extent;
  bool vec;

  __device__ __forceinline__ void init(const T* b, i64 ld, int mn_extent, int k_ext, i64 mn0, bool v) {
    base = b;
    k_extent = k_ext;
    vec = v;
    step = KMAJOR ? (i64)BK : (i64)BK * ld;
#pragma unroll
    for (int it = 0; it < 2; ++it) {
      const int q = threadIdx.x + it * GEMM_THREADS;
      if constexpr (KMAJOR) {
        const int row = q >> 2, chunk = q & 3;
        const i64 mn = mn0 + row;
        kpos[it] = chunk * EPC;
        soff[it] = kmajor_off(row, chunk);
        mnvalid[it] = mn < mn_extent ? 1 : 0;
        ptr[it] = b + (mn < mn_extent ? mn : 0) * ld + kpos[it];
      } else {
        constexpr int CPR = sizeof(T) == 2 ? 16 : 32;  // chunks per k row
        const int row = q / CPR, chunk = q % CPR;
        const i64 mn = mn0 + (i64)chunk * EPC;
        kpos[it] = row;
        soff[it] = mnmajor_off<T>(row, chunk);
        const i64 avail = mn_extent - mn;
        mnvalid[it] = avail <= 0 ? 0 : (avail < EPC ? (int)avail : EPC);
        ptr[it] = b + (i64)row * ld + (avail > 0 ? mn : 0);
      }
    }
  }

  // Issues the copies of stage k0 into `tile` and advances to the next stage.
  __device__ __forceinline__ void load(char* tile, int k0) {
#pragma unroll
    for (int it = 0; it < 2; ++it) {
      const int k = k0 + kpos[it];
      int nvalid;
      if constexpr (KMAJOR) {
        const int left = k_extent - k;
        nvalid = mnvalid[it] ? (left <= 0 ? 0 : (left < EPC ? left : EPC)) : 0;
      } else {
        nvalid = k < k_extent ? mnvalid[it] : 0;
      }
      if (vec) {
        cp_async16(smem_u32(tile + soff[it]), nvalid > 0 ? (const void*)ptr[it] : (const void*)base, nvalid * (int)sizeof(T));
      } else {
        Vec16<T> v;
#pragma unroll
        for (int e = 0; e < EPC; ++e) v.e[e] = e < nvalid ? ptr[it][e] : from_f<T>(0.f);
        *reinterpret_cast<uint4*>(tile + soff[it]) = *reinterpret_cast<const uint4*>(&v);
      }
      ptr[it] += step;
    }
  }
};

// Fragments of one k-step (16 bf16 or 8 fp32 of K) for a warp's 64 x 32 sub-tile.
// A_KMAJOR: A tile is [m][k]; B_KMAJOR: B tile is [n][k].
template <typename T, bool A_KMAJOR, bool B_KMAJOR>
__device__ __forceinline__ void gemm_load_frags(const char* ta, const char* tb, int ks, int wm, int wn,
                                                unsigned (&af)[4][4], unsigned (&bf)[4][2]) {
  const int lane = threadIdx.x & 31;
  const int g = lane >> 2, t = lane & 3;
  // ---- A ----
#pragma unroll
  for (int mi = 0; mi < 4; ++mi) {
    const int m_base = wm * 64 + mi * 16;
    if constexpr (A_KMAJOR) {
      const int row = m_base + (lane & 15), chunk = ks * 2 + (lane >> 4);
      ldmatrix_x4(smem_u32(ta + kmajor_off(row, chunk)), af[mi][0], af[mi][1], af[mi][2], af[mi][3]);
    } else if constexpr (sizeof(T) == 2) {
      const int i = lane >> 3, r = lane & 7;
      const int k = ks * 16 + r + (i >> 1) * 8, m = m_base + (i & 1) * 8;
      ldmatrix_x4_trans(smem_u32(ta + mnmajor_off<T>(k, m >> 3)), af[mi][0], af[mi][1], af[mi][2], af[mi][3]);
    } else {
      // tf32 A from [k][m]: a0 (m=g, k=t), a1 (g+8, t), a2 (g, t+4), a3 (g+8, t+4)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int m = m_base + g + (e & 1) * 8, k = ks * 8 + t + (e >> 1) * 4;
        af[mi][e] = *reinterpret_cast<const unsigned*>(ta + mnmajor_off<T>(k, m >> 2) + (m & 3) * 4);
      }
    }
  }
  // ---- B ----
#pragma unroll
  for (int p = 0; p < 2; ++p) {
    const int n_base = wn * 32 + p * 16;
    if constexpr (B_KMAJOR) {
      const int n = n_base + (lane & 7) + ((lane >> 4) << 3), chunk = ks * 2 + ((lane >> 3) & 1);
      ldmatrix_x4(smem_u32(tb + kmajor_off(n, chunk)), bf[2 * p][0], bf[2 * p][1], bf[2 * p + 1][0], bf[2 * p + 1][1]);
    } else if constexpr (sizeof(T) == 2) {
      const int i = lane >> 3, r = lane & 7;
      const int k = ks * 16 + r + (i & 1) * 8, n = n_base + (i >> 1) * 8;
      ldmatrix_x4_trans(smem_u32(tb + mnmajor_off<T>(k, n >> 3)), bf[2 * p][0], bf[2 * p][1], bf[2 * p + 1][0],
                        bf[2 * p + 1][1]);
    } else {
      // tf32 B from [k][n]: b0 (k=t, n=g), b1 (k=t+4, n=g)
#pragma unroll
      for (int h = 0; h < 2; ++h) {
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int n = n_base + h * 8 + g, k = ks * 8 + t + e * 4;
          bf[2 * p + h][e] = *reinterpret_cast<const unsigned*>(tb + mnmajor_off<T>(k, n >> 2) + (n & 3) * 4);
        }
      }
    }
  }
  if constexpr (sizeof(T) == 4) {
#pragma unroll
    for (int mi = 0; mi < 4; ++mi)
#pragma unroll
      for (int e = 0; e < 4; ++e) af[mi][e] = to_tf32(af[mi][e]);
#pragma unroll
    for (int ni = 0; ni < 4; ++ni)
#pragma unroll
      for (int e = 0; e < 2; ++e) bf[ni][e] = to_tf32(bf[ni][e]);
  }
}

struct GemmArgs {
  const void* A;
  const void* B;
  void* C;
  i64 M, N, K, sAm, sAk, sBk, sBn, sCm, sCn, batch1, batch_count, sA0, sA1, sB0, sB1, sC0, sC1;
  float alpha, beta;
};

template <typename T> __device__ __forceinline__ void gemm_store(T* C, i64 off, float acc, float alpha, float beta) {
  float v = alpha * acc;
  if (beta != 0.f) v += beta * to_f(C[off]);
  C[off] = from_f<T>(v);
}

template <typename T, bool A_KMAJOR, bool B_KMAJOR>
__device__ __forceinline__ void gemm_tc_body(const GemmArgs& p) {
  JD_DYNAMIC_SHARED(char, gemm_smem, 128);
  constexpr int EPC = 16 / sizeof(T);
  constexpr int BK = 64 / sizeof(T);  // K per stage
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int wm = warp >> 2, wn = warp & 3;
  const int M = (int)p.M, N = (int)p.N, K = (int)p.K;
  const i64 m0 = (i64)blockIdx.y * GEMM_BM, n0 = (i64)blockIdx.x * GEMM_BN;
  const i64 lda = A_KMAJOR ? p.sAm : p.sAk;
  const i64 ldb = B_KMAJOR ? p.sBn : p.sBk;
  const int KT = (K + BK - 1) / BK;

  for (i64 z = blockIdx.z; z < p.batch_count; z += gridDim.z) {
    const i64 z0 = z / p.batch1, z1 = z % p.batch1;
    const T* A = (const T*)p.A + z0 * p.sA0 + z1 * p.sA1;
    const T* B = (const T*)p.B + z0 * p.sB0 + z1 * p.sB1;
    TileLoader<T, A_KMAJOR> la;
    TileLoader<T, B_KMAJOR> lb;
    la.init(A, lda, M, K, m0, aligned16(A) && lda % EPC == 0);
    lb.init(B, ldb, N, K, n0, aligned16(B) && ldb % EPC == 0);

    float acc[4][4][4];
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < 4; ++j)
#pragma unroll
        for (int e = 0; e < 4; ++e) acc[i][j][e] = 0.f;

#pragma unroll
    for (int s = 0; s < GEMM_STAGES - 1; ++s) {
      if (s < KT) {
        char* st = gemm_smem + s * GEMM_STAGE_BYTES;
        la.load(st, s * BK);
        lb.load(st + GEMM_TILE_BYTES, s * BK);
      }
      cp_async_commit();
    }
    for (int kt = 0; kt < KT; ++kt) {
      cp_async_wait<GEMM_STAGES - 2>();
      __syncthreads();
      const int pf = kt + GEMM_STAGES - 1;
      if (pf < KT) {
        char* st = gemm_smem + (pf % GEMM_STAGES) * GEMM_STAGE_BYTES;
        la.load(st, pf * BK);
        lb.load(st + GEMM_TILE_BYTES, pf * BK);
      }
      cp_async_commit();
      const char* st = gemm_smem + (kt % GEMM_STAGES) * GEMM_STAGE_BYTES;
#pragma unroll
      for (int ks = 0; ks < 2; ++ks) {
        unsigned af[4][4], bf[4][2];
        gemm_load_frags<T, A_KMAJOR, B_KMAJOR>(st, st + GEMM_TILE_BYTES, ks, wm, wn, af, bf);
#pragma unroll
        for (int mi = 0; mi < 4; ++mi)
#pragma unroll
          for (int ni = 0; ni < 4; ++ni) {
            if constexpr (sizeof(T) == 2) mma_bf16_16816(acc[mi][ni], af[mi], bf[ni]);
            else mma_tf32_1688(acc[mi][ni], af[mi], bf[ni]);
          }
      }
    }
    cp_async_wait<0>();

    // ---- epilogue: c0,c1 at (g, 2t..2t+1), c2,c3 at (g+8, 2t..2t+1) of each 16x8 tile ----
    // One row pointer at a time keeps the 64-bit address math out of the live set.
    T* C = (T*)p.C + z0 * p.sC0 + z1 * p.sC1;
    const int g = lane >> 2, t = lane & 3;
    const int col0 = (int)n0 + wn * 32 + 2 * t;
#pragma unroll
    for (int mi = 0; mi < 4; ++mi) {
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const int row = (int)m0 + wm * 64 + mi * 16 + g + h * 8;
        if (row >= M) continue;
        T* crow = C + (i64)row * p.sCm;
#pragma unroll
        for (int ni = 0; ni < 4; ++ni) {
          const int col = col0 + ni * 8;
          if (col < N) gemm_store<T>(crow, (i64)col * p.sCn, acc[mi][ni][2 * h], p.alpha, p.beta);
          if (col + 1 < N) gemm_store<T>(crow, (i64)(col + 1) * p.sCn, acc[mi][ni][2 * h + 1], p.alpha, p.beta);
        }
      }
    }
    __syncthreads();  // shared memory is refilled by the next batch entry
  }
}

// ---- SIMT fallback: 64x64 tile, BK 16, 256 threads, thread (tx, ty) owns rows ty + 16 i and
// columns tx + 16 j (i, j < 4), so shared reads are broadcasts / consecutive and C stores coalesce.
template <typename T> __device__ __forceinline__ void gemm_simt_body(const GemmArgs& p) {
  __shared__ float As[16][65];  // padded: conflict-free transposing stores
  __shared__ float Bs[16][65];
  const int tx = threadIdx.x & 15, ty = threadIdx.x >> 4;
  const i64 m0 = (i64)blockIdx.y * 64, n0 = (i64)blockIdx.x * 64;
  for (i64 z = blockIdx.z; z < p.batch_count; z += gridDim.z) {
    const i64 z0 = z / p.batch1, z1 = z % p.batch1;
    const T* A = (const T*)p.A + z0 * p.sA0 + z1 * p.sA1;
    const T* B = (const T*)p.B + z0 * p.sB0 + z1 * p.sB1;
    T* C = (T*)p.C + z0 * p.sC0 + z1 * p.sC1;
    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; ++i)
#pragma unroll
      for (int j = 0; j < 4; ++j) acc[i][j] = 0.f;
    for (i64 k0 = 0; k0 < p.K; k0 += 16) {
#pragma unroll
      for (int it = 0; it < 4; ++it) {
        const int q = threadIdx.x + it * 256;  // 0..1023 = 16 k x 64 mn
        // A: consecutive threads walk k first when A is K-contiguous, m first otherwise
        int kk, mm;
        if (p.sAk == 1) { kk = q & 15; mm = q >> 4; } else { mm = q & 63; kk = q >> 6; }
        const i64 gm = m0 + mm, gk = k0 + kk;
        As[kk][mm] = (gm < p.M && gk < p.K) ? to_f(A[gm * p.sAm + gk * p.sAk]) : 0.f;
        int kb, nn;
        if (p.sBk == 1) { kb = q & 15; nn = q >> 4; } else { nn = q & 63; kb = q >> 6; }
        const i64 gn = n0 + nn, gkb = k0 + kb;
        Bs[kb][nn] = (gn < p.N && gkb < p.K) ? to_f(B[gkb * p.sBk + gn * p.sBn]) : 0.f;
      }
      __syncthreads();
#pragma unroll
      for (int kk = 0; kk < 16; ++kk) {
        float a[4], b[4];
#pragma unroll
        for (int i = 0; i < 4; ++i) a[i] = As[kk][ty + 16 * i];
#pragma unroll
        for (int j = 0; j < 4; ++j) b[j] = Bs[kk][tx + 16 * j];
#pragma unroll
        for (int i = 0; i < 4; ++i)
#pragma unroll
          for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
      }
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const i64 row = m0 + ty + 16 * i;
      if (row >= p.M) continue;
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const i64 col = n0 + tx + 16 * j;
        if (col < p.N) gemm_store<T>(C, row * p.sCm + col * p.sCn, acc[i][j], p.alpha, p.beta);
      }
    }
  }
}

}  // namespace jd

using namespace jd;

#define JD_GEMM_PARAMS                                                                                   \
  const void *A, const void *B, void *C, i64 M, i64 N, i64 K, i64 sAm, i64 sAk, i64 sBk, i64 sBn, i64 sCm, \
      i64 sCn, i64 batch1, i64 batch_count, i64 sA0, i64 sA1, i64 sB0, i64 sB1, i64 sC0, i64 sC1, double alpha, \
      double beta
#define JD_GEMM_ARGS \
  GemmArgs { A, B, C, M, N, K, sAm, sAk, sBk, sBn, sCm, sCn, batch1, batch_count, sA0, sA1, sB0, sB1, sC0, sC1, (float)alpha, (float)beta }

#define JD_GEMM_TC(NAME, T, AK, BK)                                                              \
  extern "C" __global__ void __launch_bounds__(GEMM_THREADS, 1) NAME(JD_GEMM_PARAMS) {            \
    gemm_tc_body<T, AK, BK>(JD_GEMM_ARGS);                                                       \
  }

// suffix: A layout then B layout (n = row-major, t = transposed)
JD_GEMM_TC(gemm_bf16_nn, __nv_bfloat16, true, false)
JD_GEMM_TC(gemm_bf16_nt, __nv_bfloat16, true, true)
JD_GEMM_TC(gemm_bf16_tn, __nv_bfloat16, false, false)
JD_GEMM_TC(gemm_bf16_tt, __nv_bfloat16, false, true)
JD_GEMM_TC(gemm_tf32_nn, float, true, false)
JD_GEMM_TC(gemm_tf32_nt, float, true, true)
JD_GEMM_TC(gemm_tf32_tn, float, false, false)
JD_GEMM_TC(gemm_tf32_tt, float, false, true)
#undef JD_GEMM_TC

extern "C" __global__ void __launch_bounds__(256) gemm_simt_f32(JD_GEMM_PARAMS) { gemm_simt_body<float>(JD_GEMM_ARGS); }
extern "C" __global__ void __launch_bounds__(256) gemm_simt_bf16(JD_GEMM_PARAMS) {
  gemm_simt_body<__nv_bfloat16>(JD_GEMM_ARGS);
}
#undef JD_GEMM_PARAMS
#undef JD_GEMM_ARGS
