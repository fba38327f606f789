package jdistill.distill.method.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdistill.distill.core.Side;
import jdistill.distill.core.TapRequest;
import jdistill.distill.method.Method;
import jdistill.distill.method.MethodFactory;
import jdistill.distill.method.MethodRegistry;
import jdistill.distill.method.MethodSetup;
import jdistill.distill.method.OptionSpec;
import org.junit.jupiter.api.Test;

class BuiltinRegistryTest {

  @Test
  void everyBuiltInIsRegisteredAndBuildsWithItsDefaults() {
    List<String> names = MethodRegistry.all().stream().map(f -> f.info().name()).toList();
    assertTrue(names.containsAll(List.of("hard", "kd", "pkd", "distilbert", "tinybert", "minilm", "minilmv2", "annealing_kd", "theseus", "rail_kd", "mixkd")), names.toString());
    // widths divisible by minilmv2's 48 relation heads; equal head counts for minilm and tinybert
    MethodSetup setup = Fakes.setup(Fakes.config(12, 96, 4), Fakes.config(6, 48, 4));
    // module replacement swaps layers, so it needs one width
    MethodSetup oneWidth = Fakes.setup(Fakes.config(12, 48, 4), Fakes.config(6, 48, 4));
    for (MethodFactory f : MethodRegistry.all()) {
      String name = f.info().name();
      assertFalse(f.info().summary().isBlank(), name);
      for (OptionSpec o : f.info().options()) assertFalse(o.description().isBlank(), name + "." + o.name());
      Method m = MethodRegistry.create(name, null, name.equals("theseus") ? oneWidth : setup);
      assertEquals(name, m.name());
      for (TapRequest r : m.taps()) {
        int depth = r.side() == Side.TEACHER ? 12 : 6;
        assertTrue(r.layer() >= 0 && r.layer() < depth, name + " asks for " + r);
      }
    }
    // methods that compare hidden states of different widths bring their projection
    assertNotNull(MethodRegistry.create("tinybert", null, setup).extras());
    assertNotNull(MethodRegistry.create("pkd", null, setup).extras());
    assertNotNull(MethodRegistry.create("distilbert", null, setup).extras());
    assertEquals(5, MethodRegistry.create("pkd", null, setup).taps().size() / 2);
    assertNotNull(MethodRegistry.create("rail_kd", null, setup).extras());
    assertEquals(5, MethodRegistry.create("rail_kd", null, setup).taps().size() / 2);
    assertFalse(MethodRegistry.create("theseus", null, oneWidth).needsTeacher());
  }

  @Test
  void unknownChoicesAreExplained() {
    MethodSetup setup = Fakes.setup(Fakes.config(4, 8, 2), Fakes.config(2, 8, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodRegistry.create("annealing_kd", java.util.Map.of("stage", "two"), setup));
    assertTrue(e.getMessage().contains("'stage'") && e.getMessage().contains("anneal"), e.getMessage());
    IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> MethodRegistry.create("pkd", java.util.Map.of("pool", "max"), setup));
    assertTrue(p.getMessage().contains("[cls, mean]"), p.getMessage());
  }
}
