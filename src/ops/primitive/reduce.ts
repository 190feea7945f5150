/**
 * Reductions: sum over any axes, max over one axis or all.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Dims, Tensor } from '../../autograd/tensor.js';
import { formatShape, ShapeError } from '../../errors.js';
import { expand, reshape } from '../../ndarray/movement.js';
import { zerosND } from '../../ndarray/ndarray.js';
import {
  maxAll,
  maxAxis,
  scatterAlongAxis,
  spreadToMaxima,
  sumAxes,
} from '../../ndarray/reduce.js';
import { normalizeAxis } from '../../ndarray/shape.js';
import { expectTensor } from '../operands.js';

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
 * The maximum values over `dim`, or of all elements when `dim` is omitted. As in PyTorch, the
 * gradient of `max(x, dim)` goes to the first maximal element along `dim`, and the gradient of
 * `max(x)` is shared evenly by all maximal elements.
 * @throws {@link ShapeError} for a reduction over an empty axis
 */
export function max(x: Tensor, dim?: number, keepDim = false): Tensor {
  expectTensor('max', 'x', x);
  if (dim === undefined) {
    if (x.size === 0) {
      throw new ShapeError(
        `max: x is empty; expected at least one element, got ${formatShape(x.data.shape)}`,
      );
    }
    const { value, ties } = maxAll(x.data);
    const output = zerosND(keepDim ? x.data.shape.map(() => 1) : [], x.dtype);
    output.data[0] = value;
    return record('max', [x], output, (grad) => [
      spreadToMaxima(grad.data[grad.offset] as number, x.data, value, ties),
    ]);
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
