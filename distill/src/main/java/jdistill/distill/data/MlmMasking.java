package jdistill.distill.data;

import jdistill.engine.Rng;

/**
 * BERT-style masking for masked language modelling: each real, non-special token is selected with
 * probability {@code selectProbability}; a selected token becomes [MASK] with probability
 * {@code maskFraction}, a uniformly random id with probability {@code randomFraction}, and stays
 * as it was otherwise. Labels hold the original id at selected positions and -100 elsewhere.
 *
 * @param selectProbability share of tokens that are predicted (0.15 in BERT)
 * @param maskFraction share of the selected that become [MASK] (0.8)
 * @param randomFraction share of the selected replaced by a random token (0.1)
 */
public record MlmMasking(double selectProbability, double maskFraction, double randomFraction) {

  /** The value of an ignored label position. */
  public static final long IGNORE = -100;

  public MlmMasking {
    if (!(selectProbability > 0 && selectProbability <= 1)) throw new IllegalArgumentException("select probability must be in (0, 1], got " + selectProbability);
    if (maskFraction < 0 || randomFraction < 0 || maskFraction + randomFraction > 1) {
      throw new IllegalArgumentException("mask and random fractions must be >= 0 and sum to at most 1, got " + maskFraction + " and " + randomFraction);
    }
  }

  /** BERT's 15% with 80% [MASK], 10% random, 10% kept. */
  public static MlmMasking bert() {
    return new MlmMasking(0.15, 0.8, 0.1);
  }

  /**
   * Masks {@code ids} in place and writes {@code labels}.
   *
   * @param ids [B*S] token ids, changed in place
   * @param attention [B*S] 1 for real tokens, 0 for padding (never selected)
   * @param labels [B*S] written: the original id where selected, {@link #IGNORE} elsewhere
   */
  public void apply(long[] ids, long[] attention, long[] labels, TextEncoder encoder, Rng rng) {
    int maskId = encoder.maskId();
    if (maskId == TextEncoder.NONE) throw new IllegalStateException("masked language modelling needs a [MASK] token; the vocabulary has none");
    int vocab = encoder.vocabSize();
    for (int i = 0; i < ids.length; i++) {
      labels[i] = IGNORE;
      if (attention[i] == 0 || encoder.isSpecial((int) ids[i])) continue;
      if (rng.nextDouble() >= selectProbability) continue;
      labels[i] = ids[i];
      double u = rng.nextDouble();
      if (u < maskFraction) ids[i] = maskId;
      else if (u < maskFraction + randomFraction) ids[i] = rng.nextInt(vocab);
    }
  }
}
