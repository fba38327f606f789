package jdistill.distill.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import jdistill.engine.Device;
import jdistill.engine.Tensor;
import jdistill.engine.io.Safetensors;

/**
 * One checkpoint folder as written by {@link CheckpointStore}: {@code trainer.json} (a {@link
 * RunState}) and the student weights, the methods' extras and the optimizer state as safetensors.
 * The tensors are read on demand onto the CPU, into the caller's scope.
 */
public record Checkpoint(Path dir, RunState state) {

  public static final String STATE = "trainer.json";
  public static final String STUDENT = "student.safetensors";
  public static final String EXTRAS = "extras.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";

  static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Reads and checks trainer.json of {@code dir}; the tensor files must be present. */
  public static Checkpoint open(Path dir) throws IOException {
    Path json = dir.resolve(STATE);
    if (!Files.isRegularFile(json)) throw new IOException("not a checkpoint folder: " + dir + " has no " + STATE);
    RunState state;
    try {
      state = JSON.readValue(json.toFile(), RunState.class);
    } catch (IOException e) {
      throw new IOException(json + ": cannot read the trainer state: " + e.getMessage(), e);
    }
    if (!RunState.FORMAT.equals(state.format())) {
      throw new IOException(json + ": format is '" + state.format() + "', expected '" + RunState.FORMAT + "'");
    }
    if (state.data() == null) throw new IOException(json + ": no \"data\" position");
    for (String f : new String[] {STUDENT, OPTIMIZER}) {
      if (!Files.isRegularFile(dir.resolve(f))) throw new IOException("checkpoint " + dir + " is incomplete: " + f + " is missing");
    }
    return new Checkpoint(dir, state);
  }

  /** The student's state dict. */
  public Map<String, Tensor> student() throws IOException {
    return Safetensors.load(dir.resolve(STUDENT), Device.CPU);
  }

  /** The extras' state dict (empty when the run had none). */
  public Map<String, Tensor> extras() throws IOException {
    Path f = dir.resolve(EXTRAS);
    return Files.isRegularFile(f) ? Safetensors.load(f, Device.CPU) : Map.of();
  }

  /** The optimizer's state as {@code Optimizer.state()} gave it. */
  public Map<String, Tensor> optimizer() throws IOException {
    return Safetensors.load(dir.resolve(OPTIMIZER), Device.CPU);
  }
}
