/**
 * Schedules for temperatures and loss weights as functions of the training step: constant,
 * linear, cosine, step-wise and Annealing-KD's annealing factor, parsed from a config value by
 * {@link jdistill.distill.schedule.ValueSchedule#parse}.
 */
package jdistill.distill.schedule;
