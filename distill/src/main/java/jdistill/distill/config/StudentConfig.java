package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The student, built one of three ways (exactly one is given): a copy of some of the teacher's
 * layers ({@code from_teacher}), a fresh randomly initialised model ({@code fresh}), or an
 * existing Hugging Face folder ({@code path}, e.g. a general-distilled student).
 */
public record StudentConfig(
    @JsonProperty("from_teacher") FromTeacherConfig fromTeacher,
    @JsonProperty("fresh") FreshStudentConfig fresh,
    @JsonProperty("path") String path) {

  public StudentConfig {
    Checks.exactlyOne(new String[] {"from_teacher", "fresh", "path"}, fromTeacher, fresh, path);
  }
}
