package jdistill.distill.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdistill.distill.train.MetricsHistory;
import jdistill.engine.cuda.CudaBackend;
import jdistill.models.bert.BertForSequenceClassification;
import jdistill.models.checkpoint.HfCheckpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An experiment on CUDA (also resumed in BF16, to the same weights): in F32 its logged losses follow the same run on the CPU (1e-4); in BF16
 * mixed precision (BF16 teacher and student, F32 master weights, F32 losses) they differ from it,
 * but by less than 0.5%; evaluation and report run, and the exported student loads back.
 */
@Tag("gpu")
class ExperimentCudaTest {

  @TempDir static Path shared;

  @BeforeAll
  static void data() throws Exception {
    ExperimentTest.shared = shared;
    ExperimentTest.teacherAndData();
  }

  private static MetricsHistory run(Path dir, String... overrides) throws Exception {
    ExperimentResult r = Experiment.load(ExperimentTest.config(dir, "{from_teacher: {layers: [1]}}", 8, ""), List.of(overrides), ExperimentTest.quiet()).run();
    assertFalse(r.stopped());
    BertForSequenceClassification student = (BertForSequenceClassification) HfCheckpoint.load(r.studentDir()).model();
    assertEquals(1, student.config().layers());
    double acc = r.student().metrics().get("accuracy");
    assertTrue(acc >= 0 && acc <= 1, "accuracy " + acc);
    return MetricsHistory.read(dir.resolve("run/metrics.jsonl"));
  }

  @Test
  void f32AndBf16RunsFollowTheCpuRun(@TempDir Path cpuDir, @TempDir Path f32Dir, @TempDir Path bf16Dir) throws Exception {
    String reason = CudaBackend.unavailableReason();
    assumeTrue(reason == null, () -> "no usable CUDA device: " + reason);
    List<MetricsHistory.TrainPoint> cpu = run(cpuDir, "training.device=cpu").train();
    List<MetricsHistory.TrainPoint> f32 = run(f32Dir, "training.device=cuda").train();
    List<MetricsHistory.TrainPoint> bf16 = run(bf16Dir, "training.device=cuda", "training.dtype=bf16").train();
    assertEquals(cpu.size(), f32.size());
    assertEquals(cpu.size(), bf16.size());
    for (int i = 0; i < cpu.size(); i++) {
      double expected = cpu.get(i).loss();
      assertEquals(expected, f32.get(i).loss(), 1e-4 * expected, "F32 loss at step " + cpu.get(i).step());
      assertEquals(expected, bf16.get(i).loss(), 5e-3 * expected, "BF16 loss at step " + cpu.get(i).step());
      // and the BF16 run did compute in BF16
      assertTrue(bf16.get(i).loss() != f32.get(i).loss(), "BF16 loss at step " + cpu.get(i).step() + " equals the F32 one");
    }
  }

  /** A BF16 run interrupted and resumed ends with the weights of an uninterrupted one (BF16 weights and F32 master weights restored). */
  @Test
  void resumedBf16RunEndsWithTheWeightsOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
    String reason = CudaBackend.unavailableReason();
    assumeTrue(reason == null, () -> "no usable CUDA device: " + reason);
    String student = "{fresh: {layers: 1, hidden: 16, heads: 2}}";
    List<String> bf16 = List.of("training.device=cuda", "training.dtype=bf16");
    ExperimentResult whole = Experiment.load(ExperimentTest.config(dir.resolve("a"), student, 6, ""), bf16, ExperimentTest.quiet()).run();
    Path b = ExperimentTest.config(dir.resolve("b"), student, 3, "");
    Experiment.load(b, bf16, ExperimentTest.quiet()).run();
    List<String> more = new ArrayList<>(bf16);
    more.add("training.steps=6");
    ExperimentResult resumed = Experiment.load(b, more, ExperimentTest.quiet().withResume(true)).run();
    assertTrue(resumed.stages().get(0).resumedFrom() != null, "the second run resumed");
    Map<String, float[]> x = Fixtures.tensors(whole.studentDir().resolve("model.safetensors"));
    Map<String, float[]> y = Fixtures.tensors(resumed.studentDir().resolve("model.safetensors"));
    assertEquals(x.keySet(), y.keySet());
    for (String k : x.keySet()) assertArrayEquals(x.get(k), y.get(k), k);
  }
}
