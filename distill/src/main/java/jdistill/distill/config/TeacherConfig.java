package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The teacher: a fine-tuned Hugging Face folder ({@code path}), or a base model to fine-tune on the
 * task first ({@code task_teacher}). Exactly one is given.
 *
 * @param path folder with config.json and model.safetensors
 * @param taskTeacher fine-tune this base model on the task's data before distilling
 */
public record TeacherConfig(
    @JsonProperty("path") String path,
    @JsonProperty("task_teacher") TaskTeacherConfig taskTeacher) {

  public TeacherConfig {
    Checks.exactlyOne(new String[] {"path", "task_teacher"}, path, taskTeacher);
  }

  /** A ready teacher folder. */
  public static TeacherConfig of(String path) {
    return new TeacherConfig(path, null);
  }
}
