package jdistill.distill.core;

/** Which of the two models a tap or a layer index refers to. */
public enum Side {
  TEACHER,
  STUDENT
}
