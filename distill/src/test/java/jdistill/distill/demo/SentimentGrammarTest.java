package jdistill.distill.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The demo's task: labels checked by an independent rule-based reader, and a bag-of-words model that cannot solve it. */
class SentimentGrammarTest {

  private static final Set<String> POSITIVE_WORDS = new HashSet<>();
  private static final Set<String> NEGATIVE_WORDS = new HashSet<>();

  static {
    POSITIVE_WORDS.addAll(List.of(SentimentGrammar.POSITIVE));
    NEGATIVE_WORDS.addAll(List.of(SentimentGrammar.NEGATIVE));
    for (String[] v : SentimentGrammar.POSITIVE_VERBS) POSITIVE_WORDS.addAll(List.of(v));
    for (String[] v : SentimentGrammar.NEGATIVE_VERBS) NEGATIVE_WORDS.addAll(List.of(v));
  }

  /** Reads a review the way a person would: the clause after "but", before "even though", after "although X ,". */
  static boolean read(String review) {
    String s = review;
    int comma = s.indexOf(" , ");
    for (String opener : SentimentGrammar.OPENERS) {
      if (s.startsWith(opener + " , ")) {
        s = s.substring(opener.length() + 3);
        break;
      }
    }
    if (s.startsWith("although ")) return clause(s.substring(s.indexOf(" , ") + 3));
    int even = s.indexOf(" even though ");
    if (even >= 0) return clause(s.substring(0, even));
    int but = s.replace("anything but", "anything_but").indexOf(" but ");
    if (but >= 0) return clause(s.substring(but + 5));
    int and = s.indexOf(" and ");
    if (and >= 0) {
      boolean a = clause(s.substring(0, and));
      assertEquals(a, clause(s.substring(and + 5)), "both sides of 'and' agree: " + review);
      return a;
    }
    assertTrue(comma < 0 || review.substring(0, comma).split(" ").length <= 4, review);
    return clause(s);
  }

  /** One clause: the polar word's sentiment, flipped by a negation that applies to it. */
  static boolean clause(String c) {
    Boolean polar = null;
    for (String w : c.split(" ")) {
      if (POSITIVE_WORDS.contains(w)) polar = true;
      if (NEGATIVE_WORDS.contains(w)) polar = false;
    }
    if (polar == null) throw new AssertionError("no sentiment word in '" + c + "'");
    boolean keeps = c.contains("could not have been more") || c.contains("could not have asked for a more");
    boolean flips = !keeps && (c.contains(" not ") || c.startsWith("nobody ") || c.contains(" never ") || c.contains("far from") || c.contains("anything but"));
    return flips != polar;
  }

  @Test
  void labelsAreWhatAReaderWouldSay() {
    List<SentimentGrammar.Review> reviews = SentimentGrammar.reviews(5, 3000);
    int positive = 0;
    for (SentimentGrammar.Review r : reviews) {
      assertEquals(r.positive(), read(r.text()), r.text());
      if (r.positive()) positive++;
    }
    assertTrue(positive > 1350 && positive < 1650, "labels are balanced: " + positive);
  }

  @Test
  void theTaskNeedsMoreThanABagOfWords() {
    List<SentimentGrammar.Review> train = SentimentGrammar.reviews(1, 6000);
    List<SentimentGrammar.Review> test = SentimentGrammar.reviews(2, 2000);
    Map<String, Integer> index = new HashMap<>();
    for (SentimentGrammar.Review r : train) for (String w : r.text().split(" ")) index.putIfAbsent(w, index.size());
    // logistic regression on word counts, plain SGD
    double[] w = new double[index.size() + 1];
    for (int epoch = 0; epoch < 15; epoch++) {
      for (SentimentGrammar.Review r : train) {
        double z = w[index.size()];
        for (String t : r.text().split(" ")) z += w[index.get(t)];
        double g = 1 / (1 + Math.exp(-z)) - (r.positive() ? 1 : 0);
        w[index.size()] -= 0.05 * g;
        for (String t : r.text().split(" ")) w[index.get(t)] -= 0.05 * g;
      }
    }
    int correct = 0;
    for (SentimentGrammar.Review r : test) {
      double z = w[index.size()];
      for (String t : r.text().split(" ")) z += index.containsKey(t) ? w[index.get(t)] : 0;
      if (z > 0 == r.positive()) correct++;
    }
    double accuracy = correct / (double) test.size();
    // words alone carry a little signal (plain clauses), far from all of it: the demo's teacher reaches about 0.99
    assertTrue(accuracy > 0.52 && accuracy < 0.7, "bag-of-words accuracy " + accuracy);
  }

  @Test
  void theVocabularyHasAFewHundredWords() {
    Set<String> words = new HashSet<>();
    for (String line : SentimentGrammar.tokenizerCorpus(3, 3000)) words.addAll(List.of(line.split(" ")));
    assertTrue(words.size() > 250 && words.size() < 600, words.size() + " words");
  }
}
