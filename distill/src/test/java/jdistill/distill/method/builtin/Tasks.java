package jdistill.distill.method.builtin;

import jdistill.distill.core.Batch;
import jdistill.engine.Rng;
import jdistill.engine.Tensor;

/**
 * Tiny synthetic tasks for the training tests: each draws batches from a generator, so a teacher
 * learns the rule in a few dozen steps.
 */
final class Tasks {

  private Tasks() {}

  /** A task: batches of a fixed shape from a seeded generator. */
  interface Task {
    Batch batch(Rng rng, int size);
  }

  static final int VOCAB = 12;
  static final int LENGTH = 8;

  /**
   * Causal LM on arithmetic progressions {@code x_i = (a + i c) mod V}, c in 1..3: labels are the
   * next tokens (aligned with the logits), the last position -100; every third example has two
   * padding tokens at the end.
   */
  static final Task PROGRESSIONS = (rng, size) -> {
    long[] ids = new long[size * LENGTH];
    long[] mask = new long[size * LENGTH];
    long[] labels = new long[size * LENGTH];
    for (int b = 0; b < size; b++) {
      int a = rng.nextInt(VOCAB);
      int c = 1 + rng.nextInt(3);
      int real = b % 3 == 2 ? LENGTH - 2 : LENGTH;
      for (int i = 0; i < LENGTH; i++) {
        int k = b * LENGTH + i;
        ids[k] = i < real ? (a + (long) i * c) % VOCAB : 0;
        mask[k] = i < real ? 1 : 0;
        labels[k] = i < real - 1 ? (a + (long) (i + 1) * c) % VOCAB : -100;
      }
    }
    return new Batch(Tensor.ofLongs(ids, size, LENGTH), Tensor.ofLongs(mask, size, LENGTH), null, Tensor.ofLongs(labels, size, LENGTH));
  };

  /**
   * Sequence classification: [CLS] (id 0) then random tokens 1..V-1; the label is 1 when token 1
   * occurs. Every fourth example has one padding token at the end.
   */
  static final Task CONTAINS_ONE = (rng, size) -> {
    long[] ids = new long[size * LENGTH];
    long[] mask = new long[size * LENGTH];
    long[] labels = new long[size];
    for (int b = 0; b < size; b++) {
      int real = b % 4 == 3 ? LENGTH - 1 : LENGTH;
      for (int i = 0; i < LENGTH; i++) {
        int k = b * LENGTH + i;
        ids[k] = i == 0 ? 0 : i < real ? 1 + rng.nextInt(VOCAB - 1) : 0;
        mask[k] = i < real ? 1 : 0;
        if (i > 0 && i < real && ids[k] == 1) labels[b] = 1;
      }
    }
    return new Batch(Tensor.ofLongs(ids, size, LENGTH), Tensor.ofLongs(mask, size, LENGTH), null, Tensor.ofLongs(labels, size));
  };

  /**
   * Masked LM on counting sequences {@code 1 + (a + i) mod (V-1)} (id 0 is [MASK]): two positions
   * per example are masked and labelled, every other position is -100.
   */
  static final Task MASKED_PROGRESSIONS = (rng, size) -> {
    long[] ids = new long[size * LENGTH];
    long[] mask = new long[size * LENGTH];
    long[] labels = new long[size * LENGTH];
    for (int b = 0; b < size; b++) {
      int a = rng.nextInt(VOCAB - 1);
      int m1 = rng.nextInt(LENGTH);
      int m2 = (m1 + 1 + rng.nextInt(LENGTH - 1)) % LENGTH;
      for (int i = 0; i < LENGTH; i++) {
        int k = b * LENGTH + i;
        long token = 1 + (a + i) % (VOCAB - 1);
        boolean masked = i == m1 || i == m2;
        ids[k] = masked ? 0 : token;
        mask[k] = 1;
        labels[k] = masked ? token : -100;
      }
    }
    return new Batch(Tensor.ofLongs(ids, size, LENGTH), Tensor.ofLongs(mask, size, LENGTH), null, Tensor.ofLongs(labels, size, LENGTH));
  };
}
