// Flash-attention style scaled dot-product attention, forward and backward, never materialising
// the [Tq, Tk] score matrix. Q [B, H, Tq, D], K and V [B, H, Tk, D], O like Q; any (batch, head,
// time) strides, head dim contiguous. Masks: causal (key j visible to query i iff j <= i, torch's
// top-left alignment) and an optional key-padding mask [B, Tk] (any dtype, nonzero = visible).
// A query row that sees no key gets O = 0 and lse = -inf (and zero gradients).
//
// Forward writes lse[b, h, i] = log sum_j exp(scale * q_i . k_j) (fp32, natural log, contiguous
// [B, H, Tq]) for the backward, which recomputes P = exp(scale * S - lse) tile by tile:
//   attn_bwd_preprocess: delta_i = sum_d dO[i, d] * O[i, d]           (fp32 [B, H, Tq] workspace)
//   attn_bwd_dq:   per query block, loop over key blocks:   dS = P * (dO V^T - delta); dQ = scale dS K
//   attn_bwd_dkdv: per key block, loop over query blocks:   dV = P^T dO; dK = scale dS^T Q
// Each output element is owned by one block (no atomics), so the backward is deterministic.
//
// Tensor-core kernels (bf16, D = 64 or 128): mma.sync m16n8k16, 4 warps x 16 rows, XOR-swizzled
// shared tiles fed by cp.async; P and dS go from the fp32 accumulators straight into bf16 A
// fragments. Generic kernels (fp32 or bf16, any D <= 128): SIMT, one lane per key (or query) of a
// 32-wide tile, online softmax in fp32 with expf; these also serve as the exact fp32 path.
#include "common.cuh"
#include "mma.cuh"

namespace jd {

#define JD_LOG2E 1.4426950408889634f
#define JD_LN2 0.6931471805599453f

// (batch, head, time) strides in elements of every attention tensor (24 int64, 192 bytes).
struct AttnStrides {
  i64 q[3], k[3], v[3], o[3], dq[3], dk[3], dv[3], dout[3];
};

// One (batch, head) slice: base pointers and time strides.
template <typename T> struct AttnHead {
  const T* q;
  const T* k;
  const T* v;
  T* o;
  const T* dout;
  T* dq;
  T* dk;
  T* dv;
  float* lse;    // at row 0 of this (b, h)
  float* delta;  // at row 0 of this (b, h)
  i64 sq, sk, sv, so, sdq, sdk, sdv, sdo;
  const void* mask;  // at key 0 of this batch, or null
  int mask_dtype;
  int Tq, Tk, D, causal;
  float scale;

  __device__ __forceinline__ bool key_ok(int key) const {
    return key < Tk && (mask == nullptr || load_as_float(mask, mask_dtype, key) != 0.f);
  }
};

#define JD_ATTN_PARAMS                                                                                        \
  const void *q, const void *k, const void *v, void *o, float *lse, const void *dout, void *dq, void *dk,     \
      void *dv, float *delta, const void *key_mask, int mask_dtype, i64 B, i64 H, i64 Tq, i64 Tk, i64 D,       \
      double scale, int causal, AttnStrides st

template <typename T>
__device__ __forceinline__ AttnHead<T> attn_head(JD_ATTN_PARAMS) {
  const i64 b = blockIdx.z, h = blockIdx.y;
  AttnHead<T> a;
  a.q = (const T*)q + b * st.q[0] + h * st.q[1];
  a.k = (const T*)k + b * st.k[0] + h * st.k[1];
  a.v = (const T*)v + b * st.v[0] + h * st.v[1];
  a.o = o ? (T*)o + b * st.o[0] + h * st.o[1] : nullptr;
  a.dout = dout ? (const T*)dout + b * st.dout[0] + h * st.dout[1] : nullptr;
  a.dq = dq ? (T*)dq + b * st.dq[0] + h * st.dq[1] : nullptr;
  a.dk = dk ? (T*)dk + b * st.dk[0] + h * st.dk[1] : nullptr;
  a.dv = dv ? (T*)dv + b * st.dv[0] + h * st.dv[1] : nullptr;
  a.lse = lse ? lse + (b * H + h) * Tq : nullptr;
  a.delta = delta ? delta + (b * H + h) * Tq : nullptr;
  a.sq = st.q[2];
  a.sk = st.k[2];
  a.sv = st.v[2];
  a.so = st.o[2];
  a.sdq = st.dq[2];
  a.sdk = st.dk[2];
  a.sdv = st.dv[2];
  a.sdo = st.dout[2];
  a.mask = key_mask ? (const char*)key_mask + b * Tk * dtype_size(mask_dtype) : nullptr;
  a.mask_dtype = mask_dtype;
  a.Tq = (int)Tq;
  a.Tk = (int)Tk;
  a.D = (int)D;
  a.causal = causal;
  a.scale = (float)scale;
  return a;
}

// ================================ tensor-core path (bf16) ========================================
typedef __nv_bfloat16 bf16;

// Byte offset of 16-byte chunk `chunk` of row `row` in a [rows][RB bytes] tile, XOR-swizzled so
// that the 8 rows one ldmatrix phase reads land in 8 different bank groups.
__device__ __forceinline__ int swz(int row, int chunk, int row_bytes) { return row * row_bytes + ((chunk ^ (row & 7)) << 4); }

// Rows t0 .. t0+ROWS-1 (zero beyond T) of a [T, D] slice with time stride st into a swizzled tile.
template <int ROWS, int D>
__device__ __forceinline__ void attn_tile_load(char* tile, const bf16* base, i64 st, int t0, int T, bool vec) {
  constexpr int CPR = D / 8;
#pragma unroll 1  // unrolled, the hoisted addresses of every chunk cost ~60 registers in the caller
  for (int it = 0; it < ROWS * CPR / 128; ++it) {
    const int c = threadIdx.x + it * 128;
    const int r = c / CPR, ch = c % CPR;
    const int t = t0 + r;
    char* dst = tile + swz(r, ch, D * 2);
    const bool in = t < T;
    const bf16* src = base + (in ? (i64)t * st : 0) + ch * 8;
    if (vec) {
      cp_async16(smem_u32(dst), src, in ? 16 : 0);
    } else {
      Vec16<bf16> val;
#pragma unroll
      for (int e = 0; e < 8; ++e) val.e[e] = in ? src[e] : __float2bfloat16_rn(0.f);
      *reinterpret_cast<uint4*>(dst) = *reinterpret_cast<const uint4*>(&val);
    }
  }
}

__device__ __forceinline__ bool rows_vec(const void* base, i64 st) { return aligned16(base) && st % 8 == 0; }

// acc[NT][4] += A * B^T: A = 16 rows (from a_row0) of tile a, B = NT*8 rows (from b_row0) of tile
// b; both tiles [rows][KD] bf16, the product runs over KD.
template <int KD, int NT>
__device__ __forceinline__ void mma_rows_rows(float (&acc)[NT][4], const char* a, int a_row0, const char* b, int b_row0) {
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int ks = 0; ks < KD / 16; ++ks) {
    unsigned af[4];
    ldmatrix_x4(smem_u32(a + swz(a_row0 + (lane & 15), ks * 2 + (lane >> 4), KD * 2)), af[0], af[1], af[2], af[3]);
#pragma unroll
    for (int p = 0; p < NT / 2; ++p) {
      const int row = b_row0 + p * 16 + (lane & 7) + ((lane >> 4) << 3);
      unsigned b0[2], b1[2];
      ldmatrix_x4(smem_u32(b + swz(row, ks * 2 + ((lane >> 3) & 1), KD * 2)), b0[0], b0[1], b1[0], b1[1]);
      mma_bf16_16816(acc[2 * p], af, b0);
      mma_bf16_16816(acc[2 * p + 1], af, b1);
    }
  }
}

// acc[DT][4] += P * Bm: P = 16 x KN given as fp32 accumulators pacc[KN/8][4] (rounded to bf16),
// Bm = KN rows (from b_row0) x DT*8 columns of tile b ([rows][DT*8] bf16), read with ldmatrix.trans.
template <int KN, int DT>
__device__ __forceinline__ void mma_acc_rows(float (&acc)[DT][4], const float (&pacc)[KN / 8][4], const char* b, int b_row0) {
  const int lane = threadIdx.x & 31, i = lane >> 3, r = lane & 7;
#pragma unroll
  for (int kk = 0; kk < KN / 16; ++kk) {
    unsigned af[4];
    af[0] = pack_bf16(pacc[2 * kk][0], pacc[2 * kk][1]);
    af[1] = pack_bf16(pacc[2 * kk][2], pacc[2 * kk][3]);
    af[2] = pack_bf16(pacc[2 * kk + 1][0], pacc[2 * kk + 1][1]);
    af[3] = pack_bf16(pacc[2 * kk + 1][2], pacc[2 * kk + 1][3]);
#pragma unroll
    for (int dp = 0; dp < DT / 2; ++dp) {
      const int row = b_row0 + kk * 16 + r + (i & 1) * 8;
      unsigned b0[2], b1[2];
      ldmatrix_x4_trans(smem_u32(b + swz(row, dp * 2 + (i >> 1), DT * 16)), b0[0], b0[1], b1[0], b1[1]);
      mma_bf16_16816(acc[2 * dp], af, b0);
      mma_bf16_16816(acc[2 * dp + 1], af, b1);
    }
  }
}

// Stores a warp's 16 x DT*8 accumulator rows (row0 + g, row0 + g + 8) times `mul` into rows of a
// [T, D] slice (rows >= T skipped).
template <int DT>
__device__ __forceinline__ void attn_store_rows(bf16* base, i64 st, int row0, int T, const float (&acc)[DT][4],
                                                const float (&mul)[2]) {
  const int lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const int row = row0 + g + 8 * h;
    if (row >= T) continue;
    bf16* p = base + (i64)row * st + 2 * t;
    const bool pair = ((uintptr_t)p & 3) == 0;
#pragma unroll
    for (int dt = 0; dt < DT; ++dt) {
      const float x0 = acc[dt][2 * h] * mul[h], x1 = acc[dt][2 * h + 1] * mul[h];
      if (pair) {
        *reinterpret_cast<__nv_bfloat162*>(p + dt * 8) = __floats2bfloat162_rn(x0, x1);
      } else {
        p[dt * 8] = __float2bfloat16_rn(x0);
        p[dt * 8 + 1] = __float2bfloat16_rn(x1);
      }
    }
  }
}

// Forward: block = 4 warps = 64 query rows; key blocks of 64; shared Q, K, V tiles (3 * 64 * D * 2 B).
// K(j+1) loads while softmax and P V(j) run; V(j+1) loads while the next S is computed.
template <int D> __device__ void attn_fwd_tc_body(const AttnHead<bf16>& a) {
  JD_DYNAMIC_SHARED(char, attn_smem, 128);
  constexpr int BM = 64, BN = 64, DT = D / 8, NT = BN / 8;
  char* sQ = attn_smem;
  char* sK = sQ + BM * D * 2;
  char* sV = sK + BN * D * 2;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int q0 = blockIdx.x * BM;
  const float sl2 = a.scale * JD_LOG2E;
  const bool vq = rows_vec(a.q, a.sq), vk = rows_vec(a.k, a.sk), vv = rows_vec(a.v, a.sv);
  int nkb = (a.Tk + BN - 1) / BN;
  if (a.causal) nkb = min(nkb, q0 / BN + 1);

  attn_tile_load<BM, D>(sQ, a.q, a.sq, q0, a.Tq, vq);
  if (nkb > 0) attn_tile_load<BN, D>(sK, a.k, a.sk, 0, a.Tk, vk);
  cp_async_commit();
  if (nkb > 0) attn_tile_load<BN, D>(sV, a.v, a.sv, 0, a.Tk, vv);
  cp_async_commit();
  cp_async_wait<1>();
  __syncthreads();

  float o[DT][4];
#pragma unroll
  for (int i = 0; i < DT; ++i)
#pragma unroll
    for (int e = 0; e < 4; ++e) o[i][e] = 0.f;
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};
  const int row_a = q0 + warp * 16 + g;

  for (int kb = 0; kb < nkb; ++kb) {
    float s[NT][4];
#pragma unroll
    for (int i = 0; i < NT; ++i)
#pragma unroll
      for (int e = 0; e < 4; ++e) s[i][e] = 0.f;
    mma_rows_rows<D, NT>(s, sQ, warp * 16, sK, 0);
    __syncthreads();  // every warp is done with sK
    if (kb + 1 < nkb) attn_tile_load<BN, D>(sK, a.k, a.sk, (kb + 1) * BN, a.Tk, vk);
    cp_async_commit();

    bool kok[NT][2];
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 2; ++e) kok[nt][e] = a.key_ok(kb * BN + nt * 8 + 2 * t + e);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = row_a + 8 * h;
      float mx = -INFINITY;
#pragma unroll
      for (int nt = 0; nt < NT; ++nt)
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int key = kb * BN + nt * 8 + 2 * t + e;
          const bool ok = kok[nt][e] && (!a.causal || key <= row);
          float& x = s[nt][2 * h + e];
          x = ok ? x * sl2 : -INFINITY;
          mx = fmaxf(mx, x);
        }
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
      const float mnew = fmaxf(m[h], mx);
      const float muse = mnew == -INFINITY ? 0.f : mnew;
      const float corr = exp2f(m[h] - muse);
      m[h] = mnew;
      float ls = 0.f;
#pragma unroll
      for (int nt = 0; nt < NT; ++nt)
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          float& x = s[nt][2 * h + e];
          x = exp2f(x - muse);
          ls += x;
        }
      l[h] = l[h] * corr + ls;
#pragma unroll
      for (int dt = 0; dt < DT; ++dt) {
        o[dt][2 * h] *= corr;
        o[dt][2 * h + 1] *= corr;
      }
    }

    cp_async_wait<1>();  // V(kb) has landed
    __syncthreads();
    mma_acc_rows<BN, DT>(o, s, sV, 0);
    __syncthreads();  // every warp is done with sV
    if (kb + 1 < nkb) attn_tile_load<BN, D>(sV, a.v, a.sv, (kb + 1) * BN, a.Tk, vv);
    cp_async_commit();
    cp_async_wait<1>();  // K(kb + 1) has landed
    __syncthreads();
  }
  cp_async_wait<0>();

  float inv[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    float lt = l[h];
    lt += __shfl_xor_sync(0xffffffffu, lt, 1);
    lt += __shfl_xor_sync(0xffffffffu, lt, 2);
    inv[h] = lt > 0.f ? 1.f / lt : 0.f;
    const int row = row_a + 8 * h;
    if (t == 0 && row < a.Tq) a.lse[row] = lt > 0.f ? (m[h] + log2f(lt)) * JD_LN2 : -INFINITY;
  }
  attn_store_rows<DT>(a.o, a.so, q0 + warp * 16, a.Tq, o, inv);
}

// dQ: block = 64 query rows, key blocks of BN (64 for D = 64, 32 for D = 128); shared Q, dO, K, V.
template <int D> __device__ void attn_bwd_dq_tc_body(const AttnHead<bf16>& a) {
  JD_DYNAMIC_SHARED(char, attn_smem, 128);
  constexpr int BM = 64, BN = D == 64 ? 64 : 32, DT = D / 8, NT = BN / 8;
  char* sQ = attn_smem;
  char* sdO = sQ + BM * D * 2;
  char* sK = sdO + BM * D * 2;
  char* sV = sK + BN * D * 2;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int q0 = blockIdx.x * BM;
  const float sl2 = a.scale * JD_LOG2E;
  const bool vk = rows_vec(a.k, a.sk), vv = rows_vec(a.v, a.sv);
  int nkb = (a.Tk + BN - 1) / BN;
  if (a.causal) nkb = min(nkb, (q0 + BM - 1) / BN + 1);

  attn_tile_load<BM, D>(sQ, a.q, a.sq, q0, a.Tq, rows_vec(a.q, a.sq));
  attn_tile_load<BM, D>(sdO, a.dout, a.sdo, q0, a.Tq, rows_vec(a.dout, a.sdo));
  cp_async_commit();

  const int row_a = q0 + warp * 16 + g;
  float lse2[2], dl[2];
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const int row = row_a + 8 * h;
    lse2[h] = row < a.Tq ? a.lse[row] * JD_LOG2E : 0.f;
    dl[h] = row < a.Tq ? a.delta[row] : 0.f;
  }
  float dqa[DT][4];
#pragma unroll
  for (int i = 0; i < DT; ++i)
#pragma unroll
    for (int e = 0; e < 4; ++e) dqa[i][e] = 0.f;

  for (int kb = 0; kb < nkb; ++kb) {
    attn_tile_load<BN, D>(sK, a.k, a.sk, kb * BN, a.Tk, vk);
    attn_tile_load<BN, D>(sV, a.v, a.sv, kb * BN, a.Tk, vv);
    cp_async_commit();
    cp_async_wait<0>();
    __syncthreads();
    float s[NT][4], dp[NT][4];
#pragma unroll
    for (int i = 0; i < NT; ++i)
#pragma unroll
      for (int e = 0; e < 4; ++e) s[i][e] = dp[i][e] = 0.f;
    mma_rows_rows<D, NT>(s, sQ, warp * 16, sK, 0);
    mma_rows_rows<D, NT>(dp, sdO, warp * 16, sV, 0);
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int key = kb * BN + nt * 8 + 2 * t + (e & 1), h = e >> 1, row = row_a + 8 * h;
        const bool ok = row < a.Tq && a.key_ok(key) && (!a.causal || key <= row);
        const float p = ok ? exp2f(s[nt][e] * sl2 - lse2[h]) : 0.f;
        s[nt][e] = p * (dp[nt][e] - dl[h]);  // dS
      }
    mma_acc_rows<BN, DT>(dqa, s, sK, 0);
    __syncthreads();  // sK, sV are refilled next
  }
  const float mul[2] = {a.scale, a.scale};
  attn_store_rows<DT>(a.dq, a.sdq, q0 + warp * 16, a.Tq, dqa, mul);
}

// dK, dV: block = 64 keys (4 warps x 16), query blocks of BM (64 for D = 64, 32 for D = 128).
template <int D> __device__ void attn_bwd_dkdv_tc_body(const AttnHead<bf16>& a) {
  JD_DYNAMIC_SHARED(char, attn_smem, 128);
  constexpr int BN = 64, BM = D == 64 ? 64 : 32, DT = D / 8, NT = BM / 8;
  char* sK = attn_smem;
  char* sV = sK + BN * D * 2;
  char* sQ = sV + BN * D * 2;
  char* sdO = sQ + BM * D * 2;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, t = lane & 3;
  const int k0 = blockIdx.x * BN;
  const float sl2 = a.scale * JD_LOG2E;
  const bool vq = rows_vec(a.q, a.sq), vdo = rows_vec(a.dout, a.sdo);

  attn_tile_load<BN, D>(sK, a.k, a.sk, k0, a.Tk, rows_vec(a.k, a.sk));
  attn_tile_load<BN, D>(sV, a.v, a.sv, k0, a.Tk, rows_vec(a.v, a.sv));
  cp_async_commit();

  const int key_a = k0 + warp * 16 + g;
  bool kok[2];
  kok[0] = a.key_ok(key_a);
  kok[1] = a.key_ok(key_a + 8);
  float dka[DT][4], dva[DT][4];
#pragma unroll
  for (int i = 0; i < DT; ++i)
#pragma unroll
    for (int e = 0; e < 4; ++e) dka[i][e] = dva[i][e] = 0.f;

  const int nqb = (a.Tq + BM - 1) / BM;
  for (int qb = a.causal ? k0 / BM : 0; qb < nqb; ++qb) {
    const int qs = qb * BM;
    attn_tile_load<BM, D>(sQ, a.q, a.sq, qs, a.Tq, vq);
    attn_tile_load<BM, D>(sdO, a.dout, a.sdo, qs, a.Tq, vdo);
    cp_async_commit();
    float lq[NT][2], dlq[NT][2];
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 2; ++e) {
        const int query = qs + nt * 8 + 2 * t + e;
        lq[nt][e] = query < a.Tq ? a.lse[query] * JD_LOG2E : 0.f;
        dlq[nt][e] = query < a.Tq ? a.delta[query] : 0.f;
      }
    cp_async_wait<0>();
    __syncthreads();
    float sp[NT][4];
#pragma unroll
    for (int i = 0; i < NT; ++i)
#pragma unroll
      for (int e = 0; e < 4; ++e) sp[i][e] = 0.f;
    mma_rows_rows<D, NT>(sp, sK, warp * 16, sQ, 0);  // S^T: rows = keys, cols = queries
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int query = qs + nt * 8 + 2 * t + (e & 1), h = e >> 1, key = key_a + 8 * h;
        const bool ok = query < a.Tq && kok[h] && (!a.causal || key <= query);
        sp[nt][e] = ok ? exp2f(sp[nt][e] * sl2 - lq[nt][e & 1]) : 0.f;  // P^T
      }
    mma_acc_rows<BM, DT>(dva, sp, sdO, 0);  // dV += P^T dO
    float dpt[NT][4];
#pragma unroll
    for (int i = 0; i < NT; ++i)
#pragma unroll
      for (int e = 0; e < 4; ++e) dpt[i][e] = 0.f;
    mma_rows_rows<D, NT>(dpt, sV, warp * 16, sdO, 0);  // dP^T = V dO^T
#pragma unroll
    for (int nt = 0; nt < NT; ++nt)
#pragma unroll
      for (int e = 0; e < 4; ++e) sp[nt][e] *= dpt[nt][e] - dlq[nt][e & 1];  // dS^T
    mma_acc_rows<BM, DT>(dka, sp, sQ, 0);  // dK += dS^T Q
    __syncthreads();  // sQ, sdO are refilled next
  }
  const float mk[2] = {a.scale, a.scale}, mv[2] = {1.f, 1.f};
  attn_store_rows<DT>(a.dk, a.sdk, k0 + warp * 16, a.Tk, dka, mk);
  attn_store_rows<DT>(a.dv, a.sdv, k0 + warp * 16, a.Tk, dva, mv);
}

// ================================ generic SIMT path (fp32 / bf16, D <= 128) =====================
#define JD_ATTN_GEN_MAXD 128
#define JD_GEN_DJ (JD_ATTN_GEN_MAXD / 32)

// Rows t0 .. t0+rows-1 of a [T, D] slice into a float tile with row pitch `pitch` (zero beyond T).
template <typename T>
__device__ __forceinline__ void gen_load_rows(float* tile, int pitch, const T* base, i64 st, int t0, int rows, int T_,
                                              int D) {
  for (int c = threadIdx.x; c < rows * D; c += blockDim.x) {
    const int r = c / D, d = c % D, t = t0 + r;
    tile[r * pitch + d] = t < T_ ? to_f(base[(i64)t * st + d]) : 0.f;
  }
}

// Forward: 4 warps x 4 query rows = 16 queries per block; key tiles of 32 (lane = key).
// Shared: Q [16][D], K [32][D+1], V [32][D+1] floats.
template <typename T> __device__ void attn_fwd_gen_body(const AttnHead<T>& a) {
  JD_DYNAMIC_SHARED(float, gsm, 16);
  const int D = a.D, KP = D + 1;
  float* sQ = gsm;
  float* sK = sQ + 16 * D;
  float* sV = sK + 32 * KP;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int q0 = blockIdx.x * 16;
  gen_load_rows<T>(sQ, D, a.q, a.sq, q0, 16, a.Tq, D);
  int nkb = (a.Tk + 31) / 32;
  if (a.causal) nkb = min(nkb, (q0 + 15) / 32 + 1);
  float o[4][JD_GEN_DJ], m[4], l[4];
#pragma unroll
  for (int qi = 0; qi < 4; ++qi) {
    m[qi] = -INFINITY;
    l[qi] = 0.f;
#pragma unroll
    for (int j = 0; j < JD_GEN_DJ; ++j) o[qi][j] = 0.f;
  }
  for (int kb = 0; kb < nkb; ++kb) {
    __syncthreads();
    gen_load_rows<T>(sK, KP, a.k, a.sk, kb * 32, 32, a.Tk, D);
    gen_load_rows<T>(sV, KP, a.v, a.sv, kb * 32, 32, a.Tk, D);
    __syncthreads();
    const int key = kb * 32 + lane;
    const bool kok = a.key_ok(key);
#pragma unroll
    for (int qi = 0; qi < 4; ++qi) {
      const int r = warp * 4 + qi, row = q0 + r;
      float s = 0.f;
      for (int d = 0; d < D; ++d) s = fmaf(sQ[r * D + d], sK[lane * KP + d], s);
      const bool ok = kok && (!a.causal || key <= row);
      s = ok ? s * a.scale : -INFINITY;
      const float mnew = fmaxf(m[qi], warp_max(s));
      const float muse = mnew == -INFINITY ? 0.f : mnew;
      const float corr = expf(m[qi] - muse);
      const float p = ok ? expf(s - muse) : 0.f;
      l[qi] = l[qi] * corr + warp_sum(p);
      m[qi] = mnew;
#pragma unroll
      for (int j = 0; j < JD_GEN_DJ; ++j) o[qi][j] *= corr;
      for (int jj = 0; jj < 32; ++jj) {
        const float pj = __shfl_sync(0xffffffffu, p, jj);
#pragma unroll
        for (int j = 0; j < JD_GEN_DJ; ++j) {
          const int d = lane + 32 * j;
          if (d < D) o[qi][j] = fmaf(pj, sV[jj * KP + d], o[qi][j]);
        }
      }
    }
  }
#pragma unroll
  for (int qi = 0; qi < 4; ++qi) {
    const int row = q0 + warp * 4 + qi;
    if (row >= a.Tq) continue;
    const float inv = l[qi] > 0.f ? 1.f / l[qi] : 0.f;
    T* orow = a.o + (i64)row * a.so;
#pragma unroll
    for (int j = 0; j < JD_GEN_DJ; ++j) {
      const int d = lane + 32 * j;
      if (d < D) orow[d] = from_f<T>(o[qi][j] * inv);
    }
    if (lane == 0) a.lse[row] = l[qi] > 0.f ? m[qi] + logf(l[qi]) : -INFINITY;
  }
}

// dQ: 4 warps x 2 query rows = 8 queries per block; key tiles of 32 (lane = key).
// Shared: Q [8][D], dO [8][D], K [32][D+1], V [32][D+1] floats.
template <typename T> __device__ void attn_bwd_dq_gen_body(const AttnHead<T>& a) {
  JD_DYNAMIC_SHARED(float, gsm, 16);
  const int D = a.D, KP = D + 1;
  float* sQ = gsm;
  float* sdO = sQ + 8 * D;
  float* sK = sdO + 8 * D;
  float* sV = sK + 32 * KP;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int q0 = blockIdx.x * 8;
  gen_load_rows<T>(sQ, D, a.q, a.sq, q0, 8, a.Tq, D);
  gen_load_rows<T>(sdO, D, a.dout, a.sdo, q0, 8, a.Tq, D);
  float lse[2], dl[2], acc[2][JD_GEN_DJ];
#pragma unroll
  for (int qi = 0; qi < 2; ++qi) {
    const int row = q0 + warp * 2 + qi;
    lse[qi] = row < a.Tq ? a.lse[row] : 0.f;
    dl[qi] = row < a.Tq ? a.delta[row] : 0.f;
#pragma unroll
    for (int j = 0; j < JD_GEN_DJ; ++j) acc[qi][j] = 0.f;
  }
  int nkb = (a.Tk + 31) / 32;
  if (a.causal) nkb = min(nkb, (q0 + 7) / 32 + 1);
  for (int kb = 0; kb < nkb; ++kb) {
    __syncthreads();
    gen_load_rows<T>(sK, KP, a.k, a.sk, kb * 32, 32, a.Tk, D);
    gen_load_rows<T>(sV, KP, a.v, a.sv, kb * 32, 32, a.Tk, D);
    __syncthreads();
    const int key = kb * 32 + lane;
    const bool kok = a.key_ok(key);
#pragma unroll
    for (int qi = 0; qi < 2; ++qi) {
      const int r = warp * 2 + qi, row = q0 + r;
      float s = 0.f, dp = 0.f;
      for (int d = 0; d < D; ++d) {
        s = fmaf(sQ[r * D + d], sK[lane * KP + d], s);
        dp = fmaf(sdO[r * D + d], sV[lane * KP + d], dp);
      }
      const bool ok = kok && row < a.Tq && (!a.causal || key <= row);
      const float p = ok ? expf(s * a.scale - lse[qi]) : 0.f;
      const float ds = p * (dp - dl[qi]);
      for (int jj = 0; jj < 32; ++jj) {
        const float dsj = __shfl_sync(0xffffffffu, ds, jj);
#pragma unroll
        for (int j = 0; j < JD_GEN_DJ; ++j) {
          const int d = lane + 32 * j;
          if (d < D) acc[qi][j] = fmaf(dsj, sK[jj * KP + d], acc[qi][j]);
        }
      }
    }
  }
#pragma unroll
  for (int qi = 0; qi < 2; ++qi) {
    const int row = q0 + warp * 2 + qi;
    if (row >= a.Tq) continue;
    T* out = a.dq + (i64)row * a.sdq;
#pragma unroll
    for (int j = 0; j < JD_GEN_DJ; ++j) {
      const int d = lane + 32 * j;
      if (d < D) out[d] = from_f<T>(acc[qi][j] * a.scale);
    }
  }
}

// dK, dV: 4 warps x 2 keys = 8 keys per block; query tiles of 32 (lane = query).
// Shared: K [8][D], V [8][D], Q [32][D+1], dO [32][D+1], lse [32], delta [32] floats.
template <typename T> __device__ void attn_bwd_dkdv_gen_body(const AttnHead<T>& a) {
  JD_DYNAMIC_SHARED(float, gsm, 16);
  const int D = a.D, KP = D + 1;
  float* sK = gsm;
  float* sV = sK + 8 * D;
  float* sQ = sV + 8 * D;
  float* sdO = sQ + 32 * KP;
  float* sL = sdO + 32 * KP;
  float* sDl = sL + 32;
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int k0 = blockIdx.x * 8;
  gen_load_rows<T>(sK, D, a.k, a.sk, k0, 8, a.Tk, D);
  gen_load_rows<T>(sV, D, a.v, a.sv, k0, 8, a.Tk, D);
  bool kok[2];
  float dka[2][JD_GEN_DJ], dva[2][JD_GEN_DJ];
#pragma unroll
  for (int ki = 0; ki < 2; ++ki) {
    kok[ki] = a.key_ok(k0 + warp * 2 + ki);
#pragma unroll
    for (int j = 0; j < JD_GEN_DJ; ++j) dka[ki][j] = dva[ki][j] = 0.f;
  }
  const int nqb = (a.Tq + 31) / 32;
  for (int qb = a.causal ? k0 / 32 : 0; qb < nqb; ++qb) {
    __syncthreads();
    gen_load_rows<T>(sQ, KP, a.q, a.sq, qb * 32, 32, a.Tq, D);
    gen_load_rows<T>(sdO, KP, a.dout, a.sdo, qb * 32, 32, a.Tq, D);
    if (threadIdx.x < 32) {
      const int query = qb * 32 + threadIdx.x;
      sL[threadIdx.x] = query < a.Tq ? a.lse[query] : 0.f;
      sDl[threadIdx.x] = query < a.Tq ? a.delta[query] : 0.f;
    }
    __syncthreads();
    const int query = qb * 32 + lane;
#pragma unroll
    for (int ki = 0; ki < 2; ++ki) {
      const int kr = warp * 2 + ki, key = k0 + kr;
      float s = 0.f, dp = 0.f;
      for (int d = 0; d < D; ++d) {
        s = fmaf(sQ[lane * KP + d], sK[kr * D + d], s);
        dp = fmaf(sdO[lane * KP + d], sV[kr * D + d], dp);
      }
      const bool ok = kok[ki] && query < a.Tq && (!a.causal || key <= query);
      const float p = ok ? expf(s * a.scale - sL[lane]) : 0.f;
      const float ds = p * (dp - sDl[lane]);
      for (int jj = 0; jj < 32; ++jj) {
        const float pj = __shfl_sync(0xffffffffu, p, jj), dsj = __shfl_sync(0xffffffffu, ds, jj);
#pragma unroll
        for (int j = 0; j < JD_GEN_DJ; ++j) {
          const int d = lane + 32 * j;
          if (d < D) {
            dva[ki][j] = fmaf(pj, sdO[jj * KP + d], dva[ki][j]);
            dka[ki][j] = fmaf(dsj, sQ[jj * KP + d], dka[ki][j]);
          }
        }
      }
    }
  }
#pragma unroll
  for (int ki = 0; ki < 2; ++ki) {
    const int key = k0 + warp * 2 + ki;
    if (key >= a.Tk) continue;
    T* dko = a.dk + (i64)key * a.sdk;
    T* dvo = a.dv + (i64)key * a.sdv;
#pragma unroll
    for (int j = 0; j < JD_GEN_DJ; ++j) {
      const int d = lane + 32 * j;
      if (d < D) {
        dko[d] = from_f<T>(dka[ki][j] * a.scale);
        dvo[d] = from_f<T>(dva[ki][j]);
      }
    }
  }
}

// delta[b, h, i] = sum_d dO[b, h, i, d] * O[b, h, i, d]; one warp per row, 4 rows per block;
// grid (ceil(Tq / 4), H, B).
template <typename T> __device__ void attn_bwd_preprocess_body(const AttnHead<T>& a) {
  const int row = blockIdx.x * 4 + (threadIdx.x >> 5), lane = threadIdx.x & 31;
  if (row >= a.Tq) return;
  const T* o = a.o + (i64)row * a.so;
  const T* g = a.dout + (i64)row * a.sdo;
  float acc = 0.f;
  for (int d = lane; d < a.D; d += 32) acc = fmaf(to_f(o[d]), to_f(g[d]), acc);
  acc = warp_sum(acc);
  if (lane == 0) a.delta[row] = acc;
}

}  // namespace jd

using namespace jd;

#define JD_ATTN_ARGS q, k, v, o, lse, dout, dq, dk, dv, delta, key_mask, mask_dtype, B, H, Tq, Tk, D, scale, causal, st

#define JD_ATTN_TC(DIM)                                                                                             \
  extern "C" __global__ void __launch_bounds__(128) attn_fwd_bf16_d##DIM(JD_ATTN_PARAMS) {                          \
    attn_fwd_tc_body<DIM>(attn_head<bf16>(JD_ATTN_ARGS));                                                           \
  }                                                                                                                 \
  extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_bf16_d##DIM(JD_ATTN_PARAMS) {                       \
    attn_bwd_dq_tc_body<DIM>(attn_head<bf16>(JD_ATTN_ARGS));                                                        \
  }                                                                                                                 \
  extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_bf16_d##DIM(JD_ATTN_PARAMS) {                     \
    attn_bwd_dkdv_tc_body<DIM>(attn_head<bf16>(JD_ATTN_ARGS));                                                      \
  }

JD_ATTN_TC(64)
JD_ATTN_TC(128)
#undef JD_ATTN_TC

#define JD_ATTN_GEN(SUFFIX, T)                                                                                      \
  extern "C" __global__ void __launch_bounds__(128) attn_fwd_generic_##SUFFIX(JD_ATTN_PARAMS) {                     \
    attn_fwd_gen_body<T>(attn_head<T>(JD_ATTN_ARGS));                                                               \
  }                                                                                                                 \
  extern "C" __global__ void __launch_bounds__(128) attn_bwd_dq_generic_##SUFFIX(JD_ATTN_PARAMS) {                  \
    attn_bwd_dq_gen_body<T>(attn_head<T>(JD_ATTN_ARGS));                                                            \
  }                                                                                                                 \
  extern "C" __global__ void __launch_bounds__(128) attn_bwd_dkdv_generic_##SUFFIX(JD_ATTN_PARAMS) {                \
    attn_bwd_dkdv_gen_body<T>(attn_head<T>(JD_ATTN_ARGS));                                                          \
  }                                                                                                                 \
  extern "C" __global__ void __launch_bounds__(128) attn_bwd_preprocess_##SUFFIX(JD_ATTN_PARAMS) {                  \
    attn_bwd_preprocess_body<T>(attn_head<T>(JD_ATTN_ARGS));                                                        \
  }

JD_ATTN_GEN(f32, float)
JD_ATTN_GEN(bf16, bf16)
#undef JD_ATTN_GEN
#undef JD_ATTN_ARGS
