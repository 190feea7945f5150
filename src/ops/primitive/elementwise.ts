/**
 * Broadcasting arithmetic: add, sub, mul, div. Each backward sits under its forward and may
 * return the broadcast shape; the engine sums it back to each input's shape.
 * @module
 */
import { record } from '../../autograd/record.js';
import type { Tensor } from '../../autograd/tensor.js';
import * as nd from '../../ndarray/elementwise.js';
import { binaryOperands, type Operand } from '../operands.js';

/**
 * `a + b` elementwise, broadcasting as in NumPy (a number takes the tensor's dtype).
 * @throws {@link ShapeError} `add: [2, 3] and [4, 5] do not broadcast (axis -1: 3 vs 5)`
 */
export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('add', a, b);
  return record('add', [x, y], nd.add(x.data, y.data), (grad) => [grad, grad]);
}

/** `a − b` elementwise, broadcasting. */
export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('sub', a, b);
  return record('sub', [x, y], nd.sub(x.data, y.data), (grad, needs) => [
    grad,
    needs[1] ? nd.neg(grad) : null,
  ]);
}

/** `a · b` elementwise, broadcasting. */
export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('mul', a, b);
  return record('mul', [x, y], nd.mul(x.data, y.data), (grad, needs) => [
    needs[0] ? nd.mul(grad, y.data) : null, // ∂(xy)/∂x = y
    needs[1] ? nd.mul(grad, x.data) : null, // ∂(xy)/∂y = x
  ]);
}

/** `a / b` elementwise, broadcasting. */
export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = binaryOperands('div', a, b);
  return record('div', [x, y], nd.div(x.data, y.data), (grad, needs) => [
    needs[0] ? nd.div(grad, y.data) : null, // ∂(x/y)/∂x = 1/y
    needs[1] ? nd.divGradB(grad, x.data, y.data) : null, // ∂(x/y)/∂y = −x/y²
  ]);
}
