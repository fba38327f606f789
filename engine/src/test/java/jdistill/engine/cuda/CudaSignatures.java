package jdistill.engine.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The extern "C" kernel signatures of the .cu sources, read with a small preprocessor (comments,
 * line continuations, object- and function-like macros with ## pasting, #undef), so that the Java
 * side's launches can be checked against the kernels' real parameter lists without nvcc or a GPU.
 */
final class CudaSignatures {

  private static final Pattern ENTRY = Pattern.compile(
      "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?(\\w+)\\s*\\(([^)]*)\\)");

  private record Macro(List<String> params, String body) {}

  private CudaSignatures() {}

  /** The sources folder: -Djdistill.kernels.src, $JDISTILL_KERNELS_SRC, or ../kernels/src/main/cuda; null if none has .cu files. */
  static Path sourceDir() {
    List<String> candidates = new ArrayList<>();
    if (System.getProperty("jdistill.kernels.src") != null) candidates.add(System.getProperty("jdistill.kernels.src"));
    if (System.getenv("JDISTILL_KERNELS_SRC") != null) candidates.add(System.getenv("JDISTILL_KERNELS_SRC"));
    candidates.add("../kernels/src/main/cuda");
    candidates.add("kernels/src/main/cuda");
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          if (s.anyMatch(f -> f.toString().endsWith(".cu"))) return p;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return null;
  }

  /** Kernel name to parameter kinds (null for a type the Java side has no kind for), for every .cu file in {@code dir}. */
  static Map<String, List<KernelArgs.Kind>> read(Path dir) {
    Map<String, List<KernelArgs.Kind>> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".cu")).sorted().toList()) {
        String expanded = preprocess(Files.readString(f));
        Matcher m = ENTRY.matcher(expanded);
        while (m.find()) {
          List<KernelArgs.Kind> kinds = kinds(m.group(1), m.group(2), f);
          if (out.put(m.group(1), kinds) != null) throw new IllegalStateException("kernel " + m.group(1) + " defined twice (" + f + ")");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static List<KernelArgs.Kind> kinds(String kernel, String params, Path file) {
    List<KernelArgs.Kind> kinds = new ArrayList<>();
    if (params.isBlank() || params.trim().equals("void")) return kinds;
    for (String p : params.split(",")) {
      String s = p.trim().replaceAll("\\s+", " ");
      if (s.contains("*")) {
        kinds.add(KernelArgs.Kind.PTR);
        continue;
      }
      String type = s.substring(0, s.lastIndexOf(' ')).replace("const ", "").trim();
      kinds.add(switch (type) {
        case "int", "unsigned", "unsigned int", "int32_t" -> KernelArgs.Kind.I32;
        case "i64", "u64", "long long", "unsigned long long", "int64_t", "uint64_t", "size_t" -> KernelArgs.Kind.I64;
        case "float" -> KernelArgs.Kind.F32;
        case "double" -> KernelArgs.Kind.F64;
        case "Dims8" -> KernelArgs.Kind.DIMS8;
        default -> null; // a struct the Java side does not pass (yet): kernels using it cannot be checked
      });
    }
    return kinds;
  }

  /** Strips comments, joins continuations, expands macros line by line in source order. */
  static String preprocess(String src) {
    String text = src.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", "").replace("\\\n", " ");
    Map<String, Macro> macros = new HashMap<>();
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) {
      String t = line.trim();
      if (t.startsWith("#define")) {
        Matcher fn = Pattern.compile("#define\\s+(\\w+)\\(([^)]*)\\)\\s*(.*)").matcher(t);
        Matcher obj = Pattern.compile("#define\\s+(\\w+)\\s*(.*)").matcher(t);
        if (fn.matches()) {
          List<String> ps = new ArrayList<>();
          for (String p : fn.group(2).split(",")) if (!p.isBlank()) ps.add(p.trim());
          macros.put(fn.group(1), new Macro(ps, fn.group(3)));
        } else if (obj.matches()) {
          macros.put(obj.group(1), new Macro(null, obj.group(2)));
        }
        continue;
      }
      if (t.startsWith("#undef")) {
        macros.remove(t.substring(6).trim());
        continue;
      }
      if (t.startsWith("#")) continue;
      out.append(expand(line, macros, 0)).append('\n');
    }
    return out.toString();
  }

  private static String expand(String s, Map<String, Macro> macros, int depth) {
    if (depth > 20) throw new IllegalStateException("macro expansion too deep: " + s);
    StringBuilder out = new StringBuilder();
    Matcher ident = Pattern.compile("[A-Za-z_]\\w*").matcher(s);
    int pos = 0;
    boolean changed = false;
    while (ident.find(pos)) {
      out.append(s, pos, ident.start());
      String name = ident.group();
      Macro m = macros.get(name);
      int end = ident.end();
      if (m == null) {
        out.append(name);
        pos = end;
        continue;
      }
      if (m.params == null) {
        out.append(' ').append(m.body).append(' ');
        pos = end;
        changed = true;
        continue;
      }
      int open = end;
      while (open < s.length() && Character.isWhitespace(s.charAt(open))) open++;
      if (open >= s.length() || s.charAt(open) != '(') {
        out.append(name);
        pos = end;
        continue;
      }
      List<String> args = new ArrayList<>();
      int level = 0;
      int start = open + 1;
      int i = open;
      for (; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '(') level++;
        else if (c == ')') {
          level--;
          if (level == 0) {
            args.add(s.substring(start, i).trim());
            break;
          }
        } else if (c == ',' && level == 1) {
          args.add(s.substring(start, i).trim());
          start = i + 1;
        }
      }
      String body = m.body;
      for (int k = 0; k < m.params.size(); k++) {
        String arg = k < args.size() ? args.get(k) : "";
        body = body.replaceAll("\\b" + Pattern.quote(m.params.get(k)) + "\\b", Matcher.quoteReplacement(arg));
      }
      body = body.replaceAll("\\s*##\\s*", "");
      out.append(' ').append(body).append(' ');
      pos = i + 1;
      changed = true;
    }
    out.append(s.substring(pos));
    return changed ? expand(out.toString(), macros, depth + 1) : out.toString();
  }
}
