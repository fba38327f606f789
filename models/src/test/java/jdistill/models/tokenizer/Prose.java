package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic English-like sentences, for training test tokenizers on something word-like. */
final class Prose {
  private Prose() {}

  private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his from at "
      + "which but have an they you were her she there one all we their can has been more will would if no when what "
      + "model teacher student layer attention training loss learning knowledge distillation tokenizer token vocabulary "
      + "network hidden state gradient batch sequence language transformer weights output input data corpus text word "
      + "running jumped quickly slowly happily networks layers tokens models students teachers words sentences").split(" ");

  /** {@code n} sentences. */
  static List<String> lines(int n) {
    SplittableRandom r = new SplittableRandom(11);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 4 + r.nextInt(14);
      for (int k = 0; k < len; k++) {
        String w = WORDS[(int) Math.min(WORDS.length - 1, Math.abs(r.nextGaussian()) * WORDS.length / 3)];
        if (k == 0) w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
        sb.append(k == 0 ? "" : r.nextInt(12) == 0 ? ", " : " ").append(w);
      }
      sb.append(r.nextInt(5) == 0 ? "?" : ".");
      out.add(sb.toString());
    }
    return out;
  }
}
