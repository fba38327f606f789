package jdistill.models.tokenizer;

import java.util.Arrays;

/** Open-addressing map from a pair of token ids to (merge rank, merged token id), without boxing. */
final class MergeMap {
  private long[] keys;
  private long[] values;
  private int size;
  private static final long EMPTY = -1L;

  MergeMap(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    keys = new long[cap];
    values = new long[cap];
    Arrays.fill(keys, EMPTY);
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  private static int slot(long k, int mask) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  void put(int a, int b, int rank, int newId) {
    if (size * 2 >= keys.length) grow();
    long k = key(a, b);
    int mask = keys.length - 1;
    int i = slot(k, mask);
    while (keys[i] != EMPTY && keys[i] != k) i = (i + 1) & mask;
    if (keys[i] == EMPTY) size++;
    keys[i] = k;
    values[i] = ((long) rank << 32) | (newId & 0xFFFFFFFFL);
  }

  /** (rank << 32 | newId), or -1 when the pair does not merge. */
  long get(int a, int b) {
    long k = key(a, b);
    int mask = keys.length - 1;
    int i = slot(k, mask);
    while (keys[i] != EMPTY) {
      if (keys[i] == k) return values[i];
      i = (i + 1) & mask;
    }
    return -1L;
  }

  private void grow() {
    long[] ok = keys, ov = values;
    keys = new long[ok.length * 2];
    values = new long[ok.length * 2];
    Arrays.fill(keys, EMPTY);
    size = 0;
    for (int i = 0; i < ok.length; i++) {
      if (ok[i] != EMPTY) put((int) (ok[i] >>> 32), (int) ok[i], (int) (ov[i] >>> 32), (int) ov[i]);
    }
  }
}
