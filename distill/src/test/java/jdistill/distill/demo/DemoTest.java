package jdistill.distill.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTest {

  @Test
  void shortRunLearnsAndTheStudentIsSmallerAndAgreesWithTheTeacher(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Demo.Settings settings = new Demo.Settings(3, 800, 32, 8, 60, 60, 2.0, 0.5);
    List<Demo.Evaluation> results = new Demo(settings, new PrintStream(log, true, StandardCharsets.UTF_8)).run(dir);
    assertEquals(3, results.size());
    Demo.Evaluation teacher = results.get(0);
    Demo.Evaluation student = results.get(1);
    // a uniform guess over ~30 characters has perplexity ~30; 60 steps must do far better
    assertTrue(teacher.perplexity() < 12, "teacher perplexity " + teacher.perplexity());
    assertTrue(student.perplexity() < 15, "student perplexity " + student.perplexity());
    assertEquals(1.0, teacher.agreement(), 0.0);
    assertTrue(student.agreement() > 0.4, "student agreement " + student.agreement());
    assertTrue(student.parameters() * 2 <= teacher.parameters(), "student must have at most half the parameters");
    String report = Files.readString(dir.resolve("report.md"));
    assertTrue(report.contains("| student (KD) |"), report);
  }

  @Test
  void sameSeedGivesTheSameResults(@TempDir Path dir) throws Exception {
    Demo.Settings settings = new Demo.Settings(5, 300, 16, 4, 8, 8, 2.0, 0.5);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    List<Demo.Evaluation> a = new Demo(settings, quiet).run(dir.resolve("a"));
    List<Demo.Evaluation> b = new Demo(settings, quiet).run(dir.resolve("b"));
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).perplexity(), b.get(i).perplexity(), 0.0);
      assertEquals(a.get(i).agreement(), b.get(i).agreement(), 0.0);
    }
  }
}
