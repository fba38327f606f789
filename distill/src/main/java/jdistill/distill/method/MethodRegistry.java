package jdistill.distill.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdistill.distill.method.builtin.AnnealingKd;
import jdistill.distill.method.builtin.DistilBert;
import jdistill.distill.method.builtin.EmbeddingCosine;
import jdistill.distill.method.builtin.HardLabel;
import jdistill.distill.method.builtin.HintonKd;
import jdistill.distill.method.builtin.MiniLm;
import jdistill.distill.method.builtin.MiniLmV2;
import jdistill.distill.method.builtin.MixKd;
import jdistill.distill.method.builtin.PatientKd;
import jdistill.distill.method.builtin.RailKd;
import jdistill.distill.method.builtin.Theseus;
import jdistill.distill.method.builtin.TinyBert;

/** Every built-in method by name. An unknown name is an error listing the valid ones. */
public final class MethodRegistry {

  private static final Map<String, MethodFactory> METHODS = new LinkedHashMap<>();

  static {
    for (MethodFactory f : builtIns()) METHODS.put(f.info().name(), f);
  }

  private MethodRegistry() {}

  /** The built-in factories, in the order {@code jdistill methods} lists them. */
  private static List<MethodFactory> builtIns() {
    List<MethodFactory> list = new ArrayList<>();
    list.add(new HardLabel.Factory());
    list.add(new HintonKd.Factory());
    list.add(new PatientKd.Factory());
    list.add(new DistilBert.Factory());
    list.add(new TinyBert.Factory());
    list.add(new MiniLm.Factory());
    list.add(new MiniLmV2.Factory());
    list.add(new AnnealingKd.Factory());
    list.add(new Theseus.Factory());
    list.add(new RailKd.Factory());
    list.add(new MixKd.Factory());
    list.add(new EmbeddingCosine.Factory());
    return list;
  }

  /** All registered methods. */
  public static List<MethodFactory> all() {
    return List.copyOf(METHODS.values());
  }

  /** The factory for {@code name}, or an error listing every valid name. */
  public static MethodFactory get(String name) {
    MethodFactory f = METHODS.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown method '" + name + "'; valid methods: " + String.join(", ", METHODS.keySet()));
    }
    return f;
  }

  /** Validates the options and creates the method. */
  public static Method create(String name, Map<String, ?> options, MethodSetup setup) {
    MethodFactory f = get(name);
    return f.create(MethodOptions.of(f.info(), options), setup);
  }
}
