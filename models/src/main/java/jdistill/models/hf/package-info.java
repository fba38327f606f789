/**
 * Hugging Face checkpoint folders: {@code config.json} for GPT-2 and BERT ({@link
 * jdistill.models.hf.HfConfig}), the sharded-checkpoint index, and writing a folder that
 * {@code from_pretrained} loads. Safetensors files are written through {@link
 * jdistill.models.hf.CheckpointWriter}; {@link jdistill.models.hf.CheckpointWriter#safetensors()}
 * is the one place bound to the engine's safetensors writer.
 */
package jdistill.models.hf;
