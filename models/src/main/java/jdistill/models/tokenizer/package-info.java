/**
 * Tokenizers that give exactly what Hugging Face {@code tokenizers} gives: WordPiece (BERT) and
 * byte-level BPE (GPT-2), read from and written to {@code tokenizer.json}, {@code vocab.txt} or
 * {@code vocab.json} + {@code merges.txt}, and trainable on a corpus.
 *
 * <p>A text goes through {@link jdistill.models.tokenizer.Tokenizer} in HF's order: added tokens
 * are cut out ({@link jdistill.models.tokenizer.AddedVocabulary}), the rest is normalized
 * ({@link jdistill.models.tokenizer.Normalizer}) and pre-tokenized
 * ({@link jdistill.models.tokenizer.PreTokenizer}) while a
 * {@link jdistill.models.tokenizer.NormalizedString} remembers where every character came from;
 * the {@link jdistill.models.tokenizer.Model} tokenizes each piece; truncation, the
 * {@link jdistill.models.tokenizer.PostProcessor} and padding shape the
 * {@link jdistill.models.tokenizer.Encoding}. Offsets are code point offsets into the input, as HF's
 * char offsets ({@link jdistill.models.tokenizer.Encoding#utf16Offsets} gives Java string indices).
 *
 * <p>HF answers character questions (punctuation, marks, letters, case, normalization) from
 * several Unicode versions at once; {@link jdistill.models.tokenizer.UnicodeProps} answers them the
 * same way, and a test compares every code point with HF.
 *
 * <p>Supported {@code tokenizer.json} components: normalizers BertNormalizer, NFD, NFC, NFKD, NFKC,
 * Lowercase, StripAccents, Replace, Strip, Prepend, Sequence; pre-tokenizers BertPreTokenizer,
 * ByteLevel, Whitespace, WhitespaceSplit, Split, Punctuation, Digits, CharDelimiterSplit, Sequence;
 * models WordPiece, BPE, WordLevel; post-processors TemplateProcessing, BertProcessing,
 * RobertaProcessing, ByteLevel, Sequence; decoders WordPiece, ByteLevel, Replace, Strip, Fuse,
 * ByteFallback, BPEDecoder, Sequence. Others (Unigram, Metaspace, Precompiled, ...) are refused with
 * an error naming the file and the field. Not done: BPE dropout (kept in the file, not applied),
 * overflowing windows of truncation with a stride, pre-tokenized input.
 */
package jdistill.models.tokenizer;
