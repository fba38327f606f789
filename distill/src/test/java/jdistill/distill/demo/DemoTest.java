package jdistill.distill.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jdistill.distill.config.ExperimentConfig;
import jdistill.models.checkpoint.HfCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shrunken demo (a 2 x 64 teacher, a 2 x 32 student, one epoch each) end to end, in well under a minute. */
class DemoTest {

  static Demo.Settings shrunken() {
    return new Demo.Settings(3, 16000, 300, 1000, 400, new Demo.Shape(2, 64, 4), new Demo.Shape(2, 32, 2), 1, 1, 1e-3, 2e-3, 32);
  }

  @Test
  void shrunkenDemoTrainsATeacherAndDistilsASmallerStudentThatAgreesWithIt(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Demo.Outcome o = new Demo(shrunken(), new PrintStream(log, true, StandardCharsets.UTF_8)).run(dir);
    var r = o.result();

    // 300 balanced held-out reviews: chance is 0.5 with a standard deviation of about 0.03
    double teacherAccuracy = r.teacher().metrics().get("accuracy");
    assertTrue(teacherAccuracy > 0.7, "teacher accuracy " + teacherAccuracy);
    double agreement = r.student().metrics().get("agreement");
    assertTrue(agreement > 0.75, "student agreement " + agreement);
    assertTrue(r.student().metrics().get("accuracy") > 0.65, "student accuracy " + r.student().metrics());

    // the parameter ratio, recounted from the written models
    long teacherParams = HfCheckpoint.load(dir.resolve("teacher")).model().numParameters();
    long studentParams = HfCheckpoint.load(dir.resolve("student")).model().numParameters();
    assertEquals(studentParams / (double) teacherParams, o.parameterRatio(), 1e-12);
    assertTrue(o.parameterRatio() <= 0.5, "parameter ratio " + o.parameterRatio());
    assertEquals(r.metricRatio("accuracy") >= Demo.MIN_ACCURACY_RATIO, o.accuracyHolds());

    // the run leaves a report, a config that loads, and data whose held-out part is not the training set
    assertTrue(Files.readString(dir.resolve("report.md")).contains("| accuracy |"));
    assertTrue(Files.isRegularFile(dir.resolve("student/tokenizer.json")));
    ExperimentConfig config = ExperimentConfig.load(dir.resolve("demo.yaml"), List.of());
    assertEquals("kd", config.methods().get(0).name());
    Set<String> train = new HashSet<>(Files.readAllLines(dir.resolve("data/train.jsonl")));
    long seen = Files.readAllLines(dir.resolve("data/eval.jsonl")).stream().filter(train::contains).count();
    assertTrue(seen < 30, seen + " of 300 held-out reviews also occur in the training data");

    String printed = log.toString(StandardCharsets.UTF_8);
    for (String check : List.of("accuracy kept:", "parameters:", "speed:")) {
      assertTrue(printed.lines().anyMatch(l -> l.contains(check) && (l.endsWith("PASS") || l.endsWith("FAIL"))), check + " missing in\n" + printed);
    }
  }
}
