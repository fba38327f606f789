package jdistill.distill.experiment;

import java.nio.file.Path;
import java.util.List;
import jdistill.distill.config.ResolvedStage;
import jdistill.distill.config.Stage;
import jdistill.distill.data.TextEncoder;

/**
 * A stage ready to train: its resolved settings and methods, where the config names it, its
 * teacher, its tokenizer and tokenised data, and the metrics its evaluations compute.
 *
 * @param index 0-based position in the recipe
 * @param at the config path prefix of the stage's fields ("" for a single stage, "recipe.1." in a recipe)
 * @param tokenizer the tokenizer file or folder (copied beside the exported student)
 */
record StagePlan(int index, ResolvedStage resolved, String at, TeacherSlot teacher, Path tokenizer, TextEncoder encoder, StageData data, List<String> metrics) {

  Stage stage() {
    return resolved.stage();
  }

  String name() {
    return resolved.name();
  }
}
