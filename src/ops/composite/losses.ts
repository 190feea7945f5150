/**
 * Regression loss built from primitives.
 * @module
 */

import type { Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { sameShape } from '../../ndarray/shape.js';
import { expectTensor } from '../operands.js';
import { sub } from '../primitive/elementwise.js';
import { sum } from '../primitive/reduce.js';
import { pow } from '../primitive/unary.js';
import { mean } from './reduce.js';

/** Options of {@link mseLoss}. */
export interface MseLossOptions {
  /** `'mean'` (default), `'sum'`, or `'none'` for the elementwise squared errors. */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * The mean squared error `mean((input − target)²)`, as `torch.nn.functional.mse_loss`.
 * Unlike PyTorch (which broadcasts with a warning), different shapes are an error, because a
 * broadcast here is almost always a bug.
 * @throws {@link ShapeError} when the shapes differ
 */
export function mseLoss(input: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  expectTensor('mseLoss', 'input', input);
  expectTensor('mseLoss', 'target', target);
  if (!sameShape(input.data.shape, target.data.shape)) {
    throw new ShapeError(
      `mseLoss: target has a different shape from input; expected ${formatShape(input.data.shape)}, got ${formatShape(target.data.shape)}`,
    );
  }
  const { reduction = 'mean' } = options;
  const squared = pow(sub(input, target), 2);
  if (reduction === 'none') return squared;
  if (reduction === 'sum') return sum(squared);
  if (reduction === 'mean') return mean(squared);
  throw new TypeError(
    `mseLoss: reduction must be 'mean', 'sum' or 'none'; got ${String(reduction)}`,
  );
}
