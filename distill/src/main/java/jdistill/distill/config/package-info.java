/**
 * Experiment configs: YAML files bound to records ({@link jdistill.distill.config.ExperimentConfig}
 * and its parts), {@code --set} overrides, recipe stages merged over the top-level fields, and
 * methods checked against their option lists at load time. Every error names the file, the field
 * path and what was expected.
 */
package jdistill.distill.config;
