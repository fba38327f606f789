# Lane-level simulation of the tensor-core index math in gemm.cu (tile loads, XOR swizzles,
# ldmatrix / ldmatrix.trans, mma.sync fragment layouts, epilogue) against a float64 reference,
# so that an indexing slip shows up without a GPU. It transliterates the kernel's index
# expressions by hand: change it together with gemm.cu. Needs numpy; run from this folder:
#   python3 gemm_fragments_sim.py
import numpy as np, itertools, sys

def kmajor_off(row, chunk): return row*64 + ((chunk ^ ((row >> 1) & 3)) << 4)
def mnmajor_off(esize, k, chunk):
    return k*256 + ((chunk ^ (k & 7)) << 4) if esize == 2 else k*512 + ((chunk ^ ((k & 3) << 1)) << 4)

class Smem:
    def __init__(self, nbytes): self.b = {}  # byte offset of element start -> value
    def put(self, off, v): self.b[off] = v
    def get(self, off):
        return self.b[off]

def load_tile(sm, base_off, esize, kmajor, G, ld, mn_ext, k_ext, mn0, k0):
    # G: flat global array (numpy), element (mn,k) at mn*ld+k (kmajor) or k*ld+mn
    EPC = 16 // esize
    for tid in range(256):
        for it in range(2):
            q = tid + it*256
            if kmajor:
                row, chunk = q >> 2, q & 3
                mn, k = mn0 + row, k0 + chunk*EPC
                off = kmajor_off(row, chunk)
                nvalid = max(0, min(EPC, k_ext - k)) if mn < mn_ext else 0
                for e in range(EPC):
                    v = G[mn*ld + k + e] if e < nvalid else 0.0
                    sm.put(base_off + off + e*esize, v)
            else:
                CPR = 16 if esize == 2 else 32
                row, chunk = q // CPR, q % CPR
                k, mn = k0 + row, mn0 + chunk*EPC
                off = mnmajor_off(esize, row, chunk)
                nvalid = max(0, min(EPC, mn_ext - mn)) if k < k_ext else 0
                for e in range(EPC):
                    v = G[k*ld + mn + e] if e < nvalid else 0.0
                    sm.put(base_off + off + e*esize, v)

def ldmatrix(sm, addrs, trans, esize):
    # addrs[lane] = byte address provided by lane. returns regs[lane][i] as tuple of values
    regs = [[None]*4 for _ in range(32)]
    for lane in range(32):
        for i in range(4):
            if not trans:
                a = addrs[8*i + lane//4] + (lane % 4)*4
                regs[lane][i] = (sm.get(a), sm.get(a+2)) if esize == 2 else (sm.get(a),)
            else:
                assert esize == 2
                a0 = addrs[8*i + 2*(lane % 4)] + (lane//4)*2
                a1 = addrs[8*i + 2*(lane % 4) + 1] + (lane//4)*2
                regs[lane][i] = (sm.get(a0), sm.get(a1))
    return regs

def mma(esize, acc, a, b):
    # acc[lane][4], a[lane][4] regs (tuples), b[lane][2] regs
    if esize == 2:
        A = np.zeros((16, 16)); B = np.zeros((16, 8))
        for lane in range(32):
            g, t = lane >> 2, lane & 3
            A[g, 2*t:2*t+2] = a[lane][0]; A[g+8, 2*t:2*t+2] = a[lane][1]
            A[g, 2*t+8:2*t+10] = a[lane][2]; A[g+8, 2*t+8:2*t+10] = a[lane][3]
            B[2*t:2*t+2, g] = b[lane][0]; B[2*t+8:2*t+10, g] = b[lane][1]
    else:
        A = np.zeros((16, 8)); B = np.zeros((8, 8))
        for lane in range(32):
            g, t = lane >> 2, lane & 3
            A[g, t] = a[lane][0][0]; A[g+8, t] = a[lane][1][0]; A[g, t+4] = a[lane][2][0]; A[g+8, t+4] = a[lane][3][0]
            B[t, g] = b[lane][0][0]; B[t+4, g] = b[lane][1][0]
    D = A @ B
    for lane in range(32):
        g, t = lane >> 2, lane & 3
        acc[lane][0] += D[g, 2*t]; acc[lane][1] += D[g, 2*t+1]; acc[lane][2] += D[g+8, 2*t]; acc[lane][3] += D[g+8, 2*t+1]

def load_frags(sm, ta, tb, esize, akm, bkm, ks, wm, wn):
    af = [[None]*32 for _ in range(4)]  # af[mi][lane] = 4 regs
    bf = [[None]*32 for _ in range(4)]  # bf[ni][lane] = 2 regs
    for mi in range(4):
        m_base = wm*64 + mi*16
        if akm:
            addrs = [ta + kmajor_off(m_base + (l & 15), ks*2 + (l >> 4)) for l in range(32)]
            r = ldmatrix(sm, addrs, False, esize)
            for l in range(32): af[mi][l] = r[l]
        elif esize == 2:
            addrs = []
            for l in range(32):
                i, rr = l >> 3, l & 7
                k = ks*16 + rr + (i >> 1)*8; m = m_base + (i & 1)*8
                addrs.append(ta + mnmajor_off(2, k, m >> 3))
            r = ldmatrix(sm, addrs, True, esize)
            for l in range(32): af[mi][l] = r[l]
        else:
            for l in range(32):
                g, t = l >> 2, l & 3
                regs = []
                for e in range(4):
                    m = m_base + g + (e & 1)*8; k = ks*8 + t + (e >> 1)*4
                    regs.append((sm.get(ta + mnmajor_off(4, k, m >> 2) + (m & 3)*4),))
                af[mi][l] = regs
    for p in range(2):
        n_base = wn*32 + p*16
        if bkm:
            addrs = [tb + kmajor_off(n_base + (l & 7) + ((l >> 4) << 3), ks*2 + ((l >> 3) & 1)) for l in range(32)]
            r = ldmatrix(sm, addrs, False, esize)
            for l in range(32): bf[2*p][l] = [r[l][0], r[l][1]]; bf[2*p+1][l] = [r[l][2], r[l][3]]
        elif esize == 2:
            addrs = []
            for l in range(32):
                i, rr = l >> 3, l & 7
                k = ks*16 + rr + (i & 1)*8; n = n_base + (i >> 1)*8
                addrs.append(tb + mnmajor_off(2, k, n >> 3))
            r = ldmatrix(sm, addrs, True, esize)
            for l in range(32): bf[2*p][l] = [r[l][0], r[l][1]]; bf[2*p+1][l] = [r[l][2], r[l][3]]
        else:
            for l in range(32):
                g, t = l >> 2, l & 3
                for h in range(2):
                    regs = []
                    for e in range(2):
                        n = n_base + h*8 + g; k = ks*8 + t + e*4
                        regs.append((sm.get(tb + mnmajor_off(4, k, n >> 2) + (n & 3)*4),))
                    bf[2*p+h][l] = regs
    return af, bf

def gemm_tc(esize, akm, bkm, A2, B2, M, N, K):
    # A2 [M,K], B2 [K,N] logical; build storage per layout
    if akm: GA, lda = A2.reshape(-1), K          # row-major, stride 1 along K
    else:   GA, lda = A2.T.copy().reshape(-1), M  # [K][M]
    if bkm: GB, ldb = B2.T.copy().reshape(-1), K  # [N][K]
    else:   GB, ldb = B2.reshape(-1), N           # [K][N]
    BK = 64 // esize
    C = np.full((M, N), np.nan)
    for by in range((M + 127)//128):
        for bx in range((N + 127)//128):
            m0, n0 = by*128, bx*128
            acc = [[[0.0]*4 for _ in range(16)] for _ in range(8)]  # [warp][mi*4+ni][lane] -> use dict
            acc = {(w, mi, ni): [[0.0]*4 for _ in range(32)] for w in range(8) for mi in range(4) for ni in range(4)}
            for kt in range((K + BK - 1)//BK):
                sm = Smem(16384)
                load_tile(sm, 0, esize, akm, GA, lda, M, K, m0, kt*BK)
                load_tile(sm, 8192, esize, bkm, GB, ldb, N, K, n0, kt*BK)
                for w in range(8):
                    wm, wn = w >> 2, w & 3
                    for ks in range(2):
                        af, bf = load_frags(sm, 0, 8192, esize, akm, bkm, ks, wm, wn)
                        for mi in range(4):
                            for ni in range(4):
                                mma(esize, acc[(w, mi, ni)], af[mi], bf[ni])
            for w in range(8):
                wm, wn = w >> 2, w & 3
                for lane in range(32):
                    g, t = lane >> 2, lane & 3
                    for mi in range(4):
                        for h in range(2):
                            row = m0 + wm*64 + mi*16 + g + h*8
                            if row >= M: continue
                            for ni in range(4):
                                col = n0 + wn*32 + ni*8 + 2*t
                                if col < N: C[row, col] = acc[(w, mi, ni)][lane][2*h]
                                if col + 1 < N: C[row, col+1] = acc[(w, mi, ni)][lane][2*h+1]
    return C

if __name__ == "__main__":
    rng = np.random.default_rng(1)
    ok = True
    for esize in (2, 4):
        for akm, bkm in itertools.product((True, False), repeat=2):
            for (M, N, K) in [(130, 136, 40), (17, 129, 72)]:
                A = rng.integers(-3, 4, (M, K)).astype(float); B = rng.integers(-3, 4, (K, N)).astype(float)
                C = gemm_tc(esize, akm, bkm, A, B, M, N, K)
                ref = A @ B
                good = np.array_equal(C, ref)
                ok &= good
                print(f"esize={esize} A_kmajor={akm} B_kmajor={bkm} M,N,K={M},{N},{K}: {'OK' if good else 'MISMATCH'}", flush=True)
    sys.exit(0 if ok else 1)
