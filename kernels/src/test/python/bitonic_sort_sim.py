# Simulates embedding.cu's index_add sort (bitonic_sort_local, bitonic_merge_global,
# bitonic_merge_local in the host order ABI.md gives) on random keys and checks that the result
# is sorted. Transliterates the kernels' index math: change it together with embedding.cu.
#   python3 bitonic_sort_sim.py
import random, sys

TILE = 2048

def step(keys, t, j, base, k):
    i = 2*t - (t & (j - 1))
    partner = i + j
    ascending = ((base + i) & k) == 0
    a, b = keys[i], keys[partner]
    if (a > b) == ascending:
        keys[i], keys[partner] = b, a

def sort_local(keys, padded):
    for blk in range(padded // TILE):
        base = blk*TILE
        s = keys[base:base+TILE]
        k = 2
        while k <= TILE:
            j = k >> 1
            while j > 0:
                for t in range(1024): step(s, t, j, base, k)
                j >>= 1
            k <<= 1
        keys[base:base+TILE] = s

def merge_global(keys, padded, k, j):
    for t in range(padded // 2):
        i = 2*t - (t & (j - 1))
        partner = i + j
        ascending = (i & k) == 0
        a, b = keys[i], keys[partner]
        if (a > b) == ascending:
            keys[i], keys[partner] = b, a

def merge_local(keys, padded, k):
    for blk in range(padded // TILE):
        base = blk*TILE
        s = keys[base:base+TILE]
        j = TILE >> 1
        while j > 0:
            for t in range(1024): step(s, t, j, base, k)
            j >>= 1
        keys[base:base+TILE] = s

def index_add_sort(ids, vocab):
    n = len(ids)
    padded = max(TILE, 1 << (n - 1).bit_length())
    keys = [((i_d if 0 <= i_d < vocab else vocab) << 32) | i for i, i_d in enumerate(ids)] + [2**64 - 1]*(padded - n)
    sort_local(keys, padded)
    k = 2*TILE
    while k <= padded:
        j = k // 2
        while j >= TILE:
            merge_global(keys, padded, k, j); j //= 2
        merge_local(keys, padded, k)
        k *= 2
    return keys[:n]

ok = True
rng = random.Random(3)
for n, vocab in [(5, 10), (2048, 50), (3000, 7), (9000, 1000)]:
    ids = [rng.randrange(-1, vocab + 1) for _ in range(n)]
    got = index_add_sort(ids, vocab)
    want = sorted(((i_d if 0 <= i_d < vocab else vocab) << 32) | i for i, i_d in enumerate(ids))
    good = got == want
    ok &= good
    print(f"n={n} vocab={vocab}: {'OK' if good else 'NOT SORTED'}")
sys.exit(0 if ok else 1)
