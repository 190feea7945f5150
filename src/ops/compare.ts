/**
 * Comparisons and argmax: results that carry no gradient (masks, predicted ids, accuracy).
 * @module
 */
import { Tensor } from '../autograd/tensor.js';
import { formatShape, ShapeError } from '../errors.js';
import * as nd from '../ndarray/elementwise.js';
import { allocate, wrap } from '../ndarray/ndarray.js';
import { maxAxis } from '../ndarray/reduce.js';
import { normalizeAxis } from '../ndarray/shape.js';
import { binaryOperands, expectTensor, type Operand } from './operands.js';

/** 1 where `a === b`, else 0, broadcasting; the result has no gradient. */
export function eq(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('eq', a, b);
  return new Tensor(nd.equal(x.data, y.data));
}

/** 1 where `a > b`, else 0, broadcasting; the result has no gradient. */
export function gt(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('gt', a, b);
  return new Tensor(nd.greater(x.data, y.data));
}

/** 1 where `a < b`, else 0, broadcasting; the result has no gradient. */
export function lt(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('lt', a, b);
  return new Tensor(nd.greater(y.data, x.data));
}

/**
 * The index of the first maximum along `dim`, as a tensor of the same dtype holding integers
 * (the predicted class or token id); no gradient.
 *
 * @example
 * ```ts
 * argmax(tensor([[0.1, 2, 0.3], [5, 1, 1]]), -1).toArray(); // [1, 0]
 * ```
 * @throws {@link ShapeError} for an empty axis
 */
export function argmax(x: Tensor, dim: number, keepDim = false): Tensor {
  expectTensor('argmax', 'x', x);
  const axis = normalizeAxis('argmax', dim, x.ndim);
  if (x.data.shape[axis] === 0) {
    throw new ShapeError(
      `argmax: dim ${dim} is empty; expected at least one element, got ${formatShape(x.data.shape)}`,
    );
  }
  const { values, indices } = maxAxis(x.data, axis, keepDim);
  const out = allocate(indices.length, x.dtype);
  out.set(indices);
  return new Tensor(wrap(out, values.shape));
}
