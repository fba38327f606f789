package jdistill.distill.train;

import jdistill.distill.data.DataPosition;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jdistill.engine.Scope;
import jdistill.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  private static RunState state(long step) {
    return new RunState(RunState.FORMAT, step, 10, new DataPosition(1, 3), 42, 17 + step, step, 1e-3, 100 * step, List.of("kd"), null);
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void failedWriteLeavesNoPartialFolderAndKeepsTheLastCheckpoint(@TempDir Path dir) throws Exception {
    CheckpointStore store = new CheckpointStore(dir);
    Map<String, Tensor> student = Map.of("w", Tensor.ofLongs(new long[] {1, 2, 3}, 3).to(jdistill.engine.DType.F32));
    Map<String, Tensor> opt = Map.of("step", Tensor.ofLongs(new long[] {1}, 1));
    Path good = store.save(student, Map.of(), opt, state(1));
    store.markLast(good);

    Map<String, Tensor> broken = new LinkedHashMap<>(opt);
    Tensor released = Tensor.ofLongs(new long[] {4, 5}, 2).to(jdistill.engine.DType.F32);
    released.storage().release(); // writing it fails after student.safetensors is already written
    broken.put("w.exp_avg", released);
    assertThrows(RuntimeException.class, () -> store.save(student, Map.of(), broken, state(2)));

    assertEquals(List.of("LAST", "step-00000001"), listing(dir), "no step-00000002 and no temporary folder");
    assertEquals(good, store.last().orElseThrow());
    Checkpoint cp = Checkpoint.open(store.last().orElseThrow());
    assertEquals(1, cp.state().step());
    assertEquals(new DataPosition(1, 3), cp.state().data());
    try (Scope s = Scope.open()) {
      assertArrayEquals(new float[] {1, 2, 3}, cp.student().get("w").toFloatArray(), 0f);
    }
  }

  @Test
  void stateRoundTripsAndPointersMove(@TempDir Path dir) throws Exception {
    CheckpointStore store = new CheckpointStore(dir);
    Map<String, Tensor> w = Map.of("w", Tensor.scalar(2.5).reshape(1));
    RunState s3 = new RunState(RunState.FORMAT, 3, 10, new DataPosition(0, 6), 42, 99, 3, 2e-4, 384, List.of("kd", "ce"),
        new RunState.Best("ppl", MetricGoal.Direction.MIN, 12.5, 3, "step-00000003"));
    Path p3 = store.save(w, Map.of("kd.proj.weight", Tensor.scalar(1).reshape(1)), Map.of("step", Tensor.ofLongs(new long[] {3}, 1)), s3);
    store.markBest(p3);
    store.markLast(p3);
    Path p5 = store.save(w, Map.of(), Map.of("step", Tensor.ofLongs(new long[] {5}, 1)), state(5));
    store.markLast(p5);
    Path p7 = store.save(w, Map.of(), Map.of("step", Tensor.ofLongs(new long[] {7}, 1)), state(7));
    store.markLast(p7);
    store.prune();
    assertEquals(List.of("BEST", "LAST", "step-00000003", "step-00000007"), listing(dir));
    assertEquals(s3, Checkpoint.open(store.best().orElseThrow()).state());
    assertEquals(p7, CheckpointStore.resolve(dir));
    assertEquals(p7, CheckpointStore.resolve(dir.getParent().resolve(dir.getFileName())));
    assertEquals(p3, CheckpointStore.resolve(p3));
    var e = assertThrows(java.io.IOException.class, () -> CheckpointStore.resolve(dir.resolve("nothing")));
    assertTrue(e.getMessage().contains("no checkpoint at"), e.getMessage());
  }

  @Test
  void incompleteOrForeignFoldersAreRejectedWithTheMissingFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve(Checkpoint.STATE), Checkpoint.JSON.writeValueAsString(state(1)));
    var e = assertThrows(java.io.IOException.class, () -> Checkpoint.open(dir));
    assertTrue(e.getMessage().contains("student.safetensors is missing"), e.getMessage());
    Files.writeString(dir.resolve(Checkpoint.STATE), "{\"format\":\"other/9\"}");
    var e2 = assertThrows(java.io.IOException.class, () -> Checkpoint.open(dir));
    assertTrue(e2.getMessage().contains("format is 'other/9'"), e2.getMessage());
  }
}
