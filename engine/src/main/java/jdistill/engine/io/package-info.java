/**
 * Safetensors files: {@link jdistill.engine.io.SafetensorsFile} maps a file through
 * {@code java.lang.foreign} (no 2 GiB limit) and validates its header completely before exposing a
 * tensor; {@link jdistill.engine.io.SafetensorsWriter} streams tensors to a temporary file and
 * renames it over the target atomically; {@link jdistill.engine.io.Safetensors} is the entry point.
 *
 * <p>Validation follows the reference implementation, so that a file accepted here also loads in
 * Hugging Face tools: the header is at most 100 MB of UTF-8 JSON starting with '{'; each entry has
 * exactly {@code dtype}, {@code shape} and {@code data_offsets}; byte ranges match shape times dtype
 * size; and the tensors tile the data buffer exactly, so overlaps, gaps and trailing bytes are all
 * errors. Files written here use the reference writer's layout (widest dtype first, then name).
 */
package jdistill.engine.io;
