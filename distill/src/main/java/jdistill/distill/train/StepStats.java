package jdistill.distill.train;

import java.util.Map;

/**
 * What one optimizer step did, averaged over its micro-batches.
 *
 * @param step optimizer steps completed, this one included (1 for the first)
 * @param epoch the data epoch the step's last batch came from
 * @param loss the weighted total loss
 * @param terms each method's unweighted loss terms, as {@code method.term}
 * @param weights each method's weight at this step, by method name
 * @param lr the learning rate of the update
 * @param gradNorm the global gradient norm before clipping
 * @param tokens input positions consumed by the step
 * @param seconds wall time of the step
 */
public record StepStats(long step, long epoch, double loss, Map<String, Double> terms, Map<String, Double> weights, double lr, double gradNorm, long tokens, double seconds) {}
