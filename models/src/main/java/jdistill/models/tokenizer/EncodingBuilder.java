package jdistill.models.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The mutable form of an {@link Encoding} that post-processing, truncation and padding work on. */
public final class EncodingBuilder {
  private IntList ids = new IntList(), typeIds = new IntList(), starts = new IntList(), ends = new IntList();
  private IntList special = new IntList(), attention = new IntList();
  private List<String> tokens = new ArrayList<>();

  /** Appends one token. */
  public void add(int id, String token, int start, int end, int typeId, int specialMask, int attentionMask) {
    ids.add(id);
    tokens.add(token);
    starts.add(start);
    ends.add(end);
    typeIds.add(typeId);
    special.add(specialMask);
    attention.add(attentionMask);
  }

  /** Appends a special token: offsets (0, 0), special mask 1. */
  public void addSpecial(int id, String token, int typeId) {
    add(id, token, 0, 0, typeId, 1, 1);
  }

  /** Number of tokens. */
  public int size() {
    return ids.size;
  }

  /** Token string at {@code i}. */
  public String token(int i) {
    return tokens.get(i);
  }

  /** Offset start at {@code i}. */
  public int start(int i) {
    return starts.a[i];
  }

  /** Offset end at {@code i}. */
  public int end(int i) {
    return ends.a[i];
  }

  /** Sets the offsets of token {@code i}. */
  public void setOffsets(int i, int start, int end) {
    starts.a[i] = start;
    ends.a[i] = end;
  }

  /** Sets every type id to {@code typeId}. */
  public void setTypeIds(int typeId) {
    for (int i = 0; i < typeIds.size; i++) typeIds.a[i] = typeId;
  }

  /** Appends all tokens of {@code o}. */
  public void append(EncodingBuilder o) {
    ids.addAll(o.ids);
    tokens.addAll(o.tokens);
    starts.addAll(o.starts);
    ends.addAll(o.ends);
    typeIds.addAll(o.typeIds);
    special.addAll(o.special);
    attention.addAll(o.attention);
  }

  /** Keeps at most {@code max} tokens, dropping from the end ({@code right}) or the start. */
  public void truncate(int max, boolean right) {
    int n = size();
    if (max >= n) return;
    int from = right ? 0 : n - max, to = right ? max : n;
    ids = slice(ids, from, to);
    typeIds = slice(typeIds, from, to);
    starts = slice(starts, from, to);
    ends = slice(ends, from, to);
    special = slice(special, from, to);
    attention = slice(attention, from, to);
    tokens = new ArrayList<>(tokens.subList(from, to));
  }

  private static IntList slice(IntList l, int from, int to) {
    IntList r = new IntList(to - from);
    for (int i = from; i < to; i++) r.add(l.a[i]);
    return r;
  }

  /** Pads to {@code target} tokens with the pad token, on the right or the left. */
  public void pad(int target, int padId, int padTypeId, String padToken, boolean right) {
    int n = size();
    if (n >= target) return;
    int k = target - n;
    if (right) {
      for (int i = 0; i < k; i++) add(padId, padToken, 0, 0, padTypeId, 1, 0);
      return;
    }
    EncodingBuilder p = new EncodingBuilder();
    for (int i = 0; i < k; i++) p.add(padId, padToken, 0, 0, padTypeId, 1, 0);
    p.append(this);
    ids = p.ids;
    typeIds = p.typeIds;
    starts = p.starts;
    ends = p.ends;
    special = p.special;
    attention = p.attention;
    tokens = p.tokens;
  }

  /** The immutable encoding. */
  public Encoding build() {
    List<Offset> offs = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) offs.add(new Offset(starts.a[i], ends.a[i]));
    return new Encoding(ids.toArray(), typeIds.toArray(), Collections.unmodifiableList(new ArrayList<>(tokens)),
        Collections.unmodifiableList(offs), attention.toArray(), special.toArray());
  }
}
