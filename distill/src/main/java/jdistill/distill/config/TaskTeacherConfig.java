package jdistill.distill.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A teacher fine-tuned on the task before distillation starts, with the experiment's data,
 * optimizer settings (except {@code lr}) and seed.
 *
 * @param base Hugging Face folder of the pre-trained model (required)
 * @param epochs fine-tuning epochs (default 3)
 * @param lr fine-tuning learning rate (default 2e-5)
 * @param output where the fine-tuned teacher is written (default: {@code <training.output>/teacher});
 *     an existing fine-tuned teacher there is reused
 */
public record TaskTeacherConfig(
    @JsonProperty("base") String base,
    @JsonProperty("epochs") Integer epochs,
    @JsonProperty("lr") Double lr,
    @JsonProperty("output") String output) {

  public TaskTeacherConfig {
    Checks.required(base, "base", "the Hugging Face folder of the model to fine-tune");
    epochs = Checks.or(epochs, 3);
    lr = Checks.or(lr, 2e-5);
    Checks.positive(epochs, "epochs");
    Checks.positive(lr, "lr");
  }
}
