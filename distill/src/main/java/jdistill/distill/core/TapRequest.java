package jdistill.distill.core;

import jdistill.models.transformer.Tap;

/** A method's request to record {@code tap} at {@code layer} (-1 = every layer) of one model. */
public record TapRequest(Side side, Tap tap, int layer) {

  public static TapRequest teacher(Tap tap, int layer) {
    return new TapRequest(Side.TEACHER, tap, layer);
  }

  public static TapRequest student(Tap tap, int layer) {
    return new TapRequest(Side.STUDENT, tap, layer);
  }
}
