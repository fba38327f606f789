package jdistill.models.tokenizer;

/** One token a model produced: id, text, and code point offsets into the piece it came from. */
public record Token(int id, String value, int start, int end) {}
