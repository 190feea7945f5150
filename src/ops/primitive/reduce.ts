/**
 * Reductions: sum over any axes, max over one axis.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Dims, Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { expand, reshape } from '../../ndarray/movement.js';
import { maxAxis, scatterAlongAxis, sumAxes } from '../../ndarray/reduce.js';
import { normalizeAxis } from '../../ndarray/shape.js';
import { expectTensor } from '../operands.js';
import { reshape as reshapeOp } from './movement.js';

/** Normalised, distinct axes of `dim` (all axes when undefined). */
export function resolveAxes(where: string, dim: Dims | undefined, ndim: number): number[] {
  if (dim === undefined) return Array.from({ length: ndim }, (_, d) => d);
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const axes = list.map((d) => normalizeAxis(where, d, ndim));
  if (new Set(axes).size !== axes.length) {
    throw new RangeError(
      `${where}: dim lists an axis twice; expected distinct axes, got [${list.join(', ')}]`,
    );
  }
  return axes;
}

/** The input's shape with `axes` set to 1: the shape a keepDim reduction has. */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((s, d) => (axes.includes(d) ? 1 : s));
}

/**
 * Sum over `dim` (one axis, several, or all when omitted); `keepDim` keeps reduced axes as size 1.
 * @throws RangeError for an axis out of range or listed twice
 */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  expectTensor('sum', 'x', x);
  const shape = x.data.shape;
  const axes = resolveAxes('sum', dim, shape.length);
  return record('sum', [x], sumAxes(x.data, axes, keepDim), (grad) => [
    // Every input element contributed once, so the gradient is the output's, broadcast back.
    expand(reshape(grad, keptShape(shape, axes)), shape),
  ]);
}

/**
 * The maximum values over `dim` (over all elements when omitted). The gradient goes to the first
 * maximal element, as PyTorch's `max(dim)` does.
 * @throws {@link ShapeError} for a reduction over an empty axis
 */
export function max(x: Tensor, dim?: number, keepDim = false): Tensor {
  expectTensor('max', 'x', x);
  if (dim === undefined) {
    const overall = max(reshapeOp(x, [x.size]), 0);
    return keepDim
      ? reshapeOp(
          overall,
          x.data.shape.map(() => 1),
        )
      : overall;
  }
  const axis = normalizeAxis('max', dim, x.ndim);
  if (x.data.shape[axis] === 0) {
    throw new ShapeError(
      `max: dim ${dim} is empty; expected at least one element, got ${formatShape(x.data.shape)}`,
    );
  }
  const shape = x.data.shape;
  const { values, indices } = maxAxis(x.data, axis, keepDim);
  return record('max', [x], values, (grad) => [scatterAlongAxis(grad, indices, shape, axis)]);
}
