package jdistill.distill.demo;

import java.util.ArrayList;
import java.util.List;
import jdistill.engine.Rng;

/**
 * The demo's task: reviews generated from templates whose sentiment needs more than a bag of
 * words. Negation flips a clause ("the soup was not good"), some negated forms keep it ("could not
 * have been more charming"), intensifiers add words without changing it, "anything but" and "far
 * from" flip it, and in "X but Y", "although X, Y" and "Y even though X" the clause Y decides,
 * whatever X says; so "good but slow" and "slow but good" hold the same words with opposite
 * labels. The vocabulary has a few hundred words; labels are exact (no noise).
 */
public final class SentimentGrammar {

  /** One review and its label. */
  public record Review(String text, boolean positive) {
    public String label() {
      return positive ? "positive" : "negative";
    }
  }

  static final String[] NOUNS = {
    "movie", "film", "plot", "story", "acting", "cast", "script", "soundtrack", "ending", "dialogue", "director", "pacing", "sequel", "book", "novel", "album",
    "song", "concert", "show", "series", "episode", "restaurant", "meal", "pizza", "burger", "coffee", "soup", "dessert", "service", "waiter", "menu", "hotel",
    "room", "bed", "staff", "view", "phone", "laptop", "battery", "screen", "keyboard", "camera", "game", "level", "graphics", "controls", "car", "engine",
    "trip", "flight", "seat", "museum", "park", "beach", "tour", "guide", "class", "lecture", "course", "teacher", "team", "match", "party", "gift", "jacket",
    "shoes", "app", "update", "website", "printer", "bakery", "bread", "salad", "wine", "theater", "musical", "podcast", "interview", "painting", "garden"};

  static final String[] POSITIVE = {
    "good", "great", "excellent", "wonderful", "amazing", "brilliant", "delightful", "charming", "superb", "fantastic", "lovely", "pleasant", "enjoyable",
    "impressive", "beautiful", "fun", "clever", "solid", "fresh", "friendly", "gorgeous", "perfect", "smooth", "elegant", "thrilling", "moving", "funny",
    "tasty", "comfortable", "reliable", "generous", "inspiring", "memorable", "stunning", "satisfying", "polished", "warm", "crisp", "catchy", "cozy"};

  static final String[] NEGATIVE = {
    "bad", "terrible", "awful", "boring", "dull", "poor", "horrible", "disappointing", "weak", "bland", "mediocre", "annoying", "clumsy", "messy", "slow",
    "ugly", "cheap", "stale", "rude", "noisy", "confusing", "tedious", "painful", "forgettable", "lazy", "broken", "greasy", "cold", "cramped", "overpriced",
    "shallow", "sloppy", "flat", "predictable", "unpleasant", "tiresome", "dreadful", "lousy", "grim", "pointless"};

  static final String[] INTENSIFIERS = {
    "very", "really", "extremely", "truly", "incredibly", "remarkably", "quite", "so", "totally", "absolutely", "genuinely", "especially", "deeply",
    "pretty", "rather", "seriously", "unbelievably", "wonderfully", "terribly", "awfully"};

  /** Verbs as {past, base}. */
  static final String[][] POSITIVE_VERBS = {{"loved", "love"}, {"enjoyed", "enjoy"}, {"adored", "adore"}, {"liked", "like"}, {"admired", "admire"},
    {"appreciated", "appreciate"}, {"praised", "praise"}, {"recommended", "recommend"}, {"cherished", "cherish"}, {"savored", "savor"}};

  static final String[][] NEGATIVE_VERBS = {{"hated", "hate"}, {"disliked", "dislike"}, {"despised", "despise"}, {"regretted", "regret"}, {"loathed", "loathe"},
    {"resented", "resent"}, {"dreaded", "dread"}, {"avoided", "avoid"}, {"mocked", "mock"}, {"criticized", "criticize"}};

  static final String[] SUBJECTS = {"i", "we", "my friends", "my sister", "my brother", "everyone", "the critics", "my parents", "our group", "the kids", "my boss",
    "the whole family", "my neighbor", "most people"};

  static final String[] OPENERS = {"yesterday", "last night", "last week", "this morning", "on sunday", "at the festival", "after work", "on the weekend",
    "honestly", "overall", "to be fair", "in the end", "all in all", "frankly", "as expected", "to my surprise", "once again", "for the price"};

  private SentimentGrammar() {}

  private static String pick(Rng r, String[] words) {
    return words[r.nextInt(words.length)];
  }

  private static String adjective(Rng r, boolean positive) {
    return pick(r, positive ? POSITIVE : NEGATIVE);
  }

  /**
   * A clause of sentiment {@code positive}. About 60% say it plainly (the adjective or verb has the
   * clause's sentiment), 30% negate a word of the opposite sentiment ("not bad", "never enjoyed",
   * "far from charming"), and 10% use "not" without flipping it ("could not have been more fun").
   */
  static String clause(Rng r, boolean positive) {
    String noun = pick(r, NOUNS);
    String was = r.nextInt(3) == 0 ? "is" : "was";
    int kind = r.nextInt(20);
    return switch (kind) {
      case 0, 1, 2, 3 -> "the " + noun + " " + was + " " + adjective(r, positive);
      case 4, 5, 6 -> "the " + noun + " " + was + " " + pick(r, INTENSIFIERS) + " " + adjective(r, positive);
      case 7, 8 -> {
        String[] v = (positive ? POSITIVE_VERBS : NEGATIVE_VERBS)[r.nextInt(POSITIVE_VERBS.length)];
        yield pick(r, SUBJECTS) + " " + v[0] + " the " + noun;
      }
      case 9, 10 -> "it was a " + (r.nextInt(2) == 0 ? pick(r, INTENSIFIERS) + " " : "") + adjective(r, positive) + " " + noun;
      case 11 -> "the " + noun + " " + was + " not " + adjective(r, !positive);
      case 12 -> "the " + noun + " " + was + " not " + pick(r, INTENSIFIERS) + " " + adjective(r, !positive);
      case 13 -> "the " + noun + " " + was + " " + (r.nextInt(2) == 0 ? "never " : r.nextInt(2) == 0 ? "far from " : "anything but ") + adjective(r, !positive);
      case 14 -> {
        String[] v = (positive ? NEGATIVE_VERBS : POSITIVE_VERBS)[r.nextInt(POSITIVE_VERBS.length)];
        yield pick(r, SUBJECTS) + (r.nextInt(2) == 0 ? " did not " + v[1] : " never " + v[0]) + " the " + noun;
      }
      case 15 -> "it was not a " + adjective(r, !positive) + " " + noun;
      case 16 -> (r.nextInt(2) == 0 ? "i would not call the " : "nobody would call the ") + noun + " " + adjective(r, !positive);
      case 17 -> "the " + noun + " could not have been more " + adjective(r, positive);
      default -> "i could not have asked for a more " + adjective(r, positive) + " " + noun;
    };
  }

  /** One review: a clause, or two joined so that the deciding one is found by the connective. */
  public static Review review(Rng r) {
    boolean positive = r.nextInt(2) == 0;
    int form = r.nextInt(20);
    String text;
    if (form < 10) {
      text = clause(r, positive);
    } else if (form < 15) {
      text = clause(r, !positive) + " but " + clause(r, positive);
    } else if (form < 17) {
      text = "although " + clause(r, !positive) + " , " + clause(r, positive);
    } else if (form < 18) {
      text = clause(r, positive) + " even though " + clause(r, !positive);
    } else {
      text = clause(r, positive) + " and " + clause(r, positive);
    }
    if (r.nextInt(10) < 3) text = pick(r, OPENERS) + " , " + text;
    return new Review(text, positive);
  }

  /** {@code n} reviews from {@code seed}. */
  public static List<Review> reviews(long seed, int n) {
    Rng r = new Rng(seed);
    List<Review> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) out.add(review(r));
    return out;
  }

  /** Text for training the tokenizer: {@code n} unlabelled reviews from {@code seed}, then every word of the vocabulary once. */
  public static List<String> tokenizerCorpus(long seed, int n) {
    List<String> lines = new ArrayList<>();
    for (Review v : reviews(seed, n)) lines.add(v.text());
    List<String> words = new ArrayList<>();
    for (String[] list : List.of(NOUNS, POSITIVE, NEGATIVE, INTENSIFIERS, SUBJECTS, OPENERS)) words.addAll(List.of(list));
    for (String[][] verbs : List.of(POSITIVE_VERBS, NEGATIVE_VERBS)) for (String[] v : verbs) words.addAll(List.of(v));
    lines.add(String.join(" ", words));
    return lines;
  }
}
