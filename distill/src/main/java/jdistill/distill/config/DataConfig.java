package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * Training and evaluation data and how batches are built.
 *
 * @param train training file (required)
 * @param eval evaluation file (default none)
 * @param format jsonl, tsv, csv or text (one example per line); default from the train file's
 *     extension (.jsonl/.json, .tsv, .csv, .txt)
 * @param header tsv/csv: whether the first line names the columns (default true; without a header
 *     the column "names" are 0-based indices)
 * @param columns which columns hold text, text pair, label and score (defaults in {@link ColumnsConfig})
 * @param tokenizer tokenizer folder or file (default: the teacher's folder)
 * @param maxLength tokens per example after truncation (default 128)
 * @param batchSize examples per training batch (default 32)
 * @param evalBatchSize examples per evaluation batch (default: batch_size)
 * @param bucketing group examples of similar length into batches to cut padding (default false)
 * @param shuffle shuffle training examples each epoch (default true)
 * @param mlmProbability masked_lm: fraction of tokens masked (default 0.15)
 * @param maxExamples read at most this many training examples (default all)
 */
public record DataConfig(
    @JsonProperty("train") String train,
    @JsonProperty("eval") String eval,
    @JsonProperty("format") Format format,
    @JsonProperty("header") Boolean header,
    @JsonProperty("columns") ColumnsConfig columns,
    @JsonProperty("tokenizer") String tokenizer,
    @JsonProperty("max_length") Integer maxLength,
    @JsonProperty("batch_size") Integer batchSize,
    @JsonProperty("eval_batch_size") Integer evalBatchSize,
    @JsonProperty("bucketing") Boolean bucketing,
    @JsonProperty("shuffle") Boolean shuffle,
    @JsonProperty("mlm_probability") Double mlmProbability,
    @JsonProperty("max_examples") Integer maxExamples) {

  /** File formats. */
  public enum Format {
    @JsonProperty("jsonl") JSONL,
    @JsonProperty("tsv") TSV,
    @JsonProperty("csv") CSV,
    @JsonProperty("text") TEXT
  }

  public DataConfig {
    Checks.required(train, "train", "the training data file");
    if (format == null) format = inferFormat(train);
    header = Checks.or(header, true);
    columns = Checks.or(columns, ColumnsConfig.defaults());
    maxLength = Checks.or(maxLength, 128);
    batchSize = Checks.or(batchSize, 32);
    evalBatchSize = Checks.or(evalBatchSize, batchSize);
    bucketing = Checks.or(bucketing, false);
    shuffle = Checks.or(shuffle, true);
    mlmProbability = Checks.or(mlmProbability, 0.15);
    Checks.positive(maxLength, "max_length");
    Checks.positive(batchSize, "batch_size");
    Checks.positive(evalBatchSize, "eval_batch_size");
    Checks.positive(maxExamples, "max_examples");
    if (!(mlmProbability > 0 && mlmProbability < 1)) throw new ConfigFieldException("mlm_probability", "expected a fraction in (0, 1), got " + mlmProbability);
  }

  private static Format inferFormat(String file) {
    String f = file.toLowerCase(Locale.ROOT);
    if (f.endsWith(".jsonl") || f.endsWith(".json")) return Format.JSONL;
    if (f.endsWith(".tsv")) return Format.TSV;
    if (f.endsWith(".csv")) return Format.CSV;
    if (f.endsWith(".txt") || f.endsWith(".text")) return Format.TEXT;
    throw new ConfigFieldException("format", "cannot tell the format of '" + file + "' from its extension; set format: jsonl, tsv, csv or text");
  }
}
