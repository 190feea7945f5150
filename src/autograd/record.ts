/**
 * The one way to add a node to the graph.
 * @module
 */
import type { NDArray } from '../ndarray/ndarray.js';
import { callSite, checkForward, isAnomalyDetectionEnabled } from './anomaly.js';
import { isGradEnabled } from './grad-mode.js';
import { type Backward, Tensor } from './tensor.js';

/**
 * Wraps an op's forward result as a Tensor. The node (and with it the inputs and whatever the
 * `backward` closure captured) is kept only when grad mode is on and some input requires grad.
 */
export function record(
  op: string,
  inputs: readonly Tensor[],
  output: NDArray,
  backward: Backward,
): Tensor {
  const requiresGrad = isGradEnabled() && inputs.some((t) => t.requiresGrad);
  if (!isAnomalyDetectionEnabled()) {
    return new Tensor(output, {
      requiresGrad,
      node: requiresGrad ? { op, inputs, backward } : null,
    });
  }
  const trace = callSite();
  checkForward(
    op,
    inputs.map((t) => t.data),
    output,
    trace,
  );
  return new Tensor(output, {
    requiresGrad,
    node: requiresGrad ? { op, inputs, backward, trace } : null,
  });
}
