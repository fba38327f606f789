package jdistill.distill.cli;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import jdistill.models.tokenizer.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jdistill tokenize}: token ids of every line of a text file, one JSON array per line. */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenizes a UTF-8 text file line by line and writes one JSON array of token ids per line.",
      "Truncation and padding set in tokenizer.json apply unless turned off."
    })
public final class TokenizeCommand implements Callable<Integer> {
  private static final int CHUNK = 4096;

  @Option(names = "--tokenizer", required = true, paramLabel = "PATH",
      description = "tokenizer.json, a folder holding one, a BERT vocab.txt, or a GPT-2 vocab.json with merges.txt beside it")
  Path tokenizerPath;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "UTF-8 text, one text per line")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "FILE.jsonl", description = "where the id arrays go")
  Path output;

  @Option(names = "--no-special-tokens", description = "leave out special tokens such as [CLS] and [SEP]")
  boolean noSpecialTokens;

  @Option(names = "--no-truncation", description = "ignore the truncation of tokenizer.json")
  boolean noTruncation;

  @Option(names = "--no-padding", description = "ignore the padding of tokenizer.json")
  boolean noPadding;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Tokenizer tokenizer;
    try {
      tokenizer = Tokenizer.load(tokenizerPath);
    } catch (IOException e) {
      err.println("Cannot load the tokenizer: " + describe(e));
      return 1;
    }
    if (noTruncation) tokenizer = tokenizer.withTruncation(null);
    if (noPadding) tokenizer = tokenizer.withPadding(null);
    if (!Files.isRegularFile(input)) {
      err.println("Input file not found: " + input);
      return 1;
    }
    long lines = 0, tokens = 0;
    try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
         BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      List<String> chunk = new ArrayList<>(CHUNK);
      while (true) {
        String line;
        try {
          line = in.readLine();
        } catch (CharacterCodingException e) {
          err.println(input + ": line " + (lines + chunk.size() + 1) + " is not valid UTF-8");
          return 1;
        }
        if (line != null) chunk.add(line);
        if (chunk.size() == CHUNK || (line == null && !chunk.isEmpty())) {
          tokens += write(tokenizer, chunk, out);
          lines += chunk.size();
          chunk.clear();
        }
        if (line == null) break;
      }
    } catch (IOException e) {
      err.println("Tokenizing " + input + " into " + output + " failed: " + describe(e));
      return 1;
    }
    err.printf("Tokenized %d lines into %d tokens: %s%n", lines, tokens, output);
    return 0;
  }

  private long write(Tokenizer tokenizer, List<String> lines, BufferedWriter out) throws IOException {
    boolean special = !noSpecialTokens;
    String[] json = new String[lines.size()];
    long[] counts = new long[lines.size()];
    IntStream.range(0, lines.size()).parallel().forEach(i -> {
      int[] ids = tokenizer.encode(lines.get(i), special).ids();
      StringBuilder sb = new StringBuilder(ids.length * 6 + 2).append('[');
      for (int k = 0; k < ids.length; k++) {
        if (k > 0) sb.append(',');
        sb.append(ids[k]);
      }
      json[i] = sb.append(']').toString();
      counts[i] = ids.length;
    });
    long n = 0;
    for (int i = 0; i < json.length; i++) {
      out.write(json[i]);
      out.write('\n');
      n += counts[i];
    }
    return n;
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + (n.getReason() != null ? " (" + n.getReason() + ")" : " (not found)");
    }
    return e.getMessage();
  }
}
