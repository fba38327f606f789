package jdistill.distill.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A metrics.jsonl file read back: the logged training steps and the evaluations, in file order. */
public record MetricsHistory(List<TrainPoint> train, List<EvalPoint> eval) {

  /** One train line. */
  public record TrainPoint(long step, double loss, Map<String, Double> terms, double lr, double tokensPerSecond) {}

  /** One eval line. */
  public record EvalPoint(long step, Map<String, Double> metrics) {}

  /** Reads {@code file}; a malformed line is an error naming its line number. */
  public static MetricsHistory read(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<TrainPoint> train = new ArrayList<>();
    List<EvalPoint> eval = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) continue;
      JsonNode n;
      try {
        n = json.readTree(line);
      } catch (IOException e) {
        throw new IOException(file + ":" + (i + 1) + ": not a JSON object: " + e.getMessage(), e);
      }
      String type = n.path("type").asText();
      long step = n.path("step").asLong(-1);
      switch (type) {
        case "train" -> train.add(new TrainPoint(step, n.path("loss").asDouble(Double.NaN), numbers(n.path("terms")), n.path("lr").asDouble(Double.NaN), n.path("tokens_per_s").asDouble(Double.NaN)));
        case "eval" -> eval.add(new EvalPoint(step, numbers(n.path("metrics"))));
        default -> throw new IOException(file + ":" + (i + 1) + ": unknown line type '" + type + "' (expected train or eval)");
      }
    }
    return new MetricsHistory(List.copyOf(train), List.copyOf(eval));
  }

  private static Map<String, Double> numbers(JsonNode obj) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (var it = obj.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), e.getValue().isNumber() ? e.getValue().asDouble() : parse(e.getValue().asText()));
    }
    return out;
  }

  private static double parse(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The names of all logged loss terms, in first-seen order. */
  public List<String> termNames() {
    LinkedHashMap<String, Boolean> names = new LinkedHashMap<>();
    for (TrainPoint p : train) for (String k : p.terms().keySet()) names.put(k, true);
    return List.copyOf(names.keySet());
  }

  /** The names of all evaluation metrics, in first-seen order. */
  public List<String> metricNames() {
    LinkedHashMap<String, Boolean> names = new LinkedHashMap<>();
    for (EvalPoint p : eval) for (String k : p.metrics().keySet()) names.put(k, true);
    return List.copyOf(names.keySet());
  }
}
