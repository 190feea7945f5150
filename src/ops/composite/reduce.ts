/**
 * Reductions built from primitives.
 * @module
 */
import type { Dims, Tensor } from '../../autograd/tensor.js';
import { div } from '../primitive/elementwise.js';
import { resolveAxes, sum } from '../primitive/reduce.js';

/** The mean over `dim` (all axes when omitted); `keepDim` keeps reduced axes as size 1. */
export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  const axes = resolveAxes('mean', dim, x.ndim);
  const count = axes.reduce((n, d) => n * (x.data.shape[d] as number), 1);
  return div(sum(x, axes, keepDim), count);
}
