/**
 * Softmax and log-softmax over one axis, fused. Promoted from composites (still in the tests as
 * oracles) because the fused kernel subtracts the row maximum internally, keeps one output
 * instead of four intermediates, and its backward is a single pass.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import { normalizeAxis } from '../../ndarray/shape.js';
import { softmaxBackward, softmax as softmaxKernel } from '../../ndarray/softmax.js';
import { expectTensor } from '../operands.js';

/**
 * `exp(x) / Σ exp(x)` over `dim`, numerically stable for large logits.
 * @throws RangeError for a `dim` out of range
 */
export function softmax(x: Tensor, dim: number): Tensor {
  expectTensor('softmax', 'x', x);
  const axis = normalizeAxis('softmax', dim, x.ndim);
  const y = softmaxKernel(x.data, axis, false);
  return record('softmax', [x], y, (grad) => [softmaxBackward(grad, y, axis, false)]);
}

/**
 * `x − log Σ exp(x)` over `dim`: the log of {@link softmax}, computed without forming it.
 * @throws RangeError for a `dim` out of range
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  expectTensor('logSoftmax', 'x', x);
  const axis = normalizeAxis('logSoftmax', dim, x.ndim);
  const y = softmaxKernel(x.data, axis, true);
  return record('logSoftmax', [x], y, (grad) => [softmaxBackward(grad, y, axis, true)]);
}
