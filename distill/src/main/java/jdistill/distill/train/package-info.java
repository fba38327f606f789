/**
 * The distillation trainer: {@link jdistill.distill.train.Trainer} runs the steps (teacher forward
 * without grad on the requested taps, student forward, weighted method losses, backward,
 * accumulation, clipping, scheduled AdamW over the student and the methods' extras), evaluates
 * through an {@link jdistill.distill.train.Evaluator}, logs JSON lines, and keeps atomic
 * checkpoints ({@link jdistill.distill.train.CheckpointStore}) from which a resumed run reproduces
 * the uninterrupted one exactly. Data comes from any {@link jdistill.distill.data.BatchSource}.
 */
package jdistill.distill.train;
