package jdistill.distill.demo;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.Rng;

/**
 * A generated English-like corpus with long-range structure (number agreement between subject
 * and verb across a relative clause, negation, contrast), so that a language model must use
 * context, not just character statistics. No downloads: the demo trains on this.
 */
public final class SyntheticCorpus {

  private static final String[] ADJ = {"red", "big", "old", "quiet", "happy", "small"};
  private static final String[] NOUN = {"cat", "dog", "bird", "child", "farmer", "teacher"};
  private static final String[] VERB = {"see", "like", "help", "follow", "watch"};
  private static final String[] PLACE = {"in the garden", "near the river", "at school", "on the hill"};

  private SyntheticCorpus() {}

  /** {@code count} sentences drawn from {@code rng}. */
  public static List<String> sentences(Rng rng, int count) {
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) out.add(sentence(rng));
    return out;
  }

  private static String sentence(Rng rng) {
    boolean plural = rng.nextInt(2) == 0;
    String subject = "the " + pick(rng, ADJ) + " " + pick(rng, NOUN) + (plural ? "s" : "");
    String object = "the " + pick(rng, NOUN) + (rng.nextInt(2) == 0 ? "s" : "");
    StringBuilder s = new StringBuilder(subject);
    if (rng.nextInt(3) == 0) s.append(" that ").append(pick(rng, NOUN)).append("s like");
    boolean negated = rng.nextInt(3) == 0;
    String verb = pick(rng, VERB);
    if (negated) s.append(plural ? " do not " : " does not ").append(verb);
    else s.append(' ').append(plural ? verb : verb + (verb.endsWith("h") ? "es" : "s"));
    s.append(' ').append(object).append(' ').append(pick(rng, PLACE));
    if (rng.nextInt(4) == 0) s.append(negated ? " but they are kind" : " and they are kind");
    return s.append(" .").toString();
  }

  private static String pick(Rng rng, String[] options) {
    return options[rng.nextInt(options.length)];
  }
}
