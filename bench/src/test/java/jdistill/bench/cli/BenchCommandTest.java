package jdistill.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import jdistill.bench.GemmBenchmark;
import jdistill.distill.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code bench} command is found through ServiceLoader and checks its arguments (no JMH run). */
class BenchCommandTest {

  @Test
  void registeredWithTheCommandLine() {
    CommandLine cli = Main.commandLine();
    CommandLine bench = cli.getSubcommands().get("bench");
    assertTrue(bench != null, "jdistill has no 'bench' subcommand: is the ServiceLoader entry missing?");
    assertTrue(bench.getSubcommands().containsKey("gemm"));
    assertTrue(bench.getSubcommands().containsKey("copy"));
  }

  @Test
  void rejectsBadShapesBeforeRunning() {
    CommandLine cli = Main.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("bench", "gemm", "--shapes", "12x3");
    assertNotEquals(0, code);
    assertTrue(err.toString().contains("shape must be MxNxK, got '12x3'"), err.toString());
  }

  @Test
  void parsesShapes() {
    assertArrayEquals(new int[] {4096, 2304, 768}, GemmBenchmark.parseShape("4096x2304x768"));
    assertThrows(IllegalArgumentException.class, () -> GemmBenchmark.parseShape("4096x0x768"));
    assertEquals(5, GemmBenchmark.SHAPES.length);
  }
}
