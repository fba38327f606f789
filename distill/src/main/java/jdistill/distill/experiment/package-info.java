/**
 * The product's main path: an {@link jdistill.distill.experiment.Experiment} turns an {@link
 * jdistill.distill.config.ExperimentConfig} into a distilled student. It loads (or fine-tunes) the
 * teacher, builds the student, the tokenizer and the task's batches, checks everything that can be
 * checked before the first step (layer maps, widths, columns, vocabulary sizes) by running each
 * stage's methods on one batch, trains the recipe's stages in order with checkpoints, resume and a
 * Ctrl-C hook, evaluates student and teacher on the held-out data, and writes the report and the
 * exported student.
 */
package jdistill.distill.experiment;
