package jdistill.distill.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReaderTest {

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  private static String error(Runnable r) {
    return assertThrows(DataException.class, r::run).getMessage();
  }

  @Test
  void csvQuotedFieldsKeepCommasQuotesAndNewlines() throws IOException {
    Path f = write("train.csv", """
        id,sentence,label
        1,"hello, world",pos
        2,"line one
        line two",neg
        3,"she said ""hi""\",pos
        4,plain,neg
        """);
    List<Example> ex = TextDataset.read(f, DatasetColumns.classification("sentence", "label")).examples();
    assertEquals(4, ex.size());
    assertEquals("hello, world", ex.get(0).text());
    assertEquals("line one\nline two", ex.get(1).text());
    assertEquals("she said \"hi\"", ex.get(2).text());
    assertEquals("plain", ex.get(3).text());
    // labels sorted: neg = 0, pos = 1
    assertEquals(List.of(1, 0, 1, 0), ex.stream().map(Example::label).toList());
    assertNull(ex.get(0).textPair());
    assertFalse(ex.get(0).hasScore());
  }

  @Test
  void csvErrorNamesTheLineWhereTheRecordStartsAfterAMultiLineField() throws IOException {
    Path f = write("bad.csv", """
        id,sentence,label
        1,"two
        lines",pos
        2,short
        """);
    assertEquals(f + ":4: missing column 'label' (the row has 2 fields, the header 3)",
        error(() -> TextDataset.read(f, DatasetColumns.classification("sentence", "label"))));
  }

  @Test
  void csvWithCrlfAndBomAndAnExtraField() throws IOException {
    Path ok = write("crlf.csv", "\uFEFFsentence,label\r\n\"a, b\",x\r\nc,y\r\n");
    List<Example> ex = TextDataset.read(ok, DatasetColumns.classification("sentence", "label")).examples();
    assertEquals("a, b", ex.get(0).text());
    assertEquals("c", ex.get(1).text());
    Path extra = write("extra.csv", "sentence,label\na,x\nb,y,z\n");
    assertEquals(extra + ":3: the row has 3 fields, the header 2",
        error(() -> TextDataset.read(extra, DatasetColumns.classification("sentence", "label"))));
    Path unclosed = write("unclosed.csv", "sentence,label\na,x\n\"never closed,y\n");
    String msg = error(() -> TextDataset.read(unclosed, DatasetColumns.classification("sentence", "label")));
    assertTrue(msg.startsWith(unclosed + ":") && msg.contains(": not valid CSV: "), msg);
  }

  @Test
  void datasetWithoutANamedColumnListsTheColumnsPresent() throws IOException {
    Path csv = write("a.csv", "idx,sentence,score\n1,x,0.5\n");
    assertEquals(csv + ": no column 'label'; columns present (header): idx, sentence, score",
        error(() -> TextDataset.read(csv, DatasetColumns.classification("sentence", "label"))));
    Path tsv = write("a.tsv", "idx\tsentence\n1\tx\n");
    assertEquals(tsv + ": no column 'text'; columns present (header): idx, sentence",
        error(() -> TextDataset.read(tsv, DatasetColumns.textOnly("text"))));
    Path jsonl = write("a.jsonl", "\n{\"sentence\": \"x\", \"idx\": 1}\n{\"text\": \"y\"}\n");
    assertEquals(jsonl + ": no column 'text'; columns present (in the first record, line 2): sentence, idx",
        error(() -> TextDataset.read(jsonl, DatasetColumns.textOnly("text"))));
  }

  @Test
  void tsvHasNoQuotingAndIntegerLabelsAreTheirOwnIds() throws IOException {
    Path f = write("train.tsv", """
        sentence\tlabel
        it's "great", really\t1
        bad\t0

        so-so\t2
        """);
    TextDataset ds = TextDataset.read(f, DatasetColumns.classification("sentence", "label"));
    List<Example> ex = ds.examples();
    assertEquals("it's \"great\", really", ex.get(0).text());
    assertEquals(List.of(1, 0, 2), ex.stream().map(Example::label).toList());
    assertEquals(List.of("0", "1", "2"), ds.labelVocabulary().names());
  }

  @Test
  void tsvMalformedRowsAndScores() throws IOException {
    Path f = write("sts.tsv", "s1\ts2\tscore\na\tb\t4.5\nc\td\n");
    assertEquals(f + ":3: missing column 'score' (the row has 2 tab-separated fields, the header 3)",
        error(() -> TextDataset.read(f, new DatasetColumns("s1", "s2", null, "score"))));
    Path g = write("sts2.tsv", "s1\ts2\tscore\na\tb\t4.5\nc\td\tfour\n");
    assertEquals(g + ":3: score 'four' in column 'score' is not a number",
        error(() -> TextDataset.read(g, new DatasetColumns("s1", "s2", null, "score"))));
    Path h = write("sts3.tsv", "s1\ts2\tscore\na\tb\t4.5\nc\td\t-1e-1\n");
    List<Example> ex = TextDataset.read(h, new DatasetColumns("s1", "s2", null, "score")).examples();
    assertEquals("b", ex.get(0).textPair());
    assertEquals(4.5f, ex.get(0).score());
    assertEquals(-0.1f, ex.get(1).score());
    assertFalse(ex.get(1).hasLabel());
  }

  @Test
  void jsonlErrorsNameTheLine() throws IOException {
    DatasetColumns cols = DatasetColumns.classification("text", "label");
    Path missing = write("m.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n\n{\"text\": \"b\"}\n");
    assertEquals(missing + ":3: missing column 'label'", error(() -> TextDataset.read(missing, cols)));
    Path broken = write("b.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \"label\": \n");
    String msg = error(() -> TextDataset.read(broken, cols));
    assertTrue(msg.startsWith(broken + ":2: not valid JSON: "), msg);
    Path array = write("arr.jsonl", "[1, 2]\n");
    assertEquals(array + ":1: expected a JSON object, found an array", error(() -> TextDataset.read(array, cols)));
    Path trailing = write("t.jsonl", "{\"text\": \"a\", \"label\": 1} {\"text\": \"b\"}\n");
    assertTrue(error(() -> TextDataset.read(trailing, cols)).startsWith(trailing + ":1: not valid JSON: "));
    Path nested = write("n.jsonl", "{\"text\": [\"a\"], \"label\": 1}\n");
    assertEquals(nested + ":1: column 'text' holds an array, expected a string or a number", error(() -> TextDataset.read(nested, cols)));
    Path empty = write("e.jsonl", "{\"text\": \"a\", \"label\": \"\"}\n");
    assertEquals(empty + ":1: empty label in column 'label'", error(() -> TextDataset.read(empty, cols)));
  }

  @Test
  void evaluationLabelsUseTheTrainingVocabulary() throws IOException {
    DatasetColumns cols = DatasetColumns.classification("text", "label");
    Path train = write("train.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"b\", \"label\": \"neg\"}\n");
    Path dev = write("dev.jsonl", "{\"text\": \"c\", \"label\": \"neg\"}\n{\"text\": \"d\", \"label\": \"maybe\"}\n");
    LabelVocabulary labels = TextDataset.read(train, cols).labelVocabulary();
    assertEquals(List.of("neg", "pos"), labels.names());
    TextDataset devSet = TextDataset.read(dev, cols);
    assertEquals(dev + ":2: label 'maybe' is not in the label set [neg, pos]", error(() -> devSet.examples(labels)));
    // integer labels written as JSON numbers
    Path ints = write("ints.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n");
    TextDataset intSet = TextDataset.read(ints, cols);
    assertEquals(List.of(1, 0), intSet.examples().stream().map(Example::label).toList());
    Path dev3 = write("dev3.jsonl", "{\"text\": \"a\", \"label\": 3}\n");
    assertEquals(dev3 + ":1: label '3' is not in the label set [0, 1]",
        error(() -> TextDataset.read(dev3, cols).examples(intSet.labelVocabulary())));
  }

  @Test
  void formatComesFromTheExtension() throws IOException {
    Path f = write("data.txt", "x\nhello\n");
    assertEquals(f + ": cannot tell the format from the file name; use .jsonl (JSON lines), .tsv or .csv, or name the format",
        error(() -> TextDataset.read(f, DatasetColumns.textOnly("text"))));
    // naming the format reads it anyway
    assertEquals("hello", TextDataset.read(f, DatasetColumns.textOnly("x"), DatasetFormat.TSV).examples().get(0).text());
    assertEquals(f.resolveSibling("nope.csv") + ": no such file",
        error(() -> TextDataset.read(f.resolveSibling("nope.csv"), DatasetColumns.textOnly("text"))));
  }

  @Test
  void corpusSplitsIntoDocuments() throws IOException {
    Path f = write("corpus.txt", "first line\nsecond line\n\n\nthird\n  \nfourth\n");
    assertEquals(List.of("first line", "second line", "third", "fourth"), TextCorpus.documents(f, DocumentSplit.LINES));
    assertEquals(List.of("first line\nsecond line", "third", "fourth"), TextCorpus.documents(f, DocumentSplit.BLANK_LINES));
    Path blank = write("blank.txt", "\n \n");
    assertEquals(blank + ": no documents (the file is empty or blank)", error(() -> TextCorpus.documents(blank, DocumentSplit.LINES)));
  }
}
