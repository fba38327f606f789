/**
 * What a run leaves for people to read: PNG charts of the logged losses and metrics ({@link
 * jdistill.distill.report.Plots}), measured inference speed ({@link
 * jdistill.distill.report.SpeedProbe}), the exported student ({@link
 * jdistill.distill.report.StudentExport}) and the teacher-versus-student comparison in Markdown and
 * HTML ({@link jdistill.distill.report.DistillReport}, assembled by {@link
 * jdistill.distill.report.RunReport}).
 */
package jdistill.distill.report;
