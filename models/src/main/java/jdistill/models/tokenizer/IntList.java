package jdistill.models.tokenizer;

import java.util.Arrays;

/** A growable list of ints, for building token arrays without boxing. */
final class IntList {
  int[] a;
  int size;

  IntList(int capacity) {
    a = new int[Math.max(4, capacity)];
  }

  IntList() {
    this(8);
  }

  void add(int v) {
    if (size == a.length) a = Arrays.copyOf(a, a.length * 2);
    a[size++] = v;
  }

  void addAll(IntList o) {
    for (int i = 0; i < o.size; i++) add(o.a[i]);
  }

  int get(int i) {
    return a[i];
  }

  int[] toArray() {
    return Arrays.copyOf(a, size);
  }
}
