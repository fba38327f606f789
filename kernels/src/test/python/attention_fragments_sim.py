# Lane-level simulation of the tensor-core index math in attention.cu (tile loads, XOR swizzles,
# ldmatrix / ldmatrix.trans, mma.sync fragment layouts, epilogue) against a float64 reference,
# so that an indexing slip shows up without a GPU. It transliterates the kernel's index
# expressions by hand: change it together with attention.cu. Needs numpy; run from this folder:
#   python3 attention_fragments_sim.py
import numpy as np, sys
from gemm_fragments_sim import Smem, ldmatrix, mma

LOG2E = 1.4426950408889634; LN2 = 0.6931471805599453

def swz(row, chunk, rb): return row*rb + ((chunk ^ (row & 7)) << 4)

def tile_load(sm, base, rows, D, X, t0, T):
    # X: [T, D] array; tile at byte base
    CPR = D // 8
    for c in range(rows*CPR):
        r, ch = c // CPR, c % CPR
        t = t0 + r
        off = base + swz(r, ch, D*2)
        for e in range(8):
            sm.put(off + 2*e, X[t, ch*8+e] if t < T else 0.0)

def mma_rows_rows(sm, acc, KD, NT, a, a_row0, b, b_row0):
    # acc[nt][lane][4]
    for ks in range(KD//16):
        addrs = [a + swz(a_row0 + (l & 15), ks*2 + (l >> 4), KD*2) for l in range(32)]
        af = ldmatrix(sm, addrs, False, 2)
        for p in range(NT//2):
            addrs = [b + swz(b_row0 + p*16 + (l & 7) + ((l >> 4) << 3), ks*2 + ((l >> 3) & 1), KD*2) for l in range(32)]
            r = ldmatrix(sm, addrs, False, 2)
            mma(2, acc[2*p], af, [[r[l][0], r[l][1]] for l in range(32)])
            mma(2, acc[2*p+1], af, [[r[l][2], r[l][3]] for l in range(32)])


def mma_acc_rows(sm, acc, KN, DT, pacc, b, b_row0):
    for kk in range(KN//16):
        af = []
        for l in range(32):
            af.append([(pacc[2*kk][l][0], pacc[2*kk][l][1]), (pacc[2*kk][l][2], pacc[2*kk][l][3]),
                       (pacc[2*kk+1][l][0], pacc[2*kk+1][l][1]), (pacc[2*kk+1][l][2], pacc[2*kk+1][l][3])])
        for dp in range(DT//2):
            addrs = []
            for l in range(32):
                i, r = l >> 3, l & 7
                addrs.append(b + swz(b_row0 + kk*16 + r + (i & 1)*8, dp*2 + (i >> 1), DT*16))
            rr = ldmatrix(sm, addrs, True, 2)
            mma(2, acc[2*dp], af, [[rr[l][0], rr[l][1]] for l in range(32)])
            mma(2, acc[2*dp+1], af, [[rr[l][2], rr[l][3]] for l in range(32)])

def zeros(nt): return [[[0.0]*4 for _ in range(32)] for _ in range(nt)]

def store_rows(Out, row0, T, acc, DT, mul):
    for l in range(32):
        g, t = l >> 2, l & 3
        for h in range(2):
            row = row0 + g + 8*h
            if row >= T: continue
            for dt in range(DT):
                Out[row, dt*8 + 2*t] = acc[dt][l][2*h]*mul[l][h]
                Out[row, dt*8 + 2*t + 1] = acc[dt][l][2*h+1]*mul[l][h]

def fwd(Q, K, V, mask, causal, scale, D):
    Tq, Tk = Q.shape[0], K.shape[0]
    BM = BN = 64; DT, NT = D//8, BN//8
    O = np.full((Tq, D), np.nan); L = np.full(Tq, np.nan)
    sl2 = scale*LOG2E
    key_ok = lambda key: key < Tk and (mask is None or mask[key] != 0)
    for bx in range((Tq + BM - 1)//BM):
        q0 = bx*BM
        nkb = (Tk + BN - 1)//BN
        if causal: nkb = min(nkb, q0//BN + 1)
        sm = Smem(0); sQ, sK, sV = 0, BM*D*2, BM*D*2 + BN*D*2
        tile_load(sm, sQ, BM, D, Q, q0, Tq)
        for w in range(4):
            o = zeros(DT); m = [[-np.inf]*2 for _ in range(32)]; lsum = [[0.0]*2 for _ in range(32)]
            row_a = lambda l: q0 + w*16 + (l >> 2)
            for kb in range(nkb):
                tile_load(sm, sK, BN, D, K, kb*BN, Tk); tile_load(sm, sV, BN, D, V, kb*BN, Tk)
                s = zeros(NT)
                mma_rows_rows(sm, s, D, NT, sQ, w*16, sK, 0)
                # masking + online softmax: rows shared by the 4 lanes of a group
                for h in range(2):
                    mx = {}
                    for l in range(32):
                        t = l & 3; row = row_a(l) + 8*h; v = -np.inf
                        for nt in range(NT):
                            for e in range(2):
                                key = kb*BN + nt*8 + 2*t + e
                                ok = key_ok(key) and (not causal or key <= row)
                                s[nt][l][2*h+e] = s[nt][l][2*h+e]*sl2 if ok else -np.inf
                                v = max(v, s[nt][l][2*h+e])
                        mx[l] = v
                    for l in range(32):
                        grp = [(l & ~3) | j for j in range(4)]
                        mxa = max(mx[j] for j in grp)
                        mnew = max(m[l][h], mxa); muse = 0.0 if mnew == -np.inf else mnew
                        corr = 2.0**(m[l][h] - muse); m[l][h] = mnew
                        ls = 0.0
                        for nt in range(NT):
                            for e in range(2):
                                s[nt][l][2*h+e] = 2.0**(s[nt][l][2*h+e] - muse); ls += s[nt][l][2*h+e]
                        lsum[l][h] = lsum[l][h]*corr + ls
                        for dt in range(DT):
                            o[dt][l][2*h] *= corr; o[dt][l][2*h+1] *= corr
                mma_acc_rows(sm, o, BN, DT, s, sV, 0)
            inv = [[0.0]*2 for _ in range(32)]
            for l in range(32):
                for h in range(2):
                    grp = [(l & ~3) | j for j in range(4)]
                    lt = sum(lsum[j][h] for j in grp)
                    inv[l][h] = 1.0/lt if lt > 0 else 0.0
                    row = row_a(l) + 8*h
                    if (l & 3) == 0 and row < Tq: L[row] = (m[l][h] + np.log2(lt))*LN2 if lt > 0 else -np.inf
            store_rows(O, q0 + w*16, Tq, o, DT, inv)
    return O, L

def bwd_dq(Q, K, V, dO, L, Dl, mask, causal, scale, D):
    Tq, Tk = Q.shape[0], K.shape[0]
    BM = 64; BN = 64 if D == 64 else 32; DT, NT = D//8, BN//8
    dQ = np.full((Tq, D), np.nan); sl2 = scale*LOG2E
    key_ok = lambda key: key < Tk and (mask is None or mask[key] != 0)
    for bx in range((Tq + BM - 1)//BM):
        q0 = bx*BM
        nkb = (Tk + BN - 1)//BN
        if causal: nkb = min(nkb, (q0 + BM - 1)//BN + 1)
        sm = Smem(0); sQ = 0; sdO = BM*D*2; sK = 2*BM*D*2; sV = sK + BN*D*2
        tile_load(sm, sQ, BM, D, Q, q0, Tq); tile_load(sm, sdO, BM, D, dO, q0, Tq)
        for w in range(4):
            dqa = zeros(DT)
            for kb in range(nkb):
                tile_load(sm, sK, BN, D, K, kb*BN, Tk); tile_load(sm, sV, BN, D, V, kb*BN, Tk)
                s = zeros(NT); dp = zeros(NT)
                mma_rows_rows(sm, s, D, NT, sQ, w*16, sK, 0)
                mma_rows_rows(sm, dp, D, NT, sdO, w*16, sV, 0)
                for l in range(32):
                    g, t = l >> 2, l & 3
                    for nt in range(NT):
                        for e in range(4):
                            key = kb*BN + nt*8 + 2*t + (e & 1); h = e >> 1; row = q0 + w*16 + g + 8*h
                            ok = row < Tq and key_ok(key) and (not causal or key <= row)
                            p = 2.0**(s[nt][l][e]*sl2 - L[row]*LOG2E) if ok else 0.0
                            s[nt][l][e] = p*(dp[nt][l][e] - (Dl[row] if row < Tq else 0.0))
                mma_acc_rows(sm, dqa, BN, DT, s, sK, 0)
            store_rows(dQ, q0 + w*16, Tq, dqa, DT, [[scale, scale]]*32)
    return dQ

def bwd_dkdv(Q, K, V, dO, L, Dl, mask, causal, scale, D):
    Tq, Tk = Q.shape[0], K.shape[0]
    BN = 64; BM = 64 if D == 64 else 32; DT, NT = D//8, BM//8
    dK = np.full((Tk, D), np.nan); dV = np.full((Tk, D), np.nan); sl2 = scale*LOG2E
    key_ok = lambda key: key < Tk and (mask is None or mask[key] != 0)
    for bx in range((Tk + BN - 1)//BN):
        k0 = bx*BN
        sm = Smem(0); sK = 0; sV = BN*D*2; sQ = 2*BN*D*2; sdO = sQ + BM*D*2
        tile_load(sm, sK, BN, D, K, k0, Tk); tile_load(sm, sV, BN, D, V, k0, Tk)
        for w in range(4):
            dka = zeros(DT); dva = zeros(DT)
            nqb = (Tq + BM - 1)//BM
            for qb in range(k0//BM if causal else 0, nqb):
                qs = qb*BM
                tile_load(sm, sQ, BM, D, Q, qs, Tq); tile_load(sm, sdO, BM, D, dO, qs, Tq)
                sp = zeros(NT)
                mma_rows_rows(sm, sp, D, NT, sK, w*16, sQ, 0)
                for l in range(32):
                    g, t = l >> 2, l & 3
                    for nt in range(NT):
                        for e in range(4):
                            query = qs + nt*8 + 2*t + (e & 1); h = e >> 1; key = k0 + w*16 + g + 8*h
                            ok = query < Tq and key_ok(key) and (not causal or key <= query)
                            sp[nt][l][e] = 2.0**(sp[nt][l][e]*sl2 - L[query]*LOG2E) if ok else 0.0
                mma_acc_rows(sm, dva, BM, DT, sp, sdO, 0)
                dpt = zeros(NT)
                mma_rows_rows(sm, dpt, D, NT, sV, w*16, sdO, 0)
                for l in range(32):
                    t = l & 3
                    for nt in range(NT):
                        for e in range(4):
                            query = qs + nt*8 + 2*t + (e & 1)
                            sp[nt][l][e] *= dpt[nt][l][e] - (Dl[query] if query < Tq else 0.0)
                mma_acc_rows(sm, dka, BM, DT, sp, sQ, 0)
            store_rows(dK, k0 + w*16, Tk, dka, DT, [[scale, scale]]*32)
            store_rows(dV, k0 + w*16, Tk, dva, DT, [[1.0, 1.0]]*32)
    return dK, dV

def reference(Q, K, V, dO, mask, causal, scale):
    Tq, Tk = Q.shape[0], K.shape[0]
    S = Q @ K.T * scale
    vis = np.ones((Tq, Tk), bool)
    if mask is not None: vis &= (mask != 0)[None, :]
    if causal: vis &= np.arange(Tk)[None, :] <= np.arange(Tq)[:, None]
    S = np.where(vis, S, -np.inf)
    mx = S.max(1, keepdims=True); mxs = np.where(np.isfinite(mx), mx, 0)
    E = np.where(vis, np.exp(S - mxs), 0); l = E.sum(1, keepdims=True)
    P = np.where(l > 0, E/np.where(l > 0, l, 1), 0)
    O = P @ V
    L = np.where(l[:, 0] > 0, mxs[:, 0] + np.log(np.where(l[:, 0] > 0, l[:, 0], 1)), -np.inf)
    dP = dO @ V.T; Dl = (dO*O).sum(1)
    dS = P*(dP - Dl[:, None])
    return O, L, dS @ K * scale, dS.T @ Q * scale, P.T @ dO, Dl

if __name__ == "__main__":
    rng = np.random.default_rng(2)
    ok = True
    for D in (64, 128):
        for (Tq, Tk, causal, use_mask) in [(70, 75, False, True), (70, 70, True, False), (40, 130, False, False)]:
            Q, K, V, dO = (rng.standard_normal((T, D)) for T in (Tq, Tk, Tk, Tq))
            mask = (rng.random(Tk) > 0.2).astype(float) if use_mask else None
            scale = 1/np.sqrt(D)
            O, L = fwd(Q, K, V, mask, causal, scale, D)
            rO, rL, rdQ, rdK, rdV, rDl = reference(Q, K, V, dO, mask, causal, scale)
            dQ = bwd_dq(Q, K, V, dO, rL, rDl, mask, causal, scale, D)
            dK, dV = bwd_dkdv(Q, K, V, dO, rL, rDl, mask, causal, scale, D)
            errs = {n: np.max(np.abs(a - b)) for n, a, b in [("O", O, rO), ("lse", L, rL), ("dQ", dQ, rdQ), ("dK", dK, rdK), ("dV", dV, rdV)]}
            good = all(e < 1e-9 for e in errs.values())
            ok &= good
            print(f"D={D} Tq={Tq} Tk={Tk} causal={causal} mask={use_mask}: {'OK' if good else 'MISMATCH'} {errs}", flush=True)
    sys.exit(0 if ok else 1)
