/**
 * Running models from Hugging Face folders: {@link jdistill.models.run.ModelFolder} loads a
 * checkpoint and its tokenizer together and checks that they belong to each other, and {@link
 * jdistill.models.run.BatchForward} tokenizes texts and runs them through the model in padded
 * batches (what {@code jdistill forward} and {@code jdistill generate} are built on).
 */
package jdistill.models.run;
