package jdistill.models.tokenizer;

/** A range {@code [start, end)} of the input text, in code points (as HF reports char offsets). */
public record Offset(int start, int end) {}
